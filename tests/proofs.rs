//! The three programs issue 14 asked a new user to be able to write from the docs alone: no
//! casts of shapes, no `.view()` boilerplate, no type annotations beyond the element type.
//! Each checks its answer against a plain-loop reference.

use ndview::{s, Array, Zip, INFER};

/// An RGB image cropped, rotated 90 degrees and turned to grey in one parallel kernel.
#[test]
fn rgb_crop_rotate_grey() -> ndview::Result<()> {
    let (h, w) = if cfg!(miri) { (6, 5) } else { (120, 90) };
    let pixels: Vec<u8> = (0..h * w * 3).map(|i| (i * 31 % 251) as u8).collect();
    let img = Array::from_vec(pixels.clone(), &[h, w, 3])?;

    let crop = img.slice(s![1..h - 1, 2..w - 1, ..])?;
    let turned = crop.rot90(1, [0, 1])?;
    let grey = turned.par_map_lanes(-1, |px: &[u8]| {
        (0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2])) as u8
    })?;

    // Reference: NumPy's rot90(k=1) maps out[i, j] = crop[j, cw - 1 - i].
    let (ch, cw) = (h - 2, w - 3);
    assert_eq!(grey.shape(), &[cw, ch]);
    for i in 0..cw {
        for j in 0..ch {
            let (y, x) = (1 + j, 2 + (cw - 1 - i));
            let p = &pixels[(y * w + x) * 3..][..3];
            let want =
                (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])) as u8;
            assert_eq!(grey.get_as::<u8>(&[i, j])?, want, "({i}, {j})");
        }
    }
    Ok(())
}

/// `c = a * b + 1` over 64 MiB (per operand) in one fused kernel, and the same with the
/// operators (which make a temporary per step: the fused form is the one to use).
#[test]
fn fused_multiply_add() -> ndview::Result<()> {
    let n = if cfg!(miri) { 64 } else { 16 << 20 }; // 16 Mi f32 = 64 MiB per operand
    let a = Array::from((0..n).map(|i| (i % 1000) as f32 * 0.5).collect::<Vec<_>>());
    let b = Array::from((0..n).map(|i| (i % 7) as f32).collect::<Vec<_>>());

    let c = Zip::from(&a)
        .and(&b)
        .par_map_collect(|x: f32, y: f32| x * y + 1.0)?;

    let chained = (&(&a * &b)? + 1.0)?;
    assert_eq!(c, chained);
    let (xs, ys, cs) = (
        a.as_slice::<f32>()?,
        b.as_slice::<f32>()?,
        c.as_slice::<f32>()?,
    );
    for k in (0..n).step_by(4099) {
        assert_eq!(cs[k], xs[k] * ys[k] + 1.0);
    }
    // The same in place into an existing output, shaped without casts.
    let mut out = Array::zeros("f", &[n / 4, 4])?;
    let grid_a = a.reshape(&[INFER, 4])?;
    let grid_b = b.reshape(&[n / 4, INFER])?;
    Zip::from(&grid_a)
        .and(&grid_b)
        .par_map_into(&mut out.view_mut(), |x: f32, y: f32| x * y + 1.0)?;
    assert_eq!(out.as_slice::<f32>()?, cs);
    Ok(())
}

/// NumPy records read from a file (`arr.tofile(path)`), one field's mean per axis equal to
/// NumPy's: through a memory map of the whole file and through `frombuffer`.
#[cfg(not(miri))]
#[test]
fn numpy_records_field_means() -> ndview::Result<()> {
    use ndview::{SharedView, Stats, View};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/records.jsonl"
    ))
    .expect("the records fixture (tests/fixtures/generate.py)");
    let dir = std::env::temp_dir().join(format!("ndview-proof-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut cases = 0;
    for (k, line) in text.lines().enumerate() {
        let case: serde_json::Value = serde_json::from_str(line).expect("json");
        let format = case["format"].as_str().unwrap();
        let rows = case["shape"][0].as_u64().unwrap() as usize;
        let bytes: Vec<u8> = (0..case["bytes"].as_str().unwrap().len() / 2)
            .map(|i| {
                u8::from_str_radix(&case["bytes"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap()
            })
            .collect();
        let path = dir.join(format!("records-{k}.bin"));
        std::fs::write(&path, &bytes)?;

        // SAFETY: this test alone uses the file while it is mapped.
        let recs = unsafe { SharedView::map_file(&path, format, &[rows, INFER], 0)? };
        let temp = recs.field("temp")?;
        let from_buffer = View::frombuffer(&bytes, format, None, 0)?.reshape(&[rows, INFER])?;
        let temp2 = from_buffer.field("temp")?;

        fn check<T: Stats>(
            temp: &SharedView,
            other: &ndview::View<'_>,
            case: &serde_json::Value,
        ) -> ndview::Result<()>
        where
            T::Mean: Into<f64>,
        {
            let want = |key: &str| -> Vec<f64> {
                case[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().parse().unwrap())
                    .collect()
            };
            let as_f64 = |a: ndview::Array| -> Vec<f64> {
                a.iter_as::<T::Mean>().unwrap().map(Into::into).collect()
            };
            assert_eq!(
                temp.mean::<T>()?.into(),
                case["mean"].as_str().unwrap().parse::<f64>().unwrap()
            );
            assert_eq!(as_f64(temp.mean_axis::<T>(0)?), want("mean_axis0"));
            assert_eq!(as_f64(temp.par_mean_axis::<T>(1)?), want("mean_axis1"));
            assert_eq!(as_f64(other.mean_axis::<T>(-1)?), want("mean_axis1"));
            Ok(())
        }
        match case["field_format"].as_str().unwrap() {
            "<f4" | ">f4" => check::<f32>(&temp, &temp2, &case)?,
            "<f8" => check::<f64>(&temp, &temp2, &case)?,
            other => panic!("unexpected field type {other}"),
        }
        cases += 1;
    }
    std::fs::remove_dir_all(&dir)?;
    assert!(cases >= 10, "the fixture holds the cases");
    Ok(())
}
