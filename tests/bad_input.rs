//! Bad input is an error, never a panic, an abort or undefined behaviour (issue 15).
//!
//! One regression test per finding, each of which panicked, aborted the process or was
//! undefined behaviour before its fix, then a garbage-input property test that drives random
//! formats, geometry, index strings and lying readers and writers through the public API.
//!
//! Sizes that cannot be allocated are chosen past the 47-bit address space (more than 128 TiB),
//! so that the allocation fails on any machine, whatever its overcommit policy; Miri cannot
//! model a failing allocation of that size, so those tests do not run under it (the code paths
//! they reach are the ones the other tests run under Miri with small sizes).

use ndview::{Array, Buffer, Error, Format, Order, SharedView, View, ViewMut};
use std::io::{self, Read, Write};

/// Lengths whose bytes (or whose decoded values) exceed any address space.
const HUGE: usize = 1 << 50;

fn is_alloc(e: &Error) -> bool {
    matches!(e, Error::Alloc { .. }) && e.python_type() == Some(ndview::PyErr::MemoryError)
}

// ---- item 6: nesting depth ----------------------------------------------------------------

#[test]
fn deeply_nested_structures_are_an_error_not_a_stack_overflow() {
    // 2,000 levels overflowed a spawned thread's stack before the limit.
    let deep = "T{".repeat(2000) + "B" + &"}".repeat(2000);
    let handle = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || Format::parse(&deep).map(|_| ()))
        .unwrap();
    let err = handle.join().unwrap().unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err}");
    assert!(err.to_string().contains("nest at most 64"), "{err}");
    // The limit itself is accepted, decodes and prints.
    let n = ndview::format::MAX_NESTING;
    let ok = "T{".repeat(n) + "B" + &"}".repeat(n);
    let f = Format::parse(&ok).unwrap();
    assert_eq!(f.itemsize(), 1);
    let shown = f.unpack(&[7]).unwrap().to_string();
    assert!(shown.contains('7'));
    let over = "T{".repeat(n + 1) + "B" + &"}".repeat(n + 1);
    assert!(Format::parse(&over).is_err());
}

// ---- item 7: values built per zero-size repetition --------------------------------------

#[test]
#[cfg_attr(miri, ignore = "Miri cannot model an allocation that fails")]
fn zero_size_repetitions_by_the_trillion_are_an_allocation_error() {
    let f = Format::parse(&format!("{HUGE}T{{}}")).unwrap();
    assert_eq!(f.itemsize(), 0);
    assert!(is_alloc(&f.unpack(&[]).unwrap_err()));
    assert!(is_alloc(&f.unpack_value(&[]).unwrap_err()));
    let sub = format!("({HUGE},0)B");
    let v = View::from_parts(&[], &sub, &[1], &[0], 0).unwrap();
    assert!(is_alloc(&v.tolist().unwrap_err()));
    assert!(is_alloc(&v.get(&[0]).unwrap_err()));
    // An empty view still builds its outer lists: [[], [], ...] 2^50 times.
    let e = View::from_parts(&[], "B", &[HUGE, 0], &[0, 1], 0).unwrap();
    assert!(is_alloc(&e.tolist().unwrap_err()));
    // Equality never needs the values when the bytes and formats match.
    let same = v.clone();
    assert!(v == same);
}

#[test]
fn zero_size_repetitions_that_fit_still_decode() {
    let f = Format::parse("3T{}").unwrap();
    assert_eq!(f.unpack(&[]).unwrap().to_string(), "((), (), ())");
    let v = View::from_parts(&[], "(2,0)B", &[2], &[0], 0).unwrap();
    assert_eq!(v.tolist().unwrap().to_string(), "[[[], []], [[], []]]");
}

// ---- item 8: huge broadcast views --------------------------------------------------------

#[test]
#[cfg_attr(miri, ignore = "Miri cannot model an allocation that fails")]
fn huge_broadcast_views_are_allocation_errors() {
    let one = [1u8];
    let b = View::from_bytes(&one).broadcast_to(&[HUGE]).unwrap();
    assert_eq!(b.nbytes(), HUGE);
    assert!(is_alloc(&b.to_owned().unwrap_err()));
    assert!(is_alloc(&b.tobytes(Order::C).unwrap_err()));
    assert!(is_alloc(&b.par_tobytes(Order::F).unwrap_err()));
    assert!(is_alloc(&b.hex().unwrap_err()));
    assert!(is_alloc(&b.hex_with(':', 2).unwrap_err()));
    assert!(is_alloc(&b.tolist().unwrap_err()));
    assert!(is_alloc(
        &b.astype::<f64>(ndview::Conversion::Saturating).unwrap_err()
    ));
    // A reduction keeps one partial per block: 2^60 elements have more blocks than memory.
    let wide = View::from_bytes(&one).broadcast_to(&[1 << 60]).unwrap();
    assert!(is_alloc(&wide.sum::<u8>().unwrap_err()));
    assert!(is_alloc(&wide.par_sum::<u8>().unwrap_err()));
    // make_mut copies a broadcast (overlapping) layout: the copy cannot be had either.
    let mut shared = SharedView::from_vec(vec![1u8], &[1]).unwrap();
    let mut big = shared.derive(|v| v.broadcast_to(&[HUGE])).unwrap();
    assert!(is_alloc(&big.make_mut().unwrap_err()));
    shared.make_mut().unwrap().fill(2u8).unwrap();
    // Arrays of such sizes are refused the same way.
    assert!(is_alloc(&Array::zeros("B", &[HUGE]).unwrap_err()));
    assert!(is_alloc(&Buffer::zeroed(HUGE).unwrap_err()));
}

#[test]
fn display_of_many_short_axes_is_summarised() {
    let one = [5u8];
    let shape = [2usize; 50];
    let b = View::from_bytes(&one).broadcast_to(&shape).unwrap();
    let text = b.to_string();
    assert!(text.contains("..."));
    assert!(text.len() < 100_000, "{} characters", text.len());
    assert_eq!(text.matches('5').count(), 512);
    // Below the threshold nothing is left out; above it, NumPy's three at each end.
    let data: Vec<u16> = (0..2000).collect();
    let v = View::from_slice(&data);
    assert!(!v.slice_str(":1000").unwrap().to_string().contains("..."));
    assert_eq!(v.to_string(), "[   0,    1,    2, ..., 1997, 1998, 1999]");
}

// ---- item 9: zeros commit lazily --------------------------------------------------------

#[test]
#[cfg(all(target_os = "linux", not(miri)))]
fn zeros_do_not_commit_their_memory_up_front() {
    fn resident() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }
    let before = resident();
    let a = Array::zeros("B", &[1 << 30]).unwrap();
    let after = resident();
    // Other tests run in this process at the same time: allow them 512 MiB.
    assert!(
        after < before + (512 << 20),
        "1 GiB of zeros made {} MiB resident",
        (after - before) >> 20
    );
    assert_eq!(a.as_bytes()[(1 << 30) - 1], 0);
}

// ---- item 10: readers and writers -------------------------------------------------------

/// A reader that claims to have read more than it was given.
struct Liar(usize);

impl Read for Liar {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        buf.fill(9);
        Ok(buf.len() + self.0)
    }
}

impl Write for Liar {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len() + self.0)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn readers_and_writers_that_lie_are_errors() {
    let mut buf = [0u8; 16];
    // Contiguous and strided destinations, byte and wider elements.
    for (format, shape, strides) in [
        ("B", &[8usize][..], &[1isize][..]),
        ("B", &[4], &[3]),
        ("<h", &[3], &[-4]),
    ] {
        let offset = if strides[0] < 0 { 12 } else { 0 };
        let mut v = ViewMut::from_parts(&mut buf, format, shape, strides, offset).unwrap();
        let err = v.read_from(&mut Liar(1)).unwrap_err();
        assert_eq!(
            err.kind(),
            io::ErrorKind::InvalidData,
            "{format} {strides:?}"
        );
    }
    let data = [1u8; 8];
    let err = View::from_bytes(&data)
        .write_some(&mut Liar(3))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
}

#[test]
fn zero_size_elements_read_nothing() {
    let mut buf = [0u8; 4];
    // "0s" elements with strides: not contiguous, no bytes to fill (divided by zero before).
    let mut v = ViewMut::from_parts(&mut buf, "0s", &[3], &[2], 0).unwrap();
    assert_eq!(v.read_from(&mut &b"abc"[..]).unwrap(), 0);
    v.read_exact_from(&mut &b""[..]).unwrap();
    let mut out = Vec::new();
    v.as_view().write_to(&mut out, Order::C).unwrap();
    assert!(out.is_empty());
}

// ---- item 11: overflow checks -----------------------------------------------------------

#[test]
fn extreme_diagonal_offsets_give_empty_diagonals() {
    let data: Vec<u8> = (0..9).collect();
    let m = View::from_bytes(&data).reshape(&[3, 3]).unwrap();
    for offset in [isize::MIN, isize::MIN + 1, isize::MAX, -3, 3] {
        let d = m.diagonal(offset, 0, 1).unwrap();
        assert_eq!(d.shape(), &[0], "{offset}");
        assert_eq!(d.tolist().unwrap().to_string(), "[]");
    }
    assert_eq!(
        m.diagonal(-2, 0, 1).unwrap().tolist().unwrap().to_string(),
        "[6]"
    );
}

#[test]
#[cfg(not(miri))]
fn map_file_past_any_file_size_is_an_error() {
    let dir = std::env::temp_dir().join(format!("ndview-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.bin");
    std::fs::write(&path, [0u8; 16]).unwrap();
    // SAFETY: the file is private to this test and not changed while mapped.
    let err = unsafe { SharedView::map_file(&path, "B", &[10], u64::MAX - 1) }.unwrap_err();
    assert!(
        err.to_string().contains("needs a file of at least"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- item 12: derived layouts keep the invariants ---------------------------------------

#[test]
fn derived_empty_layouts_stay_within_the_address_space() {
    let buf = [0u8; 4];
    let empty = View::from_parts(&buf[..2], "B", &[0], &[1], 2).unwrap();
    let err = empty.reshape(&[isize::MAX as usize, 0]).unwrap_err();
    assert!(matches!(err, Error::Geometry(_)), "{err}");
    assert!(empty.reshape(&[1 << 20, 0]).is_ok());
    let v = View::from_parts(&buf, "B", &[1, 1, 2], &[1, isize::MAX, 1], 0).unwrap();
    let d = v.diagonal(1, 0, 1).unwrap();
    assert_eq!(d.shape(), &[2, 0]);
    // Every operation on the result still computes in range.
    assert_eq!(d.flip(0).unwrap().tolist().unwrap().to_string(), "[[], []]");
    assert_eq!(d.tobytes(Order::F).unwrap(), Vec::<u8>::new());
}

// ---- item 13: one answer for zero-element items -----------------------------------------

#[test]
fn zero_element_sub_arrays_unpack_alike_everywhere() {
    let bytes = 1i32.to_ne_bytes();
    let f = Format::parse("(0)Bi").unwrap();
    assert_eq!(f.itemsize(), 4);
    assert_eq!(f.unpack_value(&bytes).unwrap().to_string(), "([], 1)");
    let v = View::from_parts(&bytes, "(0)Bi", &[], &[], 0).unwrap();
    assert_eq!(v.tolist().unwrap().to_string(), "([], 1)");
    let v1 = View::from_parts(&bytes, "(0)Bi", &[1], &[4], 0).unwrap();
    assert_eq!(v1.tolist().unwrap().to_string(), "[([], 1)]");
    // struct's own zero-length items keep their values too.
    let s = Format::parse("0si").unwrap();
    assert_eq!(s.unpack_value(&bytes).unwrap().to_string(), "(b'', 1)");
    let z = Format::parse("0ci").unwrap();
    assert_eq!(z.unpack_value(&bytes).unwrap().to_string(), "1");
}

// ---- item 14: one layout rule for repeated structures -----------------------------------

#[test]
fn a_format_accepts_its_own_itemsize() {
    // x2T{q}: 24 bytes in struct's layout; the exporter layout would need 31 (an unaligned
    // first structure), so the given 24 reads it in struct's layout, second q aligned.
    let plain = Format::parse("x2T{q}").unwrap();
    assert_eq!(plain.itemsize(), 24);
    let given = plain.with_itemsize(24).unwrap();
    assert_eq!(given.items(), plain.items());
    assert_eq!(given.items()[1].offset(), 8);
    assert_eq!(given.unpack(&[0; 24]).unwrap().to_string(), "((0,), (0,))");
    for text in [
        "x2T{q}",
        "b(2)T{ci}",
        "T{b2T{hb}}",
        "c3T{xd}i",
        "T{x(3)T{bq}}",
        "^bT{i}",
    ] {
        let f = Format::parse(text).unwrap();
        let g = f.with_itemsize(f.itemsize()).unwrap();
        assert_eq!(g.itemsize(), f.itemsize(), "{text}");
    }
    // Below both layouts' sizes it is refused, naming the least that fits.
    let err = plain.with_itemsize(16).unwrap_err();
    assert!(err.to_string().contains("give at least 24"), "{err}");
}

// ---- item 15: linear duplicate-name check -----------------------------------------------

#[test]
fn many_fields_parse_and_duplicates_are_found_anywhere() {
    let n = if cfg!(miri) { 300 } else { 40_000 };
    let mut text: String = (0..n).map(|i| format!("B:f{i}:")).collect();
    assert_eq!(Format::parse(&text).unwrap().itemsize(), n);
    text.push_str(&format!("B:f{}:", n / 2));
    let err = Format::parse(&text).unwrap_err();
    assert!(err.to_string().contains("duplicate field name"), "{err}");
}

// ---- item 16: documented alignment ------------------------------------------------------

#[test]
fn empty_buffers_are_aligned_as_documented() {
    for len in [0, 1, 63, 4097] {
        let b = Buffer::zeroed(len).unwrap();
        assert_eq!(b.as_ptr() as usize % ndview::buffer::ALIGN, 0, "{len}");
    }
}

// ---- items 3 and 5: aliasing through raw parts, owners inside their box -----------------

#[test]
fn the_documented_raw_parts_aliasing_is_sound() {
    // out == input element for element, contiguous: the kernel must not form a slice over
    // the input while it writes the output (checked by Miri).
    let mut data: Vec<f32> = (0..40).map(|x| x as f32).collect();
    let ptr = std::ptr::NonNull::new(data.as_mut_ptr().cast::<u8>()).unwrap();
    let fmt = Format::parse("f").unwrap();
    // SAFETY: both views cover `data` (160 bytes), which outlives them; they are used on this
    // thread only, together, in one call, as the contract allows.
    unsafe {
        let input = View::from_raw_parts(ptr, 160, &fmt, &[40], &[4], 0).unwrap();
        let mut out = ViewMut::from_raw_parts(ptr, 160, &fmt, &[40], &[4], 0).unwrap();
        out.zip_map_into(&input, &input, |x: f32, y: f32| x + y)
            .unwrap();
    }
    assert!(data.iter().enumerate().all(|(i, &x)| x == 2.0 * i as f32));
}

#[test]
fn owners_that_hold_their_bytes_inline_stay_valid() {
    // The bytes live inside the owner itself, which moves to the heap once and stays there.
    let sv = SharedView::from_owner([1u8, 0, 2, 0, 3, 0], "<h", &[3], &[2], 0).unwrap();
    let moved = vec![sv.clone(), sv];
    let copy = moved.clone();
    drop(moved);
    assert_eq!(copy[1].view().tolist().unwrap().to_string(), "[1, 2, 3]");
    let arc: std::sync::Arc<[u16]> = vec![7u16, 8].into();
    let shared = SharedView::from_arc(arc);
    assert_eq!(shared.view().sum::<u16>().unwrap(), 15);
}

// ---- the garbage-input property test ----------------------------------------------------

mod garbage {
    use super::*;
    use proptest::prelude::*;

    /// Miri cannot fail an allocation of hundreds of GiB (it runs out of host memory
    /// instead), so under it the huge counts and lengths that test `Error::Alloc` are small.
    const HUGE_COUNT: &str = if cfg!(miri) { "9" } else { "4294967296" };
    const HUGE_DIM: usize = if cfg!(miri) { 9 } else { 1 << 40 };

    /// Format strings from the grammar's alphabet, mostly nonsense.
    fn format_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("B"),
                Just("b"),
                Just("h"),
                Just("<i"),
                Just(">d"),
                Just("e"),
                Just("?"),
                Just("Zf"),
                Just("3s"),
                Just("x"),
                Just("T{"),
                Just("}"),
                Just("(2,"),
                Just(")"),
                Just(":a:"),
                Just("0"),
                Just(HUGE_COUNT),
                Just("@"),
                Just("^"),
                Just("q"),
                Just("p"),
                Just(" "),
                Just("2"),
            ],
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Index expressions, valid or not.
    fn index_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("0"),
                Just("-1"),
                Just(":"),
                Just("::-1"),
                Just("1:"),
                Just("::0"),
                Just("..."),
                Just("None"),
                Just(","),
                Just("99999999999999999999"),
                Just("::2"),
                Just("-9223372036854775808"),
                Just("a"),
            ],
            0..6,
        )
        .prop_map(|parts| parts.concat())
    }

    fn geometry() -> impl Strategy<Value = (Vec<usize>, Vec<isize>, usize)> {
        let dim = prop_oneof![
            Just(0usize),
            Just(1),
            Just(2),
            Just(3),
            Just(HUGE_DIM),
            0..5usize
        ];
        let stride = prop_oneof![
            Just(0isize),
            Just(1),
            Just(-1),
            Just(2),
            Just(-3),
            Just(isize::MAX),
            Just(isize::MIN),
            -8..8isize
        ];
        (1..4usize).prop_flat_map(move |nd| {
            (
                proptest::collection::vec(dim.clone(), nd),
                proptest::collection::vec(stride.clone(), nd),
                0..40usize,
            )
        })
    }

    /// Everything a caller may do with a view, each allowed to fail but never to panic.
    ///
    /// A view of 2^40 elements (stride 0) is legal; walking all of it is real work that
    /// NumPy would do too, so the walks run on small views only. Everything that allocates
    /// runs on every view: past memory it must fail at once with `Error::Alloc`.
    /// Whether materialising `v` is real work rather than garbage: more than 16 MiB but an
    /// allocation the machine might grant (below 1 TiB). A random slice of a 2^40-element
    /// broadcast view can land there, and copying tens of GiB once took the test runner down
    /// (out of memory); sizes past memory must still fail cleanly, and are exercised.
    fn too_big_to_copy(v: &View<'_>) -> bool {
        (1 << 24..1 << 40).contains(&v.nbytes())
    }

    fn materialise(v: &View<'_>) {
        if too_big_to_copy(v) {
            return;
        }
        let _ = v.tolist();
        let _ = v.tobytes(Order::C);
        let _ = v.tobytes(Order::F);
        let _ = v.hex_with('-', -3);
        let _ = v.to_owned();
    }

    fn exercise(v: &View<'_>, index: &str) {
        materialise(v);
        let _ = v.to_string();
        let _ = format!("{v:?}");
        let _ = v.write_some(&mut Liar(2));
        if v.len() <= 1 << 16 {
            let w = v.clone();
            let _ = v == &w;
            let _ = v.sum::<u8>();
            let _ = v.min::<i16>();
            let mut sink = Vec::new();
            let _ = v.write_to(&mut sink, Order::A);
        }
        if let Ok(w) = v.slice_str(index) {
            materialise(&w);
        }
        let _ = v.reshape(&[ndview::INFER]);
        let _ = v.reshape(&[isize::MAX as usize, 0]);
        let _ = v.reshape(&[usize::MAX - 1, 0]);
        let _ = v.get(&[usize::MAX; 2]);
        let _ = v.cast("B", None);
        let _ = v.view_as("<h");
        let _ = v.broadcast_to(&[3, 1 << 62]);
        let _ = v.diagonal(isize::MIN, 0, -1);
        let _ = v.squeeze().flip(0);
        let _ = v.field("a");
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 8 } else { 20_000 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn garbage_never_panics(
            format in format_text(),
            (shape, strides, offset) in geometry(),
            index in index_text(),
            lie in 0..3usize,
        ) {
            let mut buf = vec![0x5au8; 48];
            if let Ok(f) = Format::parse(&format) {
                let _ = f.unpack(&buf[..f.itemsize().min(48)]);
                let _ = f.with_itemsize(f.itemsize() + 3);
            }
            if let Ok(v) = View::from_parts(&buf, &format, &shape, &strides, offset) {
                exercise(&v, &index);
            }
            if let Ok(mut m) = ViewMut::from_parts(&mut buf, &format, &shape, &strides, offset) {
                // A writable view has disjoint elements in a 48-byte buffer: it is small.
                let _ = m.read_from(&mut Liar(lie));
                let _ = m.read_exact_from(&mut &[1u8, 2, 3][..]);
                let _ = m.fill(7u8);
                exercise(&m.as_view(), &index);
            }
        }
    }
}

/// Axis errors carry the axis as given, never a wrapped negative one, and say what is accepted
/// even for a 0-d view; broadcast_shapes keeps the 64-dimension limit; copy_from's mismatch
/// and hex's separator have their own variants (no "cannot cast" prefix).
#[test]
fn errors_carry_what_was_given() {
    let data = [1u8, 2, 3];
    let v = ndview::View::from_bytes(&data);
    for far in [isize::MAX, isize::MIN, 2, -3] {
        match v.insert_axis(far) {
            Err(ndview::Error::Axis { axis, ndim }) => assert_eq!((axis, ndim), (far, 2)),
            other => panic!("{other:?}"),
        }
    }
    // NumPy's transpose checks the number of axes before the axes themselves.
    let cube = ndview::View::from_bytes(&[0u8; 8])
        .reshape(&[2, 2, 2])
        .unwrap();
    assert!(matches!(
        cube.permute(&[0, 5]),
        Err(ndview::Error::Shape(_))
    ));
    assert!(matches!(
        cube.permute(&[0, 5, 1]),
        Err(ndview::Error::Axis { axis: 5, ndim: 3 })
    ));
    assert_eq!(cube.permute(&[-1, 0, 1]).unwrap().strides(), &[1, 4, 2]);
    assert!(matches!(
        cube.permute(&[2, -1, 0]),
        Err(ndview::Error::Shape(_))
    ));
    let zero_d = v.slice_str("0").unwrap();
    let e = zero_d.sum_axis::<u8>(1).unwrap_err();
    assert!(
        matches!(e, ndview::Error::Axis { axis: 1, ndim: 0 }),
        "{e:?}"
    );
    assert!(e.to_string().contains("a 0-d view has no axes"), "{e}");
    assert!(!e.to_string().contains("-0"), "{e}");
    let many = [1usize; 65];
    assert!(matches!(
        ndview::broadcast_shapes(&[&many, &[1]]),
        Err(ndview::Error::TooManyDims { ndim: 65 })
    ));
    let mut out = [0u16; 3];
    let e = ndview::ViewMut::from_slice(&mut out)
        .copy_from(&v)
        .unwrap_err();
    assert!(matches!(e, ndview::Error::Assign { .. }), "{e:?}");
    assert!(!e.to_string().contains("cannot cast"), "{e}");
    let e = v.hex_with('é', 1).unwrap_err();
    assert!(matches!(e, ndview::Error::Value(_)), "{e:?}");
}

/// INFER where nothing infers it says so, rather than "array is too big".
#[test]
fn infer_outside_reshape_says_where_it_is_accepted() {
    let e = ndview::Array::zeros("f", &[3, ndview::INFER]).unwrap_err();
    assert!(
        e.to_string()
            .contains("only reshape, frombuffer and map_file"),
        "{e}"
    );
    let data = [0u8; 4];
    let e = ndview::View::from_bytes(&data)
        .broadcast_to(&[ndview::INFER, 4])
        .unwrap_err();
    assert!(e.to_string().contains("INFER"), "{e}");
}
