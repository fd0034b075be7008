//! Hand-written format cases (PEP 3118 extensions with the itemsizes NumPy reports, error
//! positions, the typed bridge) and property tests that bad input never panics.

use ndview::{ByteOrder, Code, Element, Error, Format, Mode, Scalar, Value};
use proptest::prelude::*;

fn size(s: &str) -> usize {
    Format::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .itemsize()
}

#[test]
fn numpy_record_exports_have_numpys_itemsizes() {
    // memoryview(np.zeros(1, dtype)).format / .itemsize from NumPy 2.4.
    assert_eq!(size("T{i:a:=d:b:}"), 12); // [('a','<i4'),('b','<f8')]
    assert_eq!(size("T{i:a:xxxxd:b:}"), 16); // the same, align=True
    assert_eq!(size("T{B:a:(2,3)=h:b:}"), 13); // u1 + ('<i2', (2, 3))
    assert_eq!(size("T{e:f0:=Zf:f1:}"), 10); // 'f2,c8'
    assert_eq!(size("Zd"), 16);
    assert_eq!(size("Zf"), 8);
    assert_eq!(size("T{=q:a:B:b:}"), 9); // packed ('i8','u1')
    assert_eq!(size("T{l:a:B:b:}"), 16); // aligned: a C struct, trailing padding
    assert_eq!(size("T{B:a:T{>i:x:=d:y:}:s:}"), 13); // nested, mixed byte orders
    assert_eq!(size("T{B:a:xxxT{i:x:B:y:}:s:}"), 12); // nested aligned
    assert_eq!(size("5s"), 5);
    assert_eq!(size(">H"), 2);
    assert_eq!(size("4x"), 4);
    assert_eq!(size("T{(2)i:a:>f:b:}"), 12);
    assert_eq!(size("T{Zf:a:e:b:}"), 12); // aligned complex64 + f2, padded to 4
}

#[test]
fn explicit_itemsize_carries_what_the_string_cannot() {
    // NumPy writes this for a record with fields at 0 and 8 and itemsize 16.
    let f = Format::parse_with_itemsize("T{B:a:xxxxxxxi:b:}", 16).unwrap();
    assert_eq!(f.itemsize(), 16);
    assert_eq!(f.natural_size(), 12);
    // The same string names a 9-byte packed and a 16-byte aligned record.
    assert_eq!(
        Format::parse_with_itemsize("T{l:a:B:b:}", 9)
            .unwrap()
            .itemsize(),
        9
    );
    assert_eq!(
        Format::parse_with_itemsize("T{l:a:B:b:}", 16)
            .unwrap()
            .itemsize(),
        16
    );
    // Smaller than the items: refused, saying what is needed.
    let err = Format::parse_with_itemsize("i", 3).unwrap_err().to_string();
    assert!(err.contains("at least 4"), "{err}");
    assert!(Format::parse_with_itemsize("T{l:a:B:b:}", 8).is_err());
}

#[test]
fn exported_layout_places_nested_members_as_numpy_does() {
    // np.dtype([('s', np.dtype([('x','<i4'),('y','u1')], align=True)), ('z','u1')]):
    // NumPy exports 'T{T{i:x:B:y:}:s:xxxB:z:}' with itemsize 9 and z at 8.
    let f = Format::parse_with_itemsize("T{T{i:x:B:y:}:s:xxxB:z:}", 9).unwrap();
    let rec = &f.items()[0];
    let z = rec.fields().iter().find(|i| i.name() == Some("z")).unwrap();
    assert_eq!(z.offset(), 8);
    // Read as a C struct (no itemsize given), the inner struct is padded to 8 first.
    let c = Format::parse("T{T{i:x:B:y:}:s:xxxB:z:}").unwrap();
    let z = c.items()[0]
        .fields()
        .iter()
        .find(|i| i.name() == Some("z"))
        .unwrap();
    assert_eq!(z.offset(), 11);
    // A '@d' that NumPy marked native because it is aligned in the whole element, not in
    // its own structure (itemsize 25: i4, then >i2 (2,3), <f8 and u1 from offset 4).
    let f = Format::parse_with_itemsize("T{i:f0:T{(2,3)>h:b0:@d:h1:B:f2:}:e1:}", 25).unwrap();
    let inner = &f.items()[0].fields()[1];
    assert_eq!(inner.offset(), 4);
    let offsets: Vec<usize> = inner.fields().iter().map(|i| i.offset()).collect();
    assert_eq!(offsets, [0, 12, 20]);
}

#[test]
fn struct_layout_rules() {
    assert_eq!(size("@bi"), 8);
    assert_eq!(size("ib"), 5); // no trailing padding at the top level
    assert_eq!(size("@qb"), 9);
    assert_eq!(size("@i3s"), 7);
    assert_eq!(size("@ic0i"), 8); // a zero count still aligns
    assert_eq!(size("llh0l"), 24);
    assert_eq!(size("<l"), 4);
    assert_eq!(size("l"), std::mem::size_of::<std::ffi::c_long>());
    assert_eq!(size("0s"), 0);
    assert_eq!(size("0p"), 0);
    assert_eq!(size("3x"), 3);
    assert_eq!(size("@ i"), 4);
    assert_eq!(size(" \t2h\n"), 4);
    assert_eq!(size(""), 0);
    assert_eq!(size("<"), 0);
}

#[test]
fn items_describe_code_count_offset_order_and_name() {
    let f = Format::parse("T{>h:x:(2,3)<d:y:}").unwrap();
    let rec = &f.items()[0];
    assert_eq!(rec.code(), Code::Struct);
    let x = &rec.fields()[0];
    let y = &rec.fields()[1];
    assert_eq!(
        (x.code(), x.byte_order(), x.name()),
        (Code::Short, ByteOrder::Big, Some("x"))
    );
    assert_eq!(
        (y.offset(), y.shape(), y.mode()),
        (2, Some(&[2usize, 3][..]), Mode::Little)
    );
    assert_eq!(y.size(), 48);
    assert_eq!(f.itemsize(), 50);
}

#[test]
fn the_prefix_is_sticky_across_structures() {
    // NumPy's importer: the byte order set inside a T{} stays in force after it.
    let f = Format::parse("T{<b}i").unwrap();
    assert_eq!(f.items()[1].mode(), Mode::Little);
    assert_eq!(f.itemsize(), 5);
}

#[test]
fn errors_name_the_position_and_what_would_be_accepted() {
    fn pos(s: &str) -> usize {
        match Format::parse(s) {
            Err(Error::Format { position, .. }) => position,
            other => panic!("{s:?}: {other:?}"),
        }
    }
    assert_eq!(pos("3 i"), 1);
    assert_eq!(pos("iiQ?y"), 4);
    assert_eq!(pos("i3"), 1); // a trailing count
    assert_eq!(pos("@@i"), 1);
    assert_eq!(pos("<>i"), 1);
    assert_eq!(pos("i@"), 2);
    assert_eq!(pos("<n"), 1); // native-only after a standard prefix
    assert_eq!(pos("T{ii"), 0); // never closed
    assert_eq!(pos("ii}"), 2);
    assert_eq!(pos("i\0i"), 1);
    assert_eq!(pos("(2,3i"), 4);
    assert_eq!(pos("Zq"), 0);
    assert_eq!(pos("99999999999999999999i"), 0);
    let msg = Format::parse("iiQ?y").unwrap_err().to_string();
    assert!(
        msg.contains("'y'") && msg.contains("expected a format code"),
        "{msg}"
    );
    let msg = Format::parse("<P").unwrap_err().to_string();
    assert!(msg.contains("native sizes"), "{msg}");
}

#[test]
fn the_format_string_is_kept_verbatim() {
    for s in ["@B", " i ", "T{i:a:=d:b:}", "<2h:xy:3s"] {
        let f = Format::parse(s).unwrap();
        assert_eq!(f.as_str(), s);
        assert_eq!(f.to_string(), s);
    }
}

#[test]
fn unpack_and_pack_follow_struct() {
    let f = Format::parse("<?c3sbe").unwrap();
    let v = f
        .unpack(&[2, b'a', b'x', b'\'', 0, 0xff, 0x00, 0x3c])
        .unwrap();
    assert_eq!(v.to_string(), r#"(True, b'a', b"x'\x00", -1, 1.0)"#);
    let back = f.pack(&v).unwrap();
    assert_eq!(back, [1, b'a', b'x', b'\'', 0, 0xff, 0x00, 0x3c]);
    // Pascal strings: the first byte is the length, capped at count - 1.
    let p = Format::parse("4p").unwrap();
    assert_eq!(
        p.pack(&Value::Bytes(b"hello".to_vec())).unwrap(),
        [3, b'h', b'e', b'l']
    );
    assert_eq!(
        p.unpack(&[9, b'a', b'b', b'c']).unwrap().to_string(),
        "(b'abc',)"
    );
    // Structures and sub-arrays nest.
    let r = Format::parse("T{<h(2)B}").unwrap();
    let v = r.unpack(&[1, 0, 7, 8]).unwrap();
    assert_eq!(v.to_string(), "((1, [7, 8]),)");
    assert_eq!(r.pack(&v).unwrap(), [1, 0, 7, 8]);
    // Wrong lengths are errors.
    assert!(r.unpack(&[1, 2, 3]).is_err());
}

#[test]
fn pack_checks_ranges_like_struct() {
    let b = Format::parse("b").unwrap();
    assert!(b.pack(&Value::Int(127)).is_ok());
    assert!(b.pack(&Value::Int(128)).is_err());
    assert!(Format::parse("<Q").unwrap().pack(&Value::Int(-1)).is_err());
    let e = Format::parse("e").unwrap();
    assert_eq!(e.pack(&Value::Float(65504.0)).unwrap(), [0xff, 0x7b]);
    let err = e.pack(&Value::Float(65520.0)).unwrap_err();
    assert_eq!(err.python_type(), Some(ndview::PyErr::OverflowError));
    assert!(Format::parse("i")
        .unwrap()
        .pack(&Value::Float(1.0))
        .is_err());
    assert!(Format::parse("d").unwrap().pack(&Value::Int(1)).is_ok());
    // Native 'f' is a C cast; standard '<f' checks.
    assert!(Format::parse("f")
        .unwrap()
        .pack(&Value::Float(1e300))
        .is_ok());
    assert!(Format::parse("<f")
        .unwrap()
        .pack(&Value::Float(1e300))
        .is_err());
}

#[test]
fn element_types_know_their_formats() {
    fn check<T: Element>(fmt: &str, scalar: Scalar) {
        assert_eq!(T::FORMAT, fmt);
        assert_eq!(T::SCALAR, scalar);
        assert_eq!(T::format().as_str(), fmt);
        assert_eq!(T::format().itemsize(), std::mem::size_of::<T>());
        assert_eq!(T::format().holds::<T>(), Some(ByteOrder::NATIVE));
    }
    check::<u8>("B", Scalar::U8);
    check::<i8>("b", Scalar::I8);
    check::<u16>("H", Scalar::U16);
    check::<i16>("h", Scalar::I16);
    check::<u32>("I", Scalar::U32);
    check::<i32>("i", Scalar::I32);
    check::<u64>("Q", Scalar::U64);
    check::<i64>("q", Scalar::I64);
    check::<usize>("N", Scalar::U64);
    check::<isize>("n", Scalar::I64);
    check::<f32>("f", Scalar::F32);
    check::<f64>("d", Scalar::F64);
    check::<bool>("?", Scalar::Bool);
    check::<half::f16>("e", Scalar::F16);
    check::<num_complex::Complex32>("Zf", Scalar::C64);
    check::<num_complex::Complex64>("Zd", Scalar::C128);
    let other = if cfg!(target_endian = "little") {
        ">"
    } else {
        "<"
    };
    let swapped = Format::parse(&format!("{other}i")).unwrap();
    assert_ne!(swapped.holds::<i32>(), Some(ByteOrder::NATIVE));
    assert!(swapped.holds::<i32>().is_some());
    assert_eq!(
        Format::parse("<l").unwrap().holds::<i32>(),
        Some(ByteOrder::Little)
    );
    assert_eq!(Format::parse("ii").unwrap().holds::<i32>(), None);
    assert_eq!(
        Format::parse("T{d}").unwrap().holds::<f64>(),
        Some(ByteOrder::NATIVE)
    );
}

#[test]
fn element_loads_and_stores_either_byte_order_unaligned() {
    let mut buf = [0u8; 9];
    // SAFETY: buf has 9 bytes; offsets 1..5 and 1..9 are in bounds.
    unsafe {
        1.5f32.store(buf.as_mut_ptr().add(1), ByteOrder::Big);
        assert_eq!(&buf[1..5], &1.5f32.to_be_bytes());
        assert_eq!(f32::load(buf.as_ptr().add(1), ByteOrder::Big), 1.5);
        (-2i64).store(buf.as_mut_ptr().add(1), ByteOrder::Little);
        assert_eq!(i64::load(buf.as_ptr().add(1), ByteOrder::Little), -2);
        buf[0] = 7;
        assert!(bool::load(buf.as_ptr(), ByteOrder::Big)); // any nonzero byte is true
    }
}

/// Whether `code` occurs anywhere in `f`, nested structures included.
fn has_code(f: &Format, code: Code) -> bool {
    fn any(items: &[ndview::Item], code: Code) -> bool {
        items
            .iter()
            .any(|i| i.code() == code || any(i.fields(), code))
    }
    any(f.items(), code)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 16 } else { 2000 },
        ..ProptestConfig::default()
    })]

    /// Arbitrary strings never panic the parser; accepted ones unpack and repack.
    #[test]
    fn arbitrary_strings_never_panic(s in "[ -~\\t\\n]{0,24}", bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(f) = Format::parse(&s) {
            if f.itemsize() <= 4096 {
                let data: Vec<u8> = bytes.iter().cycle().take(f.itemsize()).copied().collect();
                if f.itemsize() == 0 || !bytes.is_empty() {
                    match f.unpack(&data) {
                        Ok(v) => {
                            let _ = v.to_string();
                            let _ = f.pack(&v);
                        }
                        // Only the opaque codes (long double, UCS characters) have no values.
                        Err(Error::Undecodable { code }) => prop_assert!(has_code(&f, code)),
                        Err(e) => prop_assert!(false, "{s:?}: {e}"),
                    }
                }
            }
            let _ = f.with_itemsize(f.itemsize() + 3);
        }
    }

    /// Strings built from the grammar's own alphabet reach deep into the parser.
    #[test]
    fn grammar_alphabet_never_panics(s in "[@=<>!^xcbB?hHiIlLqQnNefdspPZguwT{}():a0-9, ]{0,30}", bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(f) = Format::parse(&s) {
            let _ = f.unpack(&bytes);
            let opaque = [Code::LongDouble, Code::ComplexLongDouble, Code::Ucs2, Code::Ucs4]
                .into_iter()
                .any(|c| has_code(&f, c));
            if f.itemsize() <= bytes.len() && !opaque {
                let v = f.unpack(&bytes[..f.itemsize()]).unwrap();
                let packed = f.pack(&v);
                prop_assert!(packed.is_ok() || f.items().iter().any(|i| i.code() == Code::Pascal || i.shape().is_some()));
            }
        }
    }

    /// Unpacking what was packed gives back the value, for random numeric formats.
    #[test]
    fn pack_unpack_round_trip(codes in proptest::collection::vec(prop::sample::select(&["b","B","h","H","i","I","q","Q","?","d"][..]), 1..8),
                              prefix in prop::sample::select(&["", "<", ">", "=", "!"][..]),
                              bytes in proptest::collection::vec(any::<u8>(), 128)) {
        let fmt = format!("{prefix}{}", codes.concat());
        let f = Format::parse(&fmt).unwrap();
        let v = f.unpack(&bytes[..f.itemsize()]).unwrap();
        let packed = f.pack(&v).unwrap();
        let again = f.unpack(&packed).unwrap();
        // NaN is unequal to itself, so compare the text.
        prop_assert_eq!(v.to_string(), again.to_string());
    }
}
