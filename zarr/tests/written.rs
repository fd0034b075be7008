//! Stores written by ndview-zarr (several codecs, source layouts and regions) read back
//! exactly; random regions and layouts checked against an in-memory model (proptest).
#![cfg(target_endian = "little")]

mod common;

use common::{c_strides, layouts, reference};
use ndview::{Order, View, ViewMut};
use ndview_zarr::{Compression, Region, ZarrArray, ZarrError};
use proptest::prelude::*;

fn metadata(data_type: &str, shape: &[u64], chunks: &[u64], codecs: &str, fill: &str) -> String {
    format!(
        r#"{{"zarr_format": 3, "node_type": "array", "shape": {shape:?}, "data_type": "{data_type}",
        "chunk_grid": {{"name": "regular", "configuration": {{"chunk_shape": {chunks:?}}}}},
        "chunk_key_encoding": {{"name": "default", "configuration": {{"separator": "/"}}}},
        "fill_value": {fill}, "codecs": {codecs}}}"#
    )
}

const BYTES: &str = r#"{"name": "bytes", "configuration": {"endian": "little"}}"#;

/// Codec chains beyond `Compression`: sharding (crc32c index), transpose + blosc, crc32c.
fn codec_chains() -> Vec<(&'static str, String)> {
    vec![
        (
            "sharding",
            format!(
                r#"[{{"name": "sharding_indexed", "configuration": {{"chunk_shape": [2, 2],
                "codecs": [{BYTES}, {{"name": "zstd", "configuration": {{"level": 1, "checksum": false}}}}],
                "index_codecs": [{BYTES}, {{"name": "crc32c"}}], "index_location": "end"}}}}]"#
            ),
        ),
        (
            "transpose+blosc",
            format!(
                r#"[{{"name": "transpose", "configuration": {{"order": [1, 0]}}}}, {BYTES},
                {{"name": "blosc", "configuration": {{"cname": "lz4", "clevel": 5,
                "shuffle": "shuffle", "typesize": 8, "blocksize": 0}}}}]"#
            ),
        ),
        (
            "gzip+crc32c",
            format!(
                r#"[{BYTES}, {{"name": "gzip", "configuration": {{"level": 5}}}}, {{"name": "crc32c"}}]"#
            ),
        ),
    ]
}

fn values(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64) * 1.5 - 7.0).collect()
}

#[test]
fn codecs_and_source_layouts_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (shape, chunks) = ([9u64, 7], [4u64, 3]);
    let data = values(63);
    let mut arrays: Vec<(String, ZarrArray)> = Vec::new();
    for (k, c) in [
        Compression::None,
        Compression::Zstd { level: 3 },
        Compression::Gzip { level: 6 },
    ]
    .into_iter()
    .enumerate()
    {
        let z = ZarrArray::create(
            dir.path().join(format!("c{k}")),
            "/",
            "<d",
            &shape,
            &chunks,
            c,
        )
        .unwrap();
        arrays.push((format!("{c:?}"), z));
    }
    for (name, codecs) in codec_chains() {
        let chunks = if name == "sharding" { [4, 4] } else { chunks };
        let json = metadata("float64", &shape, &chunks, &codecs, "0.0");
        let z = ZarrArray::create_with_metadata(dir.path().join(name), "/", &json).unwrap();
        arrays.push((name.to_owned(), z));
    }
    for (name, z) in &arrays {
        // A transposed source (a 7x9 buffer seen as 9x7), then a reversed one.
        let t = View::from_slice(&data)
            .reshape(&[7, 9])
            .unwrap()
            .transpose();
        z.write(&Region::all(z.shape()), &t).unwrap();
        let back = z.read(&Region::all(z.shape())).unwrap();
        assert_eq!(
            back.as_bytes(),
            t.tobytes(Order::C).unwrap(),
            "{name}, transposed source"
        );
        let r = View::from_slice(&data)
            .reshape(&[9, 7])
            .unwrap()
            .slice_str("::-1, ::-1")
            .unwrap();
        z.write(&Region::all(z.shape()), &r).unwrap();
        let back = z.read(&Region::all(z.shape())).unwrap();
        assert_eq!(
            back.as_bytes(),
            r.tobytes(Order::C).unwrap(),
            "{name}, reversed source"
        );
        // Reopened from disk: the same.
        let again = ZarrArray::open(
            dir.path().join(match name.as_str() {
                "None" => "c0",
                "Zstd { level: 3 }" => "c1",
                "Gzip { level: 6 }" => "c2",
                other => other,
            }),
            "/",
        )
        .unwrap();
        assert_eq!(
            again.read(&Region::all(again.shape())).unwrap().as_bytes(),
            back.as_bytes()
        );
    }
}

#[test]
fn stepped_region_writes_keep_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let z = ZarrArray::create(
        dir.path(),
        "/a",
        "<d",
        &[9, 7],
        &[4, 3],
        Compression::Zstd { level: 1 },
    )
    .unwrap();
    let base = values(63);
    z.write(
        &Region::all(z.shape()),
        &View::from_slice(&base).reshape(&[9, 7]).unwrap(),
    )
    .unwrap();
    let mut model: Vec<u8> = bytemuck_bytes(&base);
    for index in ["1::2, ::-3", "-1, 2:5", "None, ::4, 1", "8:0:-3, ..."] {
        let region = Region::parse(z.shape(), index).unwrap();
        let shape = region.shape();
        let n: usize = shape.iter().product();
        let src: Vec<f64> = (0..n).map(|i| 1000.0 + i as f64).collect();
        // The source in Fortran order.
        let rev: Vec<usize> = shape.iter().rev().copied().collect();
        let fsrc = View::from_parts(f64_bytes(&src), "<d", &rev, &c_strides(&rev, 8), 0).unwrap();
        let perm: Vec<isize> = (0..shape.len() as isize).rev().collect();
        let fsrc = fsrc.permute(&perm).unwrap();
        z.write(&region, &fsrc).unwrap();
        let m = ViewMut::from_parts(&mut model, "<d", &[9, 7], &c_strides(&[9, 7], 8), 0).unwrap();
        m.slice_str(index).unwrap().copy_from(&fsrc).unwrap();
        let back = z.read(&Region::all(z.shape())).unwrap();
        assert_eq!(back.as_bytes(), model, "after writing [{index}]");
    }
}

fn f64_bytes(v: &[f64]) -> &[u8] {
    View::from_slice(v).contiguous_bytes().unwrap()
}

fn bytemuck_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn par_update_chunks_encodes_every_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let z = ZarrArray::create(
        dir.path(),
        "/",
        "<i",
        &[10, 5],
        &[3, 2],
        Compression::Zstd { level: 1 },
    )
    .unwrap();
    z.par_update_chunks(|idx, region, mut v| {
        assert_eq!(v.shape()[0] as u64, region[0].end - region[0].start);
        v.as_slice_mut::<i32>()?.fill((idx[0] * 10 + idx[1]) as i32);
        Ok(())
    })
    .unwrap();
    let a = z.read(&Region::all(z.shape())).unwrap();
    let got = a.as_slice::<i32>().unwrap();
    for i in 0..10 {
        for j in 0..5 {
            assert_eq!(got[i * 5 + j], (i / 3 * 10 + j / 2) as i32, "({i}, {j})");
        }
    }
}

#[test]
fn bad_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let json = metadata("bfloat16", &[4], &[2], &format!("[{BYTES}]"), "0.0");
    let err = ZarrArray::create_with_metadata(dir.path().join("bf"), "/", &json).unwrap_err();
    assert!(matches!(err, ZarrError::UnsupportedDataType(_)), "{err}");
    assert!(err.to_string().contains("bfloat16"), "{err}");
    let err = ZarrArray::create(
        dir.path().join("u"),
        "/",
        "<g",
        &[4],
        &[2],
        Compression::None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("<g"), "{err}");
    assert!(ZarrArray::create(
        dir.path().join("z"),
        "/",
        "<i",
        &[4],
        &[0],
        Compression::None
    )
    .is_err());
    assert!(ZarrArray::open(dir.path().join("missing"), "/").is_err());

    let z = ZarrArray::create(
        dir.path().join("i"),
        "/",
        "<i",
        &[4, 6],
        &[3, 4],
        Compression::None,
    )
    .unwrap();
    let mut buf = vec![0i32; 24];
    let whole = Region::all(z.shape());
    // Wrong format, wrong shape, a region of another array, out-of-range regions.
    let mut fbuf = vec![0f32; 24];
    let mut f = ViewMut::from_slice(&mut fbuf).reshape(&[4, 6]).unwrap();
    assert!(matches!(
        z.read_into(&whole, &mut f),
        Err(ZarrError::Mismatch(_))
    ));
    let mut wrong = ViewMut::from_slice(&mut buf).reshape(&[6, 4]).unwrap();
    assert!(matches!(
        z.read_into(&whole, &mut wrong),
        Err(ZarrError::Mismatch(_))
    ));
    assert!(z.write(&whole, &wrong.as_view()).is_err());
    let other = Region::all(&[4, 7]);
    let mut ok = ViewMut::from_slice(&mut buf).reshape(&[4, 6]).unwrap();
    assert!(matches!(
        z.read_into(&other, &mut ok),
        Err(ZarrError::Region(_))
    ));
    assert!(Region::ranges(z.shape(), &[0..5, 0..6]).is_err());
    // One range for a 2-axis array.
    assert!(Region::ranges(z.shape(), std::slice::from_ref(&(0..4))).is_err());
    assert!(Region::parse(z.shape(), "4").is_err());
    assert!(Region::parse(z.shape(), "::0").is_err());
    assert!(Region::parse(z.shape(), "1, 2, 3").is_err());
    assert!(Region::parse(z.shape(), "a").is_err());
}

/// One random index item for an axis of length `n`.
fn item(n: usize) -> impl Strategy<Value = String> {
    let n = n as i64;
    prop_oneof![
        1 => (-n..n).prop_map(|i| i.to_string()),
        4 => (prop::option::of(-n - 2..n + 2), prop::option::of(-n - 2..n + 2), prop::sample::select(vec![1i64, 1, 2, 3, -1, -2, -3]))
            .prop_map(|(a, b, s)| {
                let f = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
                format!("{}:{}:{s}", f(a), f(b))
            }),
    ]
}

/// (shape, chunk shape, write index items, read index items, write layout, read layout, zstd).
type Case = (
    Vec<usize>,
    Vec<u64>,
    Vec<String>,
    Vec<String>,
    usize,
    usize,
    bool,
);

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec(1usize..9, 1..=3).prop_flat_map(|shape| {
        let nd = shape.len();
        let items = |shape: &Vec<usize>| shape.iter().map(|&n| item(n)).collect::<Vec<_>>();
        (
            Just(shape.clone()),
            prop::collection::vec(1u64..5, nd),
            items(&shape),
            items(&shape),
            0usize..6,
            0usize..6,
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_regions_and_layouts((shape, chunks, w_items, r_items, wl, rl, zstd) in case()) {
        let dir = tempfile::tempdir().unwrap();
        let shape64: Vec<u64> = shape.iter().map(|&n| n as u64).collect();
        let c = if zstd { Compression::Zstd { level: 1 } } else { Compression::None };
        let z = ZarrArray::create(dir.path(), "/", "<H", &shape64, &chunks, c).unwrap();
        let n: usize = shape.iter().product();
        let mut model: Vec<u8> = (0..n as u16).flat_map(|x| x.wrapping_mul(7).to_le_bytes()).collect();
        z.write(&Region::all(z.shape()), &View::from_parts(&model, "<H", &shape, &c_strides(&shape, 2), 0).unwrap()).unwrap();

        // Write a random region from a source of a random layout.
        let w_index = w_items.join(", ");
        let region = Region::parse(z.shape(), &w_index).unwrap();
        let wshape = region.shape();
        let mut ls = layouts(&wshape, 2);
        let k = wl % ls.len();
        let l = &mut ls[k];
        let m: usize = wshape.iter().product();
        {
            let mut v = l.view("<H", &wshape);
            let fill: Vec<u16> = (0..m as u16).map(|x| 50000 + x).collect();
            let fill: Vec<u8> = fill.iter().flat_map(|x| x.to_le_bytes()).collect();
            v.copy_from(View::from_parts(&fill, "<H", &wshape, &c_strides(&wshape, 2), 0).unwrap()).unwrap();
        }
        let src = l.view("<H", &wshape).into_view();
        z.write(&region, &src).unwrap();
        let mv = ViewMut::from_parts(&mut model, "<H", &shape, &c_strides(&shape, 2), 0).unwrap();
        mv.slice_str(&w_index).unwrap().copy_from(&src).unwrap();

        // Read a random region into a destination of a random layout.
        let r_index = r_items.join(", ");
        let region = Region::parse(z.shape(), &r_index).unwrap();
        let rshape = region.shape();
        let mut ls = layouts(&rshape, 2);
        let k = rl % ls.len();
        let l = &mut ls[k];
        let mut dest = l.view("<H", &rshape);
        z.read_into(&region, &mut dest).unwrap();
        let expected = reference(&model, "<H", &shape, &r_index);
        prop_assert_eq!(dest.as_view().tobytes(Order::C).unwrap(), expected, "write [{}] read [{}] into {}", w_index, r_index, l.name);
    }
}
