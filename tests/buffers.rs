//! Producers, ownership and sharing, threads, zero-copy I/O against real files and a loopback
//! socket, and memory-mapped files.

use ndview::{s, Array, AsView, AsViewMut, Buffer, Order, SharedView, Value, View, ViewMut};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ndview-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_producer_exposes_its_format_and_shape() {
    let v: Vec<i16> = vec![1, -2, 3];
    assert_eq!(
        (v.as_view().format().as_str(), v.as_view().shape()),
        ("h", &[3usize][..])
    );
    let arr = [1.0f64, 2.0];
    assert_eq!(arr.as_view().tolist().unwrap().to_string(), "[1.0, 2.0]");
    let slice: &[u64] = &[7, 8];
    assert_eq!(slice.as_view().format().as_str(), "Q");
    let boxed: Box<[f32]> = vec![0.5f32; 4].into_boxed_slice();
    assert_eq!(boxed.as_view().nbytes(), 16);
    let shared: Arc<[u8]> = Arc::from(&b"abc"[..]);
    assert_eq!(shared.as_view().hex().unwrap(), "616263");
    let flags = vec![true, false];
    assert_eq!(flags.as_view().format().as_str(), "?");
    let mut bytes = vec![0u8; 4];
    bytes.as_view_mut().fill(5u8).unwrap();
    assert_eq!(bytes, [5; 4]);
    let mut a = [0u32; 3];
    a.as_view_mut().set_as(&[2], 9u32).unwrap();
    assert_eq!(a, [0, 0, 9]);
}

#[test]
fn owned_buffers_are_aligned_zeroed_or_adopted() {
    for len in [1, 100, if cfg!(miri) { 4096 } else { 5 << 20 }] {
        let b = Buffer::zeroed(len).unwrap();
        assert_eq!(b.as_ptr() as usize % 64, 0, "{len}");
        assert!(b.as_slice().iter().all(|&x| x == 0));
    }
    let v: Vec<u32> = vec![1, 2, 3];
    let ptr = v.as_ptr() as usize;
    let a = Array::from_vec(v, &[3]).unwrap();
    assert_eq!(
        a.as_bytes().as_ptr() as usize,
        ptr,
        "adopted without copying"
    );
    assert_eq!(a.as_slice::<u32>().unwrap(), &[1, 2, 3]);
    assert!(Array::from_vec(vec![1u8; 5], &[2, 3]).is_err());
    let mut z = Array::zeros("<d", &[2, 2]).unwrap();
    z.view_mut().set(&[1, 1], &Value::Float(2.5)).unwrap();
    assert_eq!(z.view().sum::<f64>().unwrap(), 2.5);
    let owned = View::from_slice(&[1u8, 2, 3, 4])
        .slice_str("::-2")
        .unwrap()
        .to_owned()
        .unwrap();
    assert_eq!(owned.as_bytes(), &[4, 2]);
}

#[test]
fn the_seed_example_shared_mutation_is_visible() {
    let mut buf = vec![0u8; 4];
    {
        let mut m = ViewMut::from_bytes(&mut buf);
        m.set(&[1], &Value::Int(5)).unwrap();
    }
    let later = View::from_bytes(&buf).slice_str("1:").unwrap();
    assert_eq!(later.get(&[0]).unwrap().to_string(), "5");
}

/// A container that counts how many times it was dropped.
struct Counted(Vec<u8>, Arc<AtomicUsize>);

impl AsRef<[u8]> for Counted {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_shared_view_keeps_its_buffer_alive_until_the_last_view() {
    let drops = Arc::new(AtomicUsize::new(0));
    let tail = {
        let owner = Counted(vec![1, 2, 3, 4, 5, 6], drops.clone());
        let sv = SharedView::from_owner(owner, "B", &[6], &[1], 0).unwrap();
        let evens = sv.slice_str("::2").unwrap();
        drop(sv);
        assert_eq!(
            drops.load(Ordering::SeqCst),
            0,
            "a slice still refers to it"
        );
        evens
    }; // the scope that made it has ended
    assert_eq!(tail.view().tolist().unwrap().to_string(), "[1, 3, 5]");
    let again = tail.clone();
    drop(tail);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(again);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "freed with the last view, exactly once"
    );
}

#[test]
fn many_readers_and_disjoint_writers() {
    let n = if cfg!(miri) { 64 } else { 1 << 16 };
    let sv = SharedView::from_vec((0..n as u32).collect::<Vec<u32>>(), &[n]).unwrap();
    let want: u64 = (0..n as u64).sum();
    let readers: Vec<_> = (0..8)
        .map(|k| {
            let mine = sv.clone();
            std::thread::spawn(move || (k, mine.view().sum::<u32>().unwrap()))
        })
        .collect();
    for r in readers {
        assert_eq!(r.join().unwrap().1, want);
    }
    let mut own = sv; // the last reference: written in place
    assert!(own.is_unique());
    let before = own.view().contiguous_bytes().unwrap().as_ptr();
    {
        let parts = own.make_mut().unwrap().into_chunks(n / 4).unwrap();
        std::thread::scope(|s| {
            for (k, mut part) in parts.into_iter().enumerate() {
                s.spawn(move || part.fill(k as u32).unwrap());
            }
        });
    }
    assert_eq!(
        own.view().contiguous_bytes().unwrap().as_ptr(),
        before,
        "no copy"
    );
    assert_eq!(own.view().get(&[n - 1]).unwrap().to_string(), "3");
}

#[test]
fn copy_on_write_copies_only_when_shared_or_read_only() {
    let mut a = SharedView::from_vec(vec![1i32, 2, 3, 4], &[2, 2]).unwrap();
    let b = a.clone();
    a.make_mut().unwrap().set_as(&[0, 0], 100i32).unwrap();
    assert_eq!(a.view().tolist().unwrap().to_string(), "[[100, 2], [3, 4]]");
    assert_eq!(b.view().tolist().unwrap().to_string(), "[[1, 2], [3, 4]]");
    // A transposed shared view copies in its own (C) order.
    let mut t = b.derive(|v| Ok(v.transpose())).unwrap();
    drop(b);
    t.make_mut().unwrap().set_as(&[0, 1], -1i32).unwrap();
    assert_eq!(t.view().tolist().unwrap().to_string(), "[[1, -1], [2, 4]]");
    // Arc-shared data is read-only: always copied.
    let arc: Arc<[u8]> = Arc::from(vec![1u8, 2, 3]);
    let mut c = SharedView::from_arc(arc.clone());
    c.make_mut().unwrap().set(&[0], &Value::Int(9)).unwrap();
    assert_eq!(&arc[..], &[1, 2, 3]);
    assert_eq!(c.view().hex().unwrap(), "090203");
    // A broadcast (overlapping) view is copied out before writing.
    let mut br = SharedView::from_vec(vec![7u8, 8], &[2])
        .unwrap()
        .derive(|v| v.broadcast_to(&[3, 2]))
        .unwrap();
    br.make_mut().unwrap().set(&[0, 0], &Value::Int(1)).unwrap();
    assert_eq!(
        br.view().tolist().unwrap().to_string(),
        "[[1, 8], [7, 8], [7, 8]]"
    );
    // derive must stay on the same buffer (only a 'static foreign view even type-checks).
    static OTHER: [u8; 1] = [1];
    let sv = SharedView::from_vec(vec![0u8], &[1]).unwrap();
    assert!(sv.derive(|_| Ok(View::from_bytes(&OTHER))).is_err());
}

#[test]
fn chunks_split_without_copying_the_last_one_short() {
    let data: Vec<u8> = (0..10).collect();
    let v = View::from_bytes(&data);
    let chunks: Vec<Vec<u8>> = v
        .chunks(4)
        .unwrap()
        .map(|c| c.tobytes(Order::C).unwrap())
        .collect();
    assert_eq!(chunks, [vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]]);
    for c in v.chunks(3).unwrap() {
        assert!(std::ptr::eq(
            c.contiguous_bytes().unwrap().as_ptr(),
            &data[c.offset() as usize]
        ));
    }
    assert!(v.chunks(0).is_err());
    let sv = SharedView::from_vec(data.clone(), &[10]).unwrap();
    assert_eq!(
        sv.chunks(6)
            .unwrap()
            .map(|c| c.view().len())
            .collect::<Vec<_>>(),
        [6, 4]
    );
}

#[test]
fn readinto_at_an_offset_and_into_strided_views() {
    let path = temp_path("readinto.bin");
    let payload: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    std::fs::write(&path, &payload).unwrap();
    // file.readinto(memoryview(buf)[offset:])
    let mut buf = vec![0u8; 1010];
    let mut file = std::fs::File::open(&path).unwrap();
    let mut filled = 10;
    loop {
        let mut rest = ViewMut::from_bytes(&mut buf).slice(s![filled..]).unwrap();
        let n = rest.read_from(&mut file).unwrap();
        if n == 0 {
            break;
        }
        filled += n;
    }
    assert_eq!(filled, 1010);
    assert_eq!(&buf[10..], &payload[..]);
    // A non-contiguous view reads through one small buffer, element by element in C order.
    let mut grid = vec![0u16; 2 * 500];
    let mut file = std::fs::File::open(&path).unwrap();
    {
        let v = ViewMut::from_slice(&mut grid).reshape(&[500, 2]).unwrap();
        let mut col = v.slice_str(":, 1").unwrap(); // every other u16
        col.read_exact_from(&mut file).unwrap();
    }
    let want: Vec<u16> = payload
        .chunks(2)
        .map(|c| u16::from_ne_bytes([c[0], c[1]]))
        .collect();
    let got: Vec<u16> = grid.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(got, want);
    assert!(grid.iter().step_by(2).all(|&x| x == 0));
    // Short input: UnexpectedEof from read_exact_from.
    let mut small = vec![0u8; 2000];
    let err = ViewMut::from_bytes(&mut small)
        .read_exact_from(&mut &payload[..])
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
}

#[test]
fn write_to_streams_any_layout_in_any_order() {
    let n = if cfg!(miri) { 12 } else { 300 };
    let data: Vec<u32> = (0..(n * n) as u32).collect();
    let v = View::from_slice(&data).reshape(&[n, n]).unwrap();
    for w in [v.clone(), v.transpose(), v.slice_str("::-3, 1::2").unwrap()] {
        for order in [Order::C, Order::F, Order::A] {
            let mut out = Vec::new();
            w.write_to(&mut out, order).unwrap();
            assert_eq!(out, w.tobytes(order).unwrap());
        }
    }
    let path = temp_path("write_to.bin");
    let mut f = std::fs::File::create(&path).unwrap();
    v.transpose().write_to(&mut f, Order::C).unwrap();
    drop(f);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        v.transpose().tobytes(Order::C).unwrap()
    );
}

#[cfg(not(miri))] // Miri cannot open sockets.
#[test]
fn sixty_four_mib_over_a_loopback_socket_arrive_intact() {
    use std::net::{TcpListener, TcpStream};
    let len = 64 << 20;
    let message: Vec<u8> = (0..len)
        .map(|i| ((i * 2654435761usize) >> 13) as u8)
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sender = {
        let message = message.clone();
        std::thread::spawn(move || {
            let mut sock = TcpStream::connect(addr).unwrap();
            // The send loop: advance the view by what each write accepted.
            let mut rest = View::from_bytes(&message);
            let mut writes = 0;
            while !rest.is_empty() {
                let n = rest.write_some(&mut sock).unwrap();
                rest = rest.slice(s![n..]).unwrap();
                writes += 1;
            }
            writes
        })
    };
    let (mut sock, _) = listener.accept().unwrap();
    let mut inbox = vec![0u8; len];
    let mut rest = ViewMut::from_bytes(&mut inbox);
    // The receive loop: advance the writable view by what each read filled.
    while !rest.is_empty() {
        let n = rest.read_from(&mut sock).unwrap();
        assert!(n > 0, "the sender closed early");
        rest = rest.slice(s![n..]).unwrap();
    }
    let writes = sender.join().unwrap();
    assert!(writes >= 1);
    assert!(inbox == message, "the 64 MiB message arrived changed");
    let mut extra = [0u8; 1];
    assert_eq!(sock.read(&mut extra).unwrap(), 0);
}

#[cfg(not(miri))] // Miri cannot map files.
#[test]
fn mapped_files_read_write_and_stay_out_of_memory() {
    // A file larger than the chosen limit of resident memory.
    let path = temp_path("mapped.bin");
    let n: usize = 48 << 20; // f32 values: 192 MiB
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block: Vec<f32> = (0..1 << 16).map(|i| (i % 7) as f32).collect();
        for _ in 0..n >> 16 {
            f.write_all(bytemuck::cast_slice(&block)).unwrap();
        }
    }
    // SAFETY: nothing else touches the file while it is mapped.
    let sv = unsafe { SharedView::map_file(&path, "f", &[n], 0) }.unwrap();
    // The resident bytes of this mapping alone (its entry in /proc/self/smaps), not of the
    // process, which the other tests of this binary grow at the same time.
    let addr = sv.view().as_ptr() as usize;
    let rss = || -> usize {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if let Some((lo, hi)) = first.split_once('-') {
                if let (Ok(lo), Ok(hi)) =
                    (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
                {
                    inside = (lo..hi).contains(&addr);
                    continue;
                }
            }
            if inside && first == "Rss:" {
                let kb: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
                return kb << 10;
            }
        }
        panic!("the mapping is not in /proc/self/smaps");
    };
    let before = rss();
    let mut total = 0f64;
    let mut peak = 0;
    for chunk in sv.chunks(4 << 20).unwrap() {
        total += f64::from(chunk.view().par_sum::<f32>().unwrap());
        chunk.release();
        peak = peak.max(rss().saturating_sub(before));
    }
    let per_block: f64 = (0..1 << 16).map(|i| (i % 7) as f64).sum();
    assert_eq!(total, per_block * (n >> 16) as f64);
    assert!(
        peak < 64 << 20,
        "resident memory grew by {} MiB for a 192 MiB file",
        peak >> 20
    );
    // Offsets and the size check.
    // SAFETY: as above.
    let tail = unsafe { SharedView::map_file(&path, "<f", &[2], (n as u64 - 2) * 4) }.unwrap();
    assert_eq!(tail.view().len(), 2);
    // SAFETY: as above.
    assert!(unsafe { SharedView::map_file(&path, "f", &[n + 1], 0) }.is_err());
    drop((sv, tail));
    // Read-write: writes through make_mut reach the file.
    // SAFETY: as above.
    let mut rw = unsafe { SharedView::map_file_mut(&path, "f", &[4], 0) }.unwrap();
    rw.make_mut().unwrap().fill(9.5f32).unwrap();
    rw.flush().unwrap();
    drop(rw);
    let mut head = [0u8; 16];
    std::fs::File::open(&path)
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    assert_eq!(bytemuck::cast_slice::<u8, f32>(&head), &[9.5; 4]);
    std::fs::remove_file(&path).unwrap();
}
