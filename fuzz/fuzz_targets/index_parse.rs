//! Index expressions: any text on any view gives an error or a view whose every element lies
//! in the buffer, with bytes equal to a gather through its reported geometry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ndview::{Order, View};

#[path = "../../tests/model/mod.rs"]
mod model;
use model::c_strides;

fuzz_target!(|data: &[u8]| {
    let Some((&dims, rest)) = data.split_first() else {
        return;
    };
    // Up to 4 axes of length 0..=4, from one byte.
    let nd = usize::from(dims % 5);
    let shape: Vec<usize> = (0..nd)
        .map(|k| usize::from((dims >> (k + 3)) % 5))
        .collect();
    let count: usize = shape.iter().product();
    let buf: Vec<u8> = (0..count.max(1) * 2).map(|i| i as u8).collect();
    let v =
        View::from_parts(&buf, "<H", &shape, &c_strides(&shape, 2), 0).expect("a C layout fits");
    let text = String::from_utf8_lossy(rest);
    if let Ok(w) = v.slice_str(&text) {
        let m = model::Model::new(w.shape(), w.strides(), w.offset());
        if !w.is_empty() {
            assert_eq!(w.tobytes(Order::C).unwrap(), m.gather(&buf, 2), "{text:?}");
        }
        let _ = w.tolist();
    }
});
