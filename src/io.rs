//! Zero-copy I/O: chunks without copying, reading straight into views, streaming views out
//! through a bounded buffer.

use crate::engine::{Typed, Walk};
use crate::error::{Error, Result};
use crate::layout::{c_strides, f_strides, Layout};
use crate::view::{Order, RawView, View, ViewMut};
use std::io::{self, Read, Write};

/// Bytes of the bounded buffer non-contiguous views stream through.
const STAGING: usize = 64 << 10;

/// A reader's or writer's count of bytes, checked against what it was given: a `Read` or
/// `Write` implementation that claims more is broken, and is an error rather than a panic
/// (or a slice past the end) here.
fn trusted(n: usize, given: usize) -> io::Result<usize> {
    if n > given {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the reader or writer reported {n} bytes for a buffer of {given}"),
        ));
    }
    Ok(n)
}

/// The `[start, stop)` ranges of `n` positions along the first axis.
pub(crate) fn chunk_ranges(
    layout: &Layout,
    n: usize,
) -> Result<impl Iterator<Item = (isize, isize)>> {
    if layout.ndim() == 0 {
        return Err(Error::Shape("a 0-d view has no axis to chunk".to_owned()));
    }
    if n == 0 {
        return Err(Error::Shape("chunks need a size of at least 1".to_owned()));
    }
    let len = layout.shape[0];
    Ok((0..len)
        .step_by(n)
        .map(move |s| (s as isize, (s + n).min(len) as isize)))
}

/// The operand of a walk in stream order (C or F) of a view's elements: each element's byte
/// position in the stream of its bytes. As operand 0 it makes the walk go in that order.
fn stream_positions(raw: &RawView, order: Order) -> Typed {
    let l = &raw.layout;
    Typed::index(match order {
        Order::F => f_strides(&l.shape, raw.itemsize()),
        Order::C | Order::A => c_strides(&l.shape, raw.itemsize()),
    })
}

impl RawView {
    /// The order in which the view's bytes are physically laid out, if they are one run.
    fn physical(&self, order: Order) -> bool {
        let (l, is) = (&self.layout, self.itemsize());
        match order {
            Order::C => l.is_c_contiguous(is),
            Order::F => l.is_f_contiguous(is),
            Order::A => l.is_c_contiguous(is) || l.is_f_contiguous(is),
        }
    }

    /// Copies stream bytes `[start, start + out.len())` (C/F order) out of the view.
    fn gather(&self, order: Order, start: usize, out: &mut [u8]) {
        let is = self.itemsize();
        let end = start + out.len();
        let walk = Walk::read(
            &self.layout.shape,
            [stream_positions(self, order), Typed::bytes(self)],
        );
        walk.part(start / is..end.div_ceil(is))
            .for_each_run(|[pos, elems]| {
                let (p0, step) = pos.index().expect("operand 0 is the stream position");
                for i in 0..elems.len() {
                    let p = (p0 as isize + i as isize * step) as usize;
                    // Bytes of this element that fall in the window.
                    let (lo, hi) = (p.max(start), (p + is).min(end));
                    elems.read_bytes(i, lo - p, &mut out[lo - start..hi - start]);
                }
            });
    }
}

impl<'a> View<'a> {
    /// The bytes of a C-contiguous view (any format), in order, without copying.
    pub fn contiguous_bytes(&self) -> Option<&'a [u8]> {
        let l = &self.raw.layout;
        if !l.is_c_contiguous(self.itemsize()) {
            return None;
        }
        self.dense_for()
    }

    /// Streams the view's bytes in `order` to `w` (memoryview's `tobytes` without the copy):
    /// contiguous views in one `write_all`, others through one 64 KiB buffer.
    ///
    /// ```
    /// use ndview::{Order, View};
    /// let data: Vec<u8> = (0..6).collect();
    /// let t = View::from_bytes(&data).reshape(&[2, 3]).unwrap().transpose();
    /// let mut out = Vec::new();
    /// t.write_to(&mut out, Order::C).unwrap();
    /// assert_eq!(out, t.tobytes(Order::C).unwrap());
    /// ```
    pub fn write_to<W: Write + ?Sized>(&self, w: &mut W, order: Order) -> io::Result<()> {
        if self.raw.physical(order) {
            if let Some(b) = self.contiguous_bytes().or_else(|| self.physical_bytes()) {
                return w.write_all(b);
            }
        }
        let total = self.nbytes();
        let mut buf = vec![0u8; STAGING.min(total)];
        let mut at = 0;
        while at < total {
            let n = buf.len().min(total - at);
            self.raw.gather(order, at, &mut buf[..n]);
            w.write_all(&buf[..n])?;
            at += n;
        }
        Ok(())
    }

    /// The bytes of an F-contiguous (or C-contiguous) view as laid out in memory.
    fn physical_bytes(&self) -> Option<&'a [u8]> {
        if self.nbytes() == 0 {
            return Some(&[]);
        }
        self.dense_for()
    }

    /// Writes as many leading bytes of a C-contiguous view as one `write` call accepts; the
    /// step of a send loop. The count is in **bytes**: a byte view (`B`, as below) advances
    /// with `view.slice(s![n..])`; a view of wider elements, which a writer may cut in the
    /// middle of an element, is sent as its byte cast (`view.cast("B", None)`) and advanced
    /// the same way. A writer that reports more bytes than it was given is an `InvalidData`
    /// error.
    ///
    /// ```
    /// use ndview::{s, View};
    /// let data = vec![7u8; 1000];
    /// let mut rest = View::from_bytes(&data);
    /// let mut sink = Vec::new();
    /// while !rest.is_empty() {
    ///     let n = rest.write_some(&mut sink).unwrap();
    ///     rest = rest.slice(s![n..]).unwrap();
    /// }
    /// assert_eq!(sink, data);
    /// ```
    pub fn write_some<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<usize> {
        let bytes = self.contiguous_bytes().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "write_some needs a C-contiguous view; use write_to for others",
            )
        })?;
        w.write(bytes).and_then(|n| trusted(n, bytes.len()))
    }

    /// Pieces of `n` positions along the first axis, the last one shorter, without copying:
    /// for a byte view, chunks of `n` bytes (`mv[i:i+n] for i in range(0, len(mv), n)`).
    /// The iterator does not borrow `self`.
    ///
    /// ```
    /// let data = [0u8; 10];
    /// let mut pieces = { let v = ndview::View::from_bytes(&data); v.chunks(4).unwrap() };
    /// assert_eq!(pieces.next().unwrap().len(), 4);
    /// assert_eq!(pieces.map(|c| c.len()).collect::<Vec<_>>(), [4, 2]);
    /// ```
    pub fn chunks(&self, n: usize) -> Result<impl Iterator<Item = View<'a>>> {
        let ranges = chunk_ranges(&self.raw.layout, n)?;
        let whole = self.clone();
        Ok(ranges.map(move |(start, stop)| {
            whole
                .slice([crate::SliceItem::range(Some(start), Some(stop), 1)])
                .expect("chunks of the first axis are in range")
        }))
    }
}

impl<'a> ViewMut<'a> {
    /// Writes stream bytes `[start, start + src.len())` (C order) into the view.
    fn scatter(&mut self, start: usize, src: &[u8]) {
        let is = self.itemsize();
        let end = start + src.len();
        let shape = self.raw.layout.shape.clone();
        let pos = stream_positions(&self.raw, Order::C);
        let mut walk = Walk::write_operand(&shape, [pos, Typed::bytes_output(self)], 1);
        walk.part_mut(start / is..end.div_ceil(is))
            .for_each_run(|[pos, mut elems]| {
                let (p0, step) = pos.index().expect("operand 0 is the stream position");
                for i in 0..elems.len() {
                    let p = (p0 as isize + i as isize * step) as usize;
                    let (lo, hi) = (p.max(start), (p + is).min(end));
                    elems.write_bytes(i, lo - p, &src[lo - start..hi - start]);
                }
            });
    }

    /// The bytes of a C-contiguous writable view, without copying.
    pub fn contiguous_bytes_mut(&mut self) -> Option<&mut [u8]> {
        let l = &self.raw.layout;
        if !l.is_c_contiguous(self.itemsize()) {
            return None;
        }
        self.dense_mut()
    }

    /// One `read` into the view, like `file.readinto(memoryview)`: a C-contiguous view is
    /// filled straight from the reader; any other through one 64 KiB buffer (whose bytes are
    /// scattered to the elements in C order). Returns the bytes filled (0 at end of input).
    ///
    /// ```
    /// let mut buf = [0u8; 8];
    /// let mut tail = ndview::ViewMut::from_bytes(&mut buf).slice_str("4:").unwrap();
    /// let n = tail.read_from(&mut &b"abcdef"[..]).unwrap(); // f.readinto(mv[4:])
    /// assert_eq!((n, &buf), (4, b"\0\0\0\0abcd"));
    /// ```
    pub fn read_from<R: Read + ?Sized>(&mut self, r: &mut R) -> io::Result<usize> {
        if let Some(bytes) = self.contiguous_bytes_mut() {
            let given = bytes.len();
            return r.read(bytes).and_then(|n| trusted(n, given));
        }
        let total = self.nbytes();
        if total == 0 {
            return Ok(0);
        }
        let mut buf = vec![0u8; STAGING.min(total)];
        let n = r.read(&mut buf).and_then(|n| trusted(n, buf.len()))?;
        self.scatter(0, &buf[..n]);
        Ok(n)
    }

    /// Fills the whole view from `r` (through the same paths as [`ViewMut::read_from`]), or
    /// fails with `UnexpectedEof`.
    pub fn read_exact_from<R: Read + ?Sized>(&mut self, r: &mut R) -> io::Result<()> {
        if let Some(bytes) = self.contiguous_bytes_mut() {
            return r.read_exact(bytes);
        }
        let total = self.nbytes();
        let mut buf = vec![0u8; STAGING.min(total)];
        let mut at = 0;
        while at < total {
            let n = buf.len().min(total - at);
            r.read_exact(&mut buf[..n])?;
            self.scatter(at, &buf[..n]);
            at += n;
        }
        Ok(())
    }

    /// Writable pieces of `n` positions along the first axis (disjoint, so they can go to
    /// different threads), the last one shorter.
    pub fn into_chunks(self, n: usize) -> Result<Vec<ViewMut<'a>>> {
        let ranges: Vec<(isize, isize)> = chunk_ranges(&self.raw.layout, n)?.collect();
        let mut out = Vec::with_capacity(ranges.len());
        let mut rest = self;
        for (start, stop) in ranges {
            let (head, tail) = rest.split_at(0, (stop - start) as usize)?;
            out.push(head);
            rest = tail;
        }
        Ok(out)
    }
}
