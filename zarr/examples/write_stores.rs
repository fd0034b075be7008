//! Writes Zarr v3 stores with ndview-zarr for zarr-python to read back
//! (zarr/fixtures/check_written.py): several data types, codecs and source layouts, plus a
//! manifest.json of the expected elements (C order, little-endian, hex).
//!
//!     cargo run -p ndview-zarr --example write_stores -- OUT_DIR

use ndview::{Order, View};
use ndview_zarr::{Compression, Region, ZarrArray};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn c_strides(shape: &[usize], itemsize: usize) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = itemsize as isize;
    for d in (0..shape.len()).rev() {
        s[d] = acc;
        acc *= shape[d] as isize;
    }
    s
}

/// One store to write: (name, format, shape, chunks, compression or a `zarr.json` document).
type Case<'a> = (
    &'a str,
    &'a str,
    Vec<u64>,
    Vec<u64>,
    Result<Compression, &'a str>,
);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: write_stores OUT_DIR")?;
    let out = std::path::Path::new(&out);
    let sharded = r#"{"zarr_format": 3, "node_type": "array", "shape": [10, 9], "data_type": "float32",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [6, 6]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0.0, "codecs": [{"name": "sharding_indexed", "configuration": {
        "chunk_shape": [3, 2], "codecs": [{"name": "transpose", "configuration": {"order": [1, 0]}},
        {"name": "bytes", "configuration": {"endian": "little"}},
        {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3, "shuffle": "shuffle",
        "typesize": 4, "blocksize": 0}}],
        "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
        "index_location": "end"}}]}"#;
    // (name, format, shape, chunks, compression or metadata); the element bytes are a
    // deterministic pattern valid for every type (bool: 0 or 1).
    let cases: Vec<Case> = vec![
        (
            "bool_zstd",
            "?",
            vec![7, 5],
            vec![3, 2],
            Ok(Compression::Zstd { level: 3 }),
        ),
        ("int8_raw", "<b", vec![13], vec![4], Ok(Compression::None)),
        (
            "int16_gzip",
            "<h",
            vec![6, 7],
            vec![4, 3],
            Ok(Compression::Gzip { level: 5 }),
        ),
        (
            "int64_zstd",
            "<q",
            vec![5, 4, 3],
            vec![2, 3, 2],
            Ok(Compression::Zstd { level: 1 }),
        ),
        (
            "uint32_zstd",
            "<I",
            vec![9, 4],
            vec![4, 4],
            Ok(Compression::Zstd { level: 9 }),
        ),
        (
            "float16_gzip",
            "<e",
            vec![11],
            vec![3],
            Ok(Compression::Gzip { level: 1 }),
        ),
        (
            "float32_sharded_transpose_blosc",
            "<f",
            vec![10, 9],
            vec![6, 6],
            Err(sharded),
        ),
        (
            "float64_zstd",
            "<d",
            vec![8, 6],
            vec![3, 5],
            Ok(Compression::Zstd { level: 3 }),
        ),
        (
            "complex128_raw",
            "<Zd",
            vec![4, 3],
            vec![3, 2],
            Ok(Compression::None),
        ),
    ];
    let mut manifest = Vec::new();
    for (k, (name, format, shape, chunks, how)) in cases.into_iter().enumerate() {
        let z = match how {
            Ok(c) => ZarrArray::create(out.join(name), "/", format, &shape, &chunks, c)?,
            Err(json) => ZarrArray::create_with_metadata(out.join(name), "/", json)?,
        };
        let is = z.itemsize();
        let dims: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
        let n: usize = dims.iter().product();
        let bytes: Vec<u8> = (0..n * is)
            .map(|i| {
                if format == "?" {
                    ((i * 7 + k) % 3 == 0) as u8
                } else {
                    (i * 31 + k * 17) as u8 % 251
                }
            })
            .map(|b| {
                if format == "<e" || format == "<f" || format == "<d" || format == "<Zd" {
                    b & 0x3f
                } else {
                    b
                }
            })
            .collect();
        // Written through a reversed view of a reversed copy: the source has negative strides.
        let c = View::from_parts(&bytes, format, &dims, &c_strides(&dims, is), 0)?;
        let flipped_all = (0..dims.len()).try_fold(c.clone(), |v, d| v.flip(d as isize))?;
        let reversed = flipped_all.tobytes(Order::C)?;
        let r = View::from_parts(&reversed, format, &dims, &c_strides(&dims, is), 0)?;
        let src = (0..dims.len()).try_fold(r, |v, d| v.flip(d as isize))?;
        z.write(&Region::all(z.shape()), &src)?;
        manifest.push(format!(
            "  {{\"name\": \"{name}\", \"format\": \"{format}\", \"shape\": {shape:?}, \"hex\": \"{}\"}}",
            hex(&c.tobytes(Order::C)?)
        ));
    }
    std::fs::write(
        out.join("manifest.json"),
        format!("[\n{}\n]\n", manifest.join(",\n")),
    )?;
    println!("wrote {} stores to {}", manifest.len(), out.display());
    Ok(())
}
