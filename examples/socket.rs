//! A send loop and a receive loop over a real TCP socket on 127.0.0.1: the sender advances a
//! view by what each `write` accepted, the receiver advances a writable view by what each
//! `read` filled, as memoryview code does with `sock.send(mv)` / `sock.recv_into(mv)`. A
//! 64 MiB message arrives intact without ever being copied into a temporary. Run it with
//! `cargo run --release --example socket`.

use ndview::{s, View, ViewMut};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let len = 64 << 20;
    let message: Vec<u8> = (0..len).map(|i| (i * 31 % 255) as u8).collect();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let t0 = Instant::now();

    let sender = std::thread::spawn({
        let message = message.clone();
        move || -> std::io::Result<usize> {
            let mut sock = TcpStream::connect(addr)?;
            // Send loop: `rest` is what is left to send; each write takes what the socket
            // accepts, and the view moves past it (a new view, not a copy).
            let mut rest = View::from_bytes(&message);
            let mut writes = 0;
            while !rest.is_empty() {
                let n = rest.write_some(&mut sock)?;
                rest = rest.slice(s![n..]).expect("n <= len");
                writes += 1;
            }
            Ok(writes)
        }
    });

    let (mut sock, _) = listener.accept()?;
    let mut inbox = vec![0u8; len];
    let mut reads = 0;
    {
        // Receive loop: each read fills the front of `rest`, which then moves past it.
        let mut rest = ViewMut::from_bytes(&mut inbox);
        while !rest.is_empty() {
            let n = rest.read_from(&mut sock)?;
            if n == 0 {
                return Err("the sender closed early".into());
            }
            rest = rest.slice(s![n..])?;
            reads += 1;
        }
    }
    let writes = sender.join().expect("sender thread")?;
    let secs = t0.elapsed().as_secs_f64();
    assert!(inbox == message, "the message arrived changed");
    println!(
        "64 MiB sent in {writes} writes and received in {reads} reads, intact ({:.0} MB/s)",
        len as f64 / secs / 1e6
    );
    Ok(())
}
