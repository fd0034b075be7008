//! The guided tour: what ndview does, step by step. Run it with
//! `cargo run --release --example tour`.

use ndview::kernels::ops;
use ndview::{s, Conversion, Format, Order, SharedView, Value, View, ViewMut};
use std::time::Instant;

fn main() -> Result<(), ndview::Error> {
    println!(
        "How to read this tour: each section names what it shows, then one line per step.\n\
         `v[1, ::-1]` is NumPy's index syntax (ndview's `slice_str`); `s![..;-2]` is the same in\n\
         Rust; `[1, 2]` is a Python list as `tolist()` prints it; shapes are lengths per axis,\n\
         strides and offsets are in bytes; `->` leads to the result or to the error ndview gives.\n"
    );
    formats()?;
    views()?;
    kernels()?;
    sharing()?;
    println!(
        "\n== Where next ==\n\
         The book: docs/README.md (getting started, then a chapter for readers of memoryview,\n\
         NumPy and ndarray; formats, views, buffers, performance, safety, Python, scale).\n\
         The API reference: cargo doc --open.\n\
         More examples: cargo run --release --example image | science | chunks | readinto |\n\
         socket | mmap | bench (each file in examples/ says what it shows); the Python package\n\
         and its Dask pipeline: README.md, \"Python\"."
    );
    Ok(())
}

fn formats() -> Result<(), ndview::Error> {
    println!("== Formats: struct and PEP 3118 strings ==");
    for text in [
        "<hd",
        "hd",
        "3s?",
        "T{i:a:=d:b:}",
        "T{B:a:(2,3)=h:b:}",
        "Zd",
        "T{l:a:B:b:}",
    ] {
        let f = Format::parse(text)?;
        println!(
            "{text:>20}  itemsize {:>2}  align {}  items [{}]",
            f.itemsize(),
            f.alignment(),
            describe(f.items())
        );
    }

    println!("\n== Unpack and pack, exactly as struct does ==");
    let f = Format::parse("<h2s?e")?;
    let bytes = [0xfe, 0xff, b'h', b'i', 7, 0x00, 0x3c];
    let v = f.unpack(&bytes)?;
    println!("unpack({bytes:02x?}) = {v}");
    let packed = f.pack(&v)?;
    println!("pack({v}) = {packed:02x?}   ('?' normalises 7 to 1)");
    let err = Format::parse("b")?.pack(&Value::Int(200)).unwrap_err();
    println!("pack('b', 200) -> {err}");

    println!("\n== Bad formats say where and what would be accepted ==");
    for bad in ["3 i", "<P", "T{ii", "i@"] {
        println!("{bad:>6}: {}", Format::parse(bad).unwrap_err());
    }
    Ok(())
}

fn describe(items: &[ndview::Item]) -> String {
    items
        .iter()
        .map(|i| {
            let name = i.name().map(|n| format!(":{n}")).unwrap_or_default();
            let inner = if i.fields().is_empty() {
                String::new()
            } else {
                format!("{{{}}}", describe(i.fields()))
            };
            let shape = i.shape().map(|s| format!("{s:?}")).unwrap_or_default();
            format!(
                "{shape}{}{}{inner}@{}{name}",
                i.count(),
                i.code().as_str(),
                i.offset()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn views() -> Result<(), ndview::Error> {
    println!("\n== Views: a buffer, a format, a shape, byte strides, an offset ==");
    let data: Vec<i32> = (0..24).collect();
    let v = View::from_slice(&data).reshape(&[2, 3, 4])?;
    println!("{v:?}\n{v}");

    println!("\n== NumPy slicing, which memoryview refuses ==");
    let t = v.slice_str("1, ::-1, 1::2")?;
    println!(
        "v[1, ::-1, 1::2] -> shape {:?} strides {:?} offset {}",
        t.shape(),
        t.strides(),
        t.offset()
    );
    println!("{t}");
    let m = v.slice(s![.., 0, ..;-2, None])?;
    println!(
        "s![.., 0, ..;-2, None] -> shape {:?} strides {:?}",
        m.shape(),
        m.strides()
    );

    println!("\n== cast, exactly memoryview.cast ==");
    let bytes = v.cast("B", None)?;
    println!(
        "cast('B') -> {} bytes, format {:?}",
        bytes.len(),
        bytes.format().as_str()
    );
    let back = bytes.cast("i", Some(&[4, 6]))?;
    println!("cast('i', [4, 6]) -> shape {:?}", back.shape());
    println!(
        "cast of a transposed view -> {}",
        v.transpose().cast("B", None).unwrap_err()
    );

    println!("\n== tobytes in C and F order, hex, tolist ==");
    let small = View::from_slice(&data[..6]).reshape(&[2, 3])?;
    println!(
        "C: {}",
        View::from_bytes(&small.tobytes(Order::C)?).hex_with(' ', 4)?
    );
    println!(
        "F: {}",
        View::from_bytes(&small.tobytes(Order::F)?).hex_with(' ', 4)?
    );
    println!("tolist: {}", small.tolist()?);

    println!("\n== Any format decodes, including big-endian records memoryview refuses ==");
    let rec = [
        0u8, 1, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0, 2, 0x40, 0, 0, 0, 0, 0, 0, 0,
    ];
    let r = View::from_parts(&rec, "T{>h:id:>d:x:}", &[2], &[10], 0)?;
    println!("{} -> {}", r.format(), r.tolist()?);
    let x = r.field("x")?;
    println!(
        "field 'x' (NumPy's r['x']): format {}, stride {}, offset {} -> {}",
        x.format(),
        x.strides()[0],
        x.offset(),
        x.tolist()?
    );

    println!("\n== Writing through a ViewMut shows in the buffer ==");
    let mut buf = [0u8; 6];
    {
        let mut w = ViewMut::from_bytes(&mut buf);
        w.set(&[1], &Value::Int(5))?;
        let tail = w.reborrow().slice_str("1:")?;
        println!(
            "after buf[1] = 5, the view starting at 1 sees {} at index 0",
            tail.get(&[0])?
        );
    }
    println!("buffer: {buf:?}");

    println!("\n== The copy a strided view avoids ==");
    let big: Vec<f32> = (0..4096 * 4096).map(|i| i as f32).collect();
    let grid = View::from_slice(&big).reshape(&[4096, 4096])?;
    let t0 = Instant::now();
    let every_other = grid.slice(s![..;2, ..;-2])?;
    let slice_time = t0.elapsed();
    let t0 = Instant::now();
    let copied = every_other.tobytes(Order::C)?;
    let copy_time = t0.elapsed();
    println!(
        "slicing a 64 MiB grid [::2, ::-2]: {slice_time:?}; copying the 16 MiB it selects: {copy_time:?} ({} bytes)",
        copied.len()
    );
    Ok(())
}

fn kernels() -> Result<(), ndview::Error> {
    println!("\n== Kernels: closures over values, any layout, broadcasting ==");
    let a: Vec<f32> = (0..6).map(|x| x as f32).collect();
    let col = [10.0f32, 20.0];
    let grid = View::from_slice(&a).reshape(&[2, 3])?;
    let column = View::from_slice(&col).reshape(&[2, 1])?;
    let sum = grid.zip_map(&column, |x: f32, y: f32| x + y)?;
    println!("[[0,1,2],[3,4,5]] + [[10],[20]] = {}", sum.view().tolist()?);
    let big_endian = [0u8, 1, 0, 2, 0, 3];
    let be = View::from_parts(&big_endian, ">h", &[3], &[2], 0)?;
    println!(
        "big-endian shorts doubled: {}",
        be.map(|x: i16| x * 2)?.view().tolist()?
    );
    println!(
        "ops::mul_scalar dispatches on the format once: {}",
        ops::mul_scalar(&be, 3.0)?.view().tolist()?
    );
    let pixels: Vec<u8> = vec![0, 128, 255];
    let f = View::from_slice(&pixels).astype::<f32>(Conversion::Saturating)?;
    println!("u8 -> f32: {}", f.view().tolist()?);
    println!(
        "sum {}, max {}, sum along axis 0 {}",
        grid.sum::<f32>()?,
        grid.max::<f32>()?,
        grid.sum_axis::<f32>(0)?.view().tolist()?
    );

    println!("\n== The same kernels on all cores, with the same answer ==");
    let n = 4096;
    let data: Vec<f32> = (0..n * n).map(|i| (i % 1000) as f32 * 0.001).collect();
    let m = View::from_slice(&data).reshape(&[n, n])?;
    let t = m.transpose();
    let mut out = vec![0f32; n * n];
    let time = |f: &mut dyn FnMut()| {
        let t0 = Instant::now();
        f();
        t0.elapsed()
    };
    let mut o = ViewMut::from_slice(&mut out).reshape(&[n, n])?;
    let seq = time(&mut || o.zip_map_into(&m, &t, |x: f32, y: f32| x + y).unwrap());
    let par = time(&mut || o.par_zip_map_into(&m, &t, |x: f32, y: f32| x + y).unwrap());
    println!(
        "64 MiB a + a.T: {seq:?} on one thread, {par:?} on {} threads",
        rayon::current_num_threads()
    );
    let (s1, s2) = (m.sum::<f32>()?, m.par_sum::<f32>()?);
    println!(
        "sum {s1} sequential, {s2} parallel: bit-identical: {}",
        s1.to_bits() == s2.to_bits()
    );
    let copy = time(&mut || {
        std::hint::black_box(
            t.tobytes(Order::C)
                .expect("a 4096x4096 copy fits in memory"),
        );
    });
    println!("tobytes of the transposed 64 MiB view (tiled SIMD transpose): {copy:?}");
    Ok(())
}

fn sharing() -> Result<(), ndview::Error> {
    println!("\n== Sharing: views that own their buffer, across threads ==");
    let shared = SharedView::from_vec((0..1_000_000u32).collect::<Vec<u32>>(), &[1000, 1000])?;
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let rows = shared.slice_str(&format!("{}::4", k)).expect("valid index");
            std::thread::spawn(move || rows.view().sum::<u32>().expect("u32 view"))
        })
        .collect();
    let sums: Vec<u64> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    println!("four threads each summed every fourth row: {sums:?}");
    let mut mine = shared.clone();
    mine.make_mut()?.set_as(&[0, 0], 7u32)?; // copy-on-write: `shared` keeps its data
    println!(
        "after make_mut on a clone: clone[0,0] = {}, original[0,0] = {}",
        mine.view().get(&[0, 0])?,
        shared.view().get(&[0, 0])?
    );

    println!("\n== Zero-copy I/O: chunks, readinto at an offset, streaming out ==");
    let data: Vec<u8> = (0..10).collect();
    let pieces: Vec<String> = View::from_bytes(&data)
        .chunks(4)?
        .map(|c| c.hex().unwrap())
        .collect();
    println!("chunks of 4 bytes, no copy: {pieces:?}");
    let mut buf = vec![0u8; 8];
    let mut reader: &[u8] = b"hello";
    let n = ViewMut::from_bytes(&mut buf)
        .slice(s![3..])?
        .read_from(&mut reader)?;
    println!("readinto(memoryview(buf)[3:]) read {n} bytes: {buf:?}");
    let grid: Vec<u16> = (0..6).collect();
    let t = View::from_slice(&grid).reshape(&[2, 3])?.transpose();
    let mut out = Vec::new();
    t.write_to(&mut out, Order::C)?;
    println!("a transposed view streamed in C order through a bounded buffer: {out:?}");
    Ok(())
}
