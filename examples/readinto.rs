//! `readinto` at an offset: fill part of a buffer straight from a reader, as
//! `f.readinto(memoryview(buf)[offset:])` does, and fill a non-contiguous view (every other
//! row, or a transposed matrix) through one small bounded buffer. Run it with
//! `cargo run --release --example readinto`.

mod common;

use ndview::{s, Order, View, ViewMut};
use std::io::{Cursor, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A file to read from.
    let dir = common::out_dir("readinto");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("readinto.bin");
    let contents: Vec<u8> = (0..64u8).collect();
    std::fs::File::create(&path)?.write_all(&contents)?;

    // A header we keep, then the file's bytes read straight into the rest of the buffer.
    let mut buf = vec![0xAAu8; 16 + 64];
    let mut file = std::fs::File::open(&path)?;
    {
        let mut body = ViewMut::from_bytes(&mut buf).slice(s![16..])?;
        // Like readinto, one call may fill less than asked: loop until the view is full.
        let mut filled = 0;
        while filled < body.len() {
            let mut rest = body.reborrow().slice(s![filled..])?;
            let n = rest.read_from(&mut file)?;
            if n == 0 {
                break; // end of file
            }
            filled += n;
        }
        println!("read {filled} bytes into buf[16:] with no temporary buffer");
    }
    assert_eq!(&buf[..16], &[0xAA; 16]);
    assert_eq!(&buf[16..], &contents[..]);
    println!("buf[14..20] = {:?}", &buf[14..20]);

    // A strided destination: bytes from the reader land on every other row of a matrix, in
    // C order, through one bounded staging buffer (never a copy of the whole view).
    let mut matrix = vec![0u16; 6 * 4];
    {
        let mut odd_rows = ViewMut::from_slice(&mut matrix)
            .reshape(&[6, 4])?
            .slice(s![1..;2, ..])?;
        let incoming: Vec<u8> = (1..=12u16).flat_map(|v| v.to_ne_bytes()).collect();
        odd_rows.read_exact_from(&mut Cursor::new(incoming))?;
    }
    let m = View::from_slice(&matrix).reshape(&[6, 4])?;
    println!("every other row filled from a reader:\n{m}");

    // And the other way: stream a transposed view in C order to a writer.
    let mut sink = Vec::new();
    m.transpose().write_to(&mut sink, Order::C)?;
    println!("the transposed matrix streamed out: {} bytes", sink.len());
    Ok(())
}
