//! The committed stores written by zarr-python 3 (zarr/fixtures/generate.py) read byte-exactly:
//! whole arrays and sub-regions, into destinations of every layout, compared with ndview's
//! own slicing of the manifest's bytes.
#![cfg(target_endian = "little")]

mod common;

use std::path::PathBuf;

use common::{layouts, reference, unhex};
use ndview::Order;
use ndview_zarr::{Region, ZarrArray};

struct Case {
    name: String,
    data_type: String,
    format: String,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

fn stores() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/stores")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(stores().join("manifest.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["arrays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| Case {
            name: a["name"].as_str().unwrap().to_owned(),
            data_type: a["data_type"].as_str().unwrap().to_owned(),
            format: a["format"].as_str().unwrap().to_owned(),
            shape: a["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap() as usize)
                .collect(),
            bytes: unhex(a["hex"].as_str().unwrap()),
        })
        .collect()
}

fn indexes(ndim: usize) -> &'static [&'static str] {
    match ndim {
        1 => &[
            "",
            "2:",
            "::-1",
            "1:-1:2",
            "::3",
            "-1",
            "7:1:-2",
            "None, 1:4",
            "...",
            "100:",
        ],
        2 => &[
            ":, :",
            "1:, ::-2",
            "::2, 1",
            "-1, ::-1",
            "..., 2:3",
            "None, :, None, 1::3",
            "3:0:-1, 1:3",
            "::-3, ::-2",
            "0, 0",
        ],
        _ => &[
            ":, :, :",
            ":, ::-1, 1",
            "1, ..., ::2",
            "::-2, 1:, :1",
            "None, 0, :, ::-1",
            "1:3, 0:2, 1:",
            "-1, -1, -1",
        ],
    }
}

#[test]
fn manifest_lists_every_type_and_codec() {
    let cases = cases();
    for t in [
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ] {
        assert!(cases.iter().any(|c| c.data_type == t), "no fixture of {t}");
    }
    for codec in ["zstd", "blosc", "gzip", "crc32c", "sharding", "transpose"] {
        let found = cases.iter().any(|c| {
            std::fs::read_to_string(stores().join(&c.name).join("zarr.json"))
                .unwrap()
                .contains(&format!("\"{codec}"))
        });
        assert!(found, "no fixture uses {codec}");
    }
}

#[test]
fn whole_arrays_read_byte_exactly() {
    for c in cases() {
        let z = ZarrArray::open(stores().join(&c.name), "/").unwrap();
        assert_eq!(z.format(), c.format, "{}", c.name);
        let shape: Vec<u64> = c.shape.iter().map(|&n| n as u64).collect();
        assert_eq!(z.shape(), shape, "{}", c.name);
        let a = z.read(&Region::all(z.shape())).unwrap();
        assert_eq!(a.as_bytes(), c.bytes, "{}", c.name);
        assert_eq!(a.shape(), c.shape);
    }
}

#[test]
fn regions_into_every_layout() {
    let mut checked = 0;
    for c in cases() {
        let z = ZarrArray::open(stores().join(&c.name), "/").unwrap();
        for index in indexes(c.shape.len()) {
            let expected = reference(&c.bytes, &c.format, &c.shape, index);
            let region = Region::parse(z.shape(), index).unwrap();
            // The owned read.
            let got = z.read(&region).unwrap();
            assert_eq!(got.as_bytes(), expected, "{} [{index}]", c.name);
            // Every destination layout.
            let shape = region.shape();
            for mut l in layouts(&shape, z.itemsize()) {
                let mut dest = l.view(&c.format, &shape);
                z.read_into(&region, &mut dest).unwrap();
                let back = dest.as_view().tobytes(Order::C).unwrap();
                assert_eq!(back, expected, "{} [{index}] into {}", c.name, l.name);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn chunk_iteration_covers_the_array() {
    for c in cases() {
        let z = ZarrArray::open(stores().join(&c.name), "/").unwrap();
        let mut covered = 0usize;
        let is = z.itemsize();
        for chunk in z.chunks() {
            let chunk = chunk.unwrap();
            // The chunk's elements equal the manifest's elements of its region.
            let index: Vec<String> = chunk
                .region
                .iter()
                .map(|r| format!("{}:{}", r.start, r.end))
                .collect();
            let expected = reference(&c.bytes, &c.format, &c.shape, &index.join(","));
            assert_eq!(
                chunk.data.as_bytes(),
                expected,
                "{} chunk {:?}",
                c.name,
                chunk.indices
            );
            covered += chunk.data.as_bytes().len() / is;
        }
        assert_eq!(covered, c.shape.iter().product::<usize>(), "{}", c.name);
    }
}

#[test]
fn parallel_chunks_see_every_chunk_once() {
    let c = cases()
        .into_iter()
        .find(|c| c.name == "float32_sharded")
        .unwrap();
    let z = ZarrArray::open(stores().join(&c.name), "/").unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    z.par_for_each_chunk(|chunk| {
        seen.lock()
            .unwrap()
            .push((chunk.indices.clone(), chunk.data.as_bytes().len()));
        Ok(())
    })
    .unwrap();
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    // Shards of 6x8 over 11x13: a 2x2 grid of 6x8, 6x5, 5x8 and 5x5 elements.
    assert_eq!(
        seen,
        vec![
            (vec![0, 0], 6 * 8 * 4),
            (vec![0, 1], 6 * 5 * 4),
            (vec![1, 0], 5 * 8 * 4),
            (vec![1, 1], 5 * 5 * 4)
        ]
    );
}
