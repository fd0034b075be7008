//! Chunking without copying: split a large buffer into pieces of N bytes, as
//! `[mv[i:i + n] for i in range(0, len(mv), n)]` does with a memoryview, and hand writable
//! pieces to threads. Run it with `cargo run --release --example chunks`.

use ndview::{View, ViewMut};

fn main() -> Result<(), ndview::Error> {
    let data: Vec<u8> = (0..10_000_000u32).map(|i| (i % 251) as u8).collect();

    // Read-only chunks: each is a view into `data` (no bytes move); the last one is short.
    let view = View::from_bytes(&data);
    let mut count = 0;
    let mut checksum = 0u64;
    for chunk in view.chunks(1 << 20)? {
        count += 1;
        checksum += chunk.sum::<u8>()?;
        // Every chunk points into the original buffer.
        assert!(chunk.offset() as usize % (1 << 20) == 0);
    }
    println!("{count} chunks of up to 1 MiB, checksum {checksum}");
    let last = view.chunks(1 << 20)?.last().expect("at least one chunk");
    println!("the last chunk is {} bytes", last.len());

    // The same on a typed, 2-D view: chunks are along the first axis (rows).
    let grid: Vec<f32> = (0..1000 * 64).map(|i| i as f32).collect();
    let rows = View::from_slice(&grid).reshape(&[1000, 64])?;
    let shapes: Vec<Vec<usize>> = rows.chunks(300)?.map(|c| c.shape().to_vec()).collect();
    println!("1000 x 64 rows in chunks of 300 rows: {shapes:?}");

    // Writable chunks are disjoint, so each can go to its own thread.
    let mut out = vec![0u8; 10_000_000];
    let pieces = ViewMut::from_bytes(&mut out).into_chunks(1 << 20)?;
    std::thread::scope(|s| {
        for (k, mut piece) in pieces.into_iter().enumerate() {
            s.spawn(move || piece.fill(k as u8).expect("a byte view"));
        }
    });
    println!(
        "each thread filled its own chunk: out[0] = {}, out[5 << 20] = {}, out[last] = {}",
        out[0],
        out[5 << 20],
        out[out.len() - 1]
    );
    Ok(())
}
