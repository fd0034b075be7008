//! Pixel processing with strided views: crop, flip and rotate without copying, split the RGB
//! channels with `..., c`, convert to grey on all cores, blur, convert between u8, f32 and
//! f16, and write PNGs. Run it with `cargo run --release --example image`; the pictures go to
//! `target/ndview-examples/image/` (under `$CARGO_TARGET_DIR` when that is set).

mod common;

use half::f16;
use ndview::{s, Conversion, Order, View, ViewMut};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const W: usize = 640;
const H: usize = 480;

fn main() -> Result<()> {
    let out = common::out_dir("image");
    std::fs::create_dir_all(&out)?;

    // An RGB picture, row-major, 3 bytes per pixel: the layout every image library uses.
    let pixels = draw();
    let img = View::from_slice(&pixels).reshape(&[H, W, 3])?;
    println!(
        "image: shape {:?}, strides {:?} (bytes)",
        img.shape(),
        img.strides()
    );
    save(&out, "original.png", &img)?;

    println!("\n== Geometry by strides alone: no pixel moves ==");
    let crop = img.slice(s![120..360, 160..480, ..])?;
    let mirror = img.slice(s![.., ..;-1, ..])?; // flip left-right
    let upside_down = img.flip(0)?;
    // Rotating 90 degrees clockwise is a transpose of the two pixel axes, then a flip.
    let rotated = img.permute(&[1, 0, 2])?.flip(1)?;
    for (name, v) in [
        ("crop", &crop),
        ("mirror", &mirror),
        ("upside_down", &upside_down),
        ("rotated", &rotated),
    ] {
        println!(
            "{name:>12}: shape {:?} strides {:?} offset {}",
            v.shape(),
            v.strides(),
            v.offset()
        );
        save(&out, &format!("{name}.png"), v)?;
    }
    // The rotation is right: pixel (i, j) of the result is pixel (H-1-j, i) of the original.
    for (i, j) in [(0, 0), (10, 400), (639, 479)] {
        let want = img.get_as::<u8>(&[H - 1 - j, i, 0])?;
        assert_eq!(rotated.get_as::<u8>(&[i, j, 0])?, want);
    }

    println!("\n== Channels with `..., c` ==");
    let [r, g, b] = [0, 1, 2].map(|c| img.slice_str(&format!("..., {c}")).expect("3 channels"));
    println!(
        "red: shape {:?} strides {:?} offset {} (every third byte)",
        r.shape(),
        r.strides(),
        r.offset()
    );
    save(&out, "red.png", &r)?;
    save(&out, "blue.png", &b)?;

    println!("\n== RGB -> grey on every core, then a 3x3 box blur ==");
    let luma = |r: u8, g: u8, b: u8| {
        (0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b)).round() as u8
    };
    let grey = r.par_zip_map3(&g, &b, luma)?;
    let grey_seq = r.zip_map3(&g, &b, luma)?;
    assert_eq!(grey.as_bytes(), grey_seq.as_bytes());
    save(&out, "grey.png", &grey.view())?;
    // A separable box blur: average three shifted windows along x, then along y. Each window
    // is a strided view of the same pixels; only the two results are new memory.
    let gf = grey.view().astype::<f32>(Conversion::Saturating)?;
    let gv = gf.view();
    let mean3 = |a: f32, b: f32, c: f32| (a + b + c) / 3.0;
    let across = gv.slice(s![.., ..-2])?.par_zip_map3(
        &gv.slice(s![.., 1..-1])?,
        &gv.slice(s![.., 2..])?,
        mean3,
    )?;
    let av = across.view();
    let blurred = av.slice(s![..-2, ..])?.par_zip_map3(
        &av.slice(s![1..-1, ..])?,
        &av.slice(s![2.., ..])?,
        mean3,
    )?;
    let blurred_u8 = blurred.view().astype::<u8>(Conversion::Saturating)?;
    println!("blurred: shape {:?}", blurred_u8.shape());
    save(&out, "blurred.png", &blurred_u8.view())?;

    println!("\n== u8 <-> f32 <-> f16 ==");
    let as_f32 = img.par_astype::<f32>(Conversion::Saturating)?;
    let as_f16 = as_f32.view().par_astype::<f16>(Conversion::Saturating)?;
    let back = as_f16.view().par_astype::<u8>(Conversion::Checked)?;
    println!(
        "{} bytes of u8 -> {} of f32 -> {} of f16 -> u8 again: identical {}",
        img.nbytes(),
        as_f32.as_bytes().len(),
        as_f16.as_bytes().len(),
        back.as_bytes() == &pixels[..]
    );
    // Brighten by 20% in f16 and clamp back to u8 (saturating).
    let brighter = as_f16
        .view()
        .par_map(|x: f16| x * f16::from_f32(1.2))?
        .view()
        .par_astype::<u8>(Conversion::Saturating)?;
    save(&out, "brighter.png", &brighter.view())?;

    println!("\n== Views versus copies ==");
    compare_with_copies(&img)?;
    println!("\nPNGs written to {}", out.display());
    Ok(())
}

/// A test picture: colour gradients, a white disc and a dark square, so that every flip and
/// rotation is visible.
fn draw() -> Vec<u8> {
    let mut pixels = vec![0u8; H * W * 3];
    let mut view = ViewMut::from_bytes(&mut pixels)
        .reshape(&[H, W, 3])
        .expect("H * W * 3 bytes");
    for y in 0..H {
        for x in 0..W {
            let (dx, dy) = (x as f32 - 180.0, y as f32 - 160.0);
            let disc = dx * dx + dy * dy < 70.0 * 70.0;
            let square = (420..560).contains(&x) && (280..420).contains(&y);
            let rgb = if disc {
                [255, 255, 255]
            } else if square {
                [20, 20, 60]
            } else {
                [(x * 255 / W) as u8, (y * 255 / H) as u8, 128]
            };
            for (c, v) in rgb.into_iter().enumerate() {
                view.set_as(&[y, x, c], v).expect("in range");
            }
        }
    }
    pixels
}

/// Writes a (rows, cols, 3) RGB or (rows, cols) grey view of bytes as a PNG, in C order
/// whatever its strides.
fn save(dir: &Path, name: &str, v: &View<'_>) -> Result<PathBuf> {
    let (h, w) = (v.shape()[0] as u32, v.shape()[1] as u32);
    let bytes = v.tobytes(Order::C)?;
    let path = dir.join(name);
    match v.ndim() {
        3 => image::RgbImage::from_raw(w, h, bytes)
            .ok_or("RGB size")?
            .save(&path)?,
        _ => image::GrayImage::from_raw(w, h, bytes)
            .ok_or("grey size")?
            .save(&path)?,
    }
    Ok(path)
}

/// Times making the four views against copying what they select (with ndview's engine and
/// with a plain index loop).
fn compare_with_copies(img: &View<'_>) -> Result<()> {
    let reps = 50;
    let time = |f: &mut dyn FnMut()| {
        let t0 = Instant::now();
        for _ in 0..reps {
            f();
        }
        t0.elapsed() / reps
    };
    let views = time(&mut || {
        let c = img.slice(s![120..360, 160..480, ..]).unwrap();
        let m = img.slice(s![.., ..;-1, ..]).unwrap();
        let r = img.permute(&[1, 0, 2]).unwrap().flip(1).unwrap();
        std::hint::black_box((c, m, r));
    });
    let engine = time(&mut || {
        let c = img.slice(s![120..360, 160..480, ..]).unwrap();
        let m = img.slice(s![.., ..;-1, ..]).unwrap();
        let r = img.permute(&[1, 0, 2]).unwrap().flip(1).unwrap();
        std::hint::black_box((
            c.tobytes(Order::C)
                .expect("three channel planes fit in memory"),
            m.tobytes(Order::C)
                .expect("three channel planes fit in memory"),
            r.tobytes(Order::C)
                .expect("three channel planes fit in memory"),
        ));
    });
    let src = img.as_slice::<u8>()?;
    let naive = time(&mut || {
        let mut crop = Vec::with_capacity(240 * 320 * 3);
        for y in 120..360 {
            crop.extend_from_slice(&src[(y * W + 160) * 3..(y * W + 480) * 3]);
        }
        let mut mirror = Vec::with_capacity(H * W * 3);
        for y in 0..H {
            for x in (0..W).rev() {
                mirror.extend_from_slice(&src[(y * W + x) * 3..(y * W + x) * 3 + 3]);
            }
        }
        let mut rot = Vec::with_capacity(H * W * 3);
        for x in 0..W {
            for y in (0..H).rev() {
                rot.extend_from_slice(&src[(y * W + x) * 3..(y * W + x) * 3 + 3]);
            }
        }
        std::hint::black_box((crop, mirror, rot));
    });
    let show = |d: Duration| format!("{:.1} us", d.as_secs_f64() * 1e6);
    println!(
        "crop + mirror + rotate as views: {}; copied by ndview: {} ({:.0}x the views); \
         copied by index loops: {} ({:.1}x ndview's copy)",
        show(views),
        show(engine),
        engine.as_secs_f64() / views.as_secs_f64(),
        show(naive),
        naive.as_secs_f64() / engine.as_secs_f64()
    );
    Ok(())
}
