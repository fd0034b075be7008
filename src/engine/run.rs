//! The executor of element-wise kernels and the typed runs it hands to their bodies.
//!
//! A kernel names its operands ([`Typed`]: a buffer, strides broadcast to the walk's shape,
//! and proof that the format holds the Rust type) and gives a body that sees one run per
//! operand at a time. The executor alone decides how the walk goes: one flat run when every
//! operand is C-contiguous, else a plan, tiled when an operand is transposed, with such inputs
//! staged through the SIMD transpose, split across rayon's pool when large. Bodies turn a
//! [`Run`] into a [`Lane`] (read) or [`LaneMut`] (write) of their element type and use safe,
//! bounds-checked access, or a slice where the run is one; every pointer is formed here.

use super::stream::{overwrite_streaming, streams, worth_streaming};
use super::{staging, walk, walk_staged_par, walk_staged_seq, Plan, RunPtr};
use crate::element::Element;
use crate::format::{ByteOrder, Format, Scalar};
use crate::layout::{Layout, Strides};
use crate::raw::RawBytes;
use crate::view::{RawView, ViewMut};
use std::marker::PhantomData;
use std::mem::{align_of, size_of};

/// Proof that a format holds one Rust element type at offset 0 of each element, in a byte
/// order: made only by [`Holds::of`], which asks the format.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Holds {
    order: ByteOrder,
    /// What the elements are read as.
    kind: Kind,
    size: usize,
}

impl Holds {
    /// `Some` when `format` holds a `T` (any byte order).
    #[inline(always)]
    pub fn of<T: Element>(format: &Format) -> Option<Holds> {
        format.holds::<T>().map(|order| Holds {
            order,
            kind: Kind::Scalar(T::SCALAR),
            size: size_of::<T>(),
        })
    }

    /// The size of one element.
    pub fn size(self) -> usize {
        self.size
    }
}

/// What an operand's elements are read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// One Rust element type per element (Rust types that share a scalar and a size, like
    /// `u64` and `usize`, share their layout and valid values).
    Scalar(Scalar),
    /// Bytes: the elements of any format, copied as bytes.
    Bytes,
    /// No buffer: the position of each element ([`Typed::index`]).
    Index,
}

/// One operand of an element walk: its buffer, its byte strides over the walk's shape and the
/// offset of element 0, and the type its format holds.
#[derive(Clone)]
pub(crate) struct Typed {
    bytes: RawBytes,
    strides: Strides,
    offset: isize,
    holds: Holds,
    /// Made by [`Typed::output`]: the only operands whose runs are written.
    writable: bool,
}

impl Typed {
    /// The operand reading `raw` (whose format `holds` describes) broadcast to `shape`.
    #[inline]
    pub fn input(raw: &RawView, holds: Holds, shape: &[usize]) -> crate::Result<Typed> {
        // The view's own shape (the common case, and every small call) needs no broadcast:
        // its validated strides serve as they are.
        let strides = if crate::layout::same_shape(&raw.layout.shape, shape) {
            raw.layout.strides.clone()
        } else {
            raw.layout.broadcast_to(shape, raw.itemsize())?.strides
        };
        Ok(Typed {
            bytes: raw.bytes,
            strides,
            offset: raw.layout.offset,
            holds,
            writable: false,
        })
    }

    /// Not a buffer: the position of each element, `strides` apart along each axis (C-order
    /// strides of 1 give the flat C index; of the itemsize, the byte position in the C-order
    /// stream). Its runs answer [`Run::index`] and hold no elements. As operand 0 it makes a
    /// walk go in that order.
    pub fn index(strides: Strides) -> Typed {
        Typed {
            bytes: RawBytes::of(&[]),
            strides,
            offset: 0,
            holds: Holds {
                order: ByteOrder::NATIVE,
                kind: Kind::Index,
                size: 0,
            },
            writable: false,
        }
    }

    /// The flat C index of each element of `shape` ([`Typed::index`]).
    pub fn c_index(shape: &[usize]) -> Typed {
        Typed::index(crate::layout::c_strides(shape, 1))
    }

    /// The elements of `raw`, of any format, as bytes (read).
    pub fn bytes(raw: &RawView) -> Typed {
        Typed::layout_bytes(raw.bytes, &raw.layout, raw.itemsize(), false)
    }

    /// The elements `layout` describes in `bytes`, as `itemsize`-byte values: the operands of
    /// copies, which need not be a view's (a fresh `tobytes` buffer, the bytes a view spans).
    /// `writable`: the operand is written (a copy's destination); the copy's caller answers
    /// for it.
    pub fn layout_bytes(
        bytes: RawBytes,
        layout: &Layout,
        itemsize: usize,
        writable: bool,
    ) -> Typed {
        Typed {
            bytes,
            strides: layout.strides.clone(),
            offset: layout.offset,
            holds: Holds {
                order: ByteOrder::NATIVE,
                kind: Kind::Bytes,
                size: itemsize,
            },
            writable,
        }
    }

    /// The elements of `out` as bytes to write (see [`Typed::output`]).
    pub fn bytes_output(out: &mut ViewMut<'_>) -> Typed {
        Typed {
            writable: true,
            ..Typed::bytes(&out.raw)
        }
    }

    /// The same operand over `shape` without axis `ax` (for lanes along it, which the
    /// driven walks step themselves); returns it and the axis's stride.
    pub(super) fn without_axis(&self, ax: usize) -> (Typed, isize) {
        let mut strides = self.strides.clone();
        let s = strides.remove(ax);
        (
            Typed {
                strides,
                ..self.clone()
            },
            s,
        )
    }

    /// The operand with a stride-0 axis inserted at `ax` (an output that a reduction along
    /// `ax` writes once per input element along it).
    pub(super) fn with_zero_axis(&self, ax: usize) -> Typed {
        let mut strides = self.strides.clone();
        strides.insert(ax, 0);
        Typed {
            strides,
            ..self.clone()
        }
    }

    /// The operand restricted to indices `from..` along axis `k` (the walk's shape shrinks
    /// to match).
    pub(super) fn starting_at(&self, k: usize, from: usize) -> Typed {
        Typed {
            offset: self.offset + from as isize * self.strides[k],
            ..self.clone()
        }
    }

    /// What the format holds.
    pub(super) fn holds(&self) -> Holds {
        self.holds
    }

    /// Byte strides over the walk's shape.
    pub(super) fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Byte offset of element 0.
    pub(super) fn offset(&self) -> isize {
        self.offset
    }

    /// Pointer to byte `off` of the buffer; a C-index operand has no bytes and gives a
    /// dangling pointer that its runs never read.
    ///
    /// # Safety
    /// For a buffer operand, `off` is an element offset of its validated layout.
    #[inline(always)]
    pub(super) unsafe fn at(&self, off: isize) -> *mut u8 {
        if self.holds.kind == Kind::Index {
            std::ptr::NonNull::dangling().as_ptr()
        } else {
            // SAFETY: the caller's promise.
            unsafe { self.bytes.at(off) }
        }
    }

    /// The operand writing `out` (no broadcasting: it defines the walk's shape). Only a
    /// [`ViewMut`] makes an output: its bytes are writable and its distinct elements are
    /// distinct bytes (I6).
    pub fn output(out: &mut ViewMut<'_>, holds: Holds) -> Typed {
        let raw = &out.raw;
        Typed {
            bytes: raw.bytes,
            strides: raw.layout.strides.clone(),
            offset: raw.layout.offset,
            holds,
            writable: true,
        }
    }

    /// Whether every element of this operand over `shape` lies in its buffer (an index
    /// operand has none: one stride per axis suffices): the engine's own check on operands
    /// whose shape a caller computed (a reduction's scratch), so that a wrong size is a panic,
    /// never an access outside the buffer.
    pub(super) fn covers(&self, shape: &[usize]) -> bool {
        if self.holds.kind == Kind::Index {
            // No buffer: only one stride per axis is needed.
            return self.strides.len() == shape.len();
        }
        let layout = Layout {
            shape: shape.into(),
            strides: self.strides.clone(),
            offset: self.offset,
        };
        layout.validate(self.bytes.len(), self.holds.size).is_ok()
    }

    /// Whether the operand is an output.
    pub(super) fn writable(&self) -> bool {
        self.writable
    }
}

/// One run of one operand, as the executor hands it to a body: where its `len` elements are
/// and what they hold. A body types it with [`Run::lane`] or [`Run::lane_mut`].
pub(crate) struct Run<'r> {
    ptr: *mut u8,
    /// The plan's offset of the first element (for a C-index operand: its flat C index).
    at: isize,
    stride: isize,
    len: usize,
    holds: Holds,
    /// Operand 0, the output: the only one written.
    writable: bool,
    /// No other operand's run of this step shares its bytes, so it may become a slice.
    apart: bool,
    _walk: PhantomData<&'r mut [u8]>,
}

impl<'r> Run<'r> {
    /// A run of no elements (a placeholder that bodies never see).
    const EMPTY: Run<'r> = Run {
        ptr: std::ptr::null_mut(),
        at: 0,
        stride: 0,
        len: 0,
        holds: Holds {
            order: ByteOrder::Little,
            kind: Kind::Bytes,
            size: 0,
        },
        writable: false,
        apart: false,
        _walk: PhantomData,
    };

    /// # Safety
    /// `ptr + i * stride` for `i < len` are elements of a validated layout whose format
    /// `holds` describes, alive for `'r`; when `writable`, nothing else reads or writes those
    /// elements during `'r` except runs of the same step (inputs that are the output element
    /// for element); when `apart`, no other run of the step overlaps this one.
    #[inline(always)]
    pub(super) unsafe fn new(
        p: RunPtr,
        len: usize,
        holds: Holds,
        writable: bool,
        apart: bool,
    ) -> Run<'r> {
        Run {
            ptr: p.ptr,
            at: 0,
            stride: p.stride,
            len,
            holds,
            writable,
            apart,
            _walk: PhantomData,
        }
    }

    /// The number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// For the run of an index operand ([`Typed::index`]): the position of its first element
    /// and the step between its elements' positions.
    #[inline(always)]
    pub fn index(&self) -> Option<(usize, isize)> {
        (self.holds.kind == Kind::Index).then_some((self.at as usize, self.stride))
    }

    /// Copies bytes `from..from + out.len()` of element `i` of a bytes operand's run
    /// ([`Typed::bytes`]) into `out` (panics outside the element or for another operand: a
    /// kernel bug).
    #[inline]
    pub fn read_bytes(&self, i: usize, from: usize, out: &mut [u8]) {
        self.check_bytes(i, from, out.len());
        // SAFETY: the bytes lie inside element `i < len` of the run, an element of the
        // operand's validated layout; `out` is a distinct Rust borrow.
        unsafe {
            std::ptr::copy_nonoverlapping(
                self.ptr
                    .wrapping_offset(i as isize * self.stride)
                    .wrapping_add(from),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    }

    /// Writes `src` into bytes `from..from + src.len()` of element `i` of a bytes output's
    /// run (panics outside the element, or for a run that is not an output's).
    #[inline]
    pub fn write_bytes(&mut self, i: usize, from: usize, src: &[u8]) {
        self.check_bytes(i, from, src.len());
        assert!(self.writable, "only the output's runs are written");
        // SAFETY: as in `read_bytes`; the run is an output's, written only by this step, and
        // `src` is a Rust borrow, so not these bytes (which no reference covers).
        unsafe {
            std::ptr::copy_nonoverlapping(
                src.as_ptr(),
                self.ptr
                    .wrapping_offset(i as isize * self.stride)
                    .wrapping_add(from),
                src.len(),
            )
        }
    }

    /// Panics unless bytes `from..from + n` of element `i` exist in a bytes operand's run.
    #[inline(always)]
    fn check_bytes(&self, i: usize, from: usize, n: usize) {
        assert!(
            self.holds.kind == Kind::Bytes
                && i < self.len
                && from
                    .checked_add(n)
                    .is_some_and(|end| end <= self.holds.size),
            "bytes outside an element of a bytes operand's run"
        );
    }

    /// Whether `T` is the type the operand was checked for.
    #[inline(always)]
    fn check<T: Element>(&self) {
        assert!(
            self.holds.kind == Kind::Scalar(T::SCALAR) && self.holds.size == size_of::<T>(),
            "a run typed as another element type than its operand's"
        );
    }

    /// Whether the run can be a `[T]`: apart, contiguous, native, aligned, every bit pattern
    /// a valid `T`.
    #[inline(always)]
    fn sliceable<T: Element>(&self) -> bool {
        self.apart
            && T::ANY_BIT_PATTERN
            && self.stride == size_of::<T>() as isize
            && self.holds.order.is_native()
            && self.ptr as usize % align_of::<T>() == 0
    }

    /// The run read as `T`s (the operand's type; anything else panics, a bug in the kernel).
    #[inline(always)]
    pub fn lane<T: Element>(&self) -> Lane<'_, T> {
        self.check::<T>();
        Lane {
            ptr: self.ptr,
            stride: self.stride,
            len: self.len,
            order: self.holds.order,
            slice: self.sliceable::<T>(),
            _elem: PhantomData,
        }
    }

    /// The output's run written as `T`s (panics for an input or another type: a kernel bug).
    #[inline(always)]
    pub fn lane_mut<T: Element>(self) -> LaneMut<'r, T> {
        self.check::<T>();
        assert!(self.writable, "only the output's runs are written");
        LaneMut {
            slice: self.sliceable::<T>(),
            run: self,
            _elem: PhantomData,
        }
    }
}

/// A run of elements read as `T`.
pub(crate) struct Lane<'r, T> {
    ptr: *const u8,
    stride: isize,
    len: usize,
    order: ByteOrder,
    slice: bool,
    _elem: PhantomData<&'r [T]>,
}

impl<T: Element> Lane<'_, T> {
    /// The number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The elements as a slice, when the run is contiguous, native, aligned and apart.
    #[inline(always)]
    pub fn as_slice(&self) -> Option<&[T]> {
        // SAFETY: `slice` says the run is `len` aligned native `T`s for which every bit
        // pattern is valid, overlapping no run written in this step (`Run::new`'s contract).
        self.slice
            .then(|| unsafe { std::slice::from_raw_parts(self.ptr.cast::<T>(), self.len) })
    }

    /// Element `i` (panics past the end).
    #[inline(always)]
    pub fn get(&self, i: usize) -> T {
        assert!(i < self.len);
        // SAFETY: element `i < len` of the run is an element of the operand's layout holding
        // a `T` in `order` (`Run::new`'s contract, `Run::check`).
        unsafe {
            T::load(
                self.ptr.wrapping_offset(i as isize * self.stride),
                self.order,
            )
        }
    }
}

/// The output's run written as `T`.
pub(crate) struct LaneMut<'r, T> {
    run: Run<'r>,
    slice: bool,
    _elem: PhantomData<T>,
}

impl<'r, T: Element> LaneMut<'r, T> {
    /// The number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.run.len
    }

    /// The elements as a mutable slice, when the run is contiguous, native, aligned and apart.
    #[inline(always)]
    pub fn as_mut_slice(&mut self) -> Option<&mut [T]> {
        // SAFETY: as for `Lane::as_slice`; the run is the output's (writable) and no other run
        // of the step overlaps it, and `&mut self` keeps this the only slice of it.
        self.slice.then(|| unsafe {
            std::slice::from_raw_parts_mut(self.run.ptr.cast::<T>(), self.run.len)
        })
    }

    /// Element `i` (panics past the end).
    #[inline(always)]
    pub fn get(&self, i: usize) -> T {
        assert!(i < self.run.len);
        // SAFETY: as for `Lane::get`: the run's elements hold `T`s in `order`.
        unsafe {
            T::load(
                self.run.ptr.wrapping_offset(i as isize * self.run.stride),
                self.run.holds.order,
            )
        }
    }

    /// Writes element `i` (panics past the end).
    #[inline(always)]
    pub fn set(&mut self, i: usize, v: T) {
        assert!(i < self.run.len);
        // SAFETY: element `i < len` of the output's run is writable and holds a `T` in
        // `order`; only runs of this step (inputs that are the output element for element,
        // read through pointers too) touch it.
        unsafe {
            v.store(
                self.run.ptr.wrapping_offset(i as isize * self.run.stride),
                self.run.holds.order,
            )
        }
    }
}

/// The executor's view of an operand before planning: the raw view and what its format holds
/// (`None`: it does not hold the kernel's type, which the planned path reports as an error).
pub(crate) type Raw<'a> = (&'a RawView, Option<Holds>);

/// Runs `body` once over one run per operand when every operand (operand 0 the output: the
/// raw view of `out`, a `ViewMut`'s, so its bytes are writable and its distinct elements are
/// distinct bytes) is
/// C-contiguous over the output's shape and holds its type, and the inputs are apart from the
/// output or it element for element: such a walk needs no plan, and small calls skip its
/// setup. Returns `false` without calling `body` when the planned path is needed (another
/// layout, an input sharing other bytes with the output, an empty walk, an output large
/// enough to stream, or a parallel walk large enough to split).
/// As for [`runs_seq`], `body` overwrites the output's run without reading it.
#[inline(always)]
pub(crate) fn flat<const N: usize>(
    out: &ViewMut<'_>,
    ops: [Raw<'_>; N],
    parallel: bool,
    body: impl FnOnce([Run<'_>; N]),
) -> bool {
    match flat_runs(out, ops, parallel) {
        Some(runs) => {
            body(runs);
            true
        }
        None => false,
    }
}

/// The runs of [`flat`], or `None` when the planned path is needed (not generic over the
/// body, so compiled once per operand count).
#[inline(always)]
fn flat_runs<'r, const N: usize>(
    out: &'r ViewMut<'_>,
    ops: [Raw<'r>; N],
    parallel: bool,
) -> Option<[Run<'r>; N]> {
    let (o, o_holds) = ops[0];
    assert!(std::ptr::eq(o, &out.raw), "operand 0 is the output");
    let is = o_holds?.size;
    let len = o.layout.c_dense_len(is)?;
    if worth_streaming(len * is) {
        return None; // outputs worth streaming take the planned path, which streams
    }
    let o_start = o.bytes.addr() as isize + o.layout.offset;
    let o_end = o_start + (len * is) as isize;
    let mut fused = false;
    let mut touched = len * is;
    for &(r, holds) in &ops[1..] {
        // A format that holds the type has that type's size as its itemsize.
        let size = holds?.size;
        if !crate::layout::same_shape(&r.layout.shape, &o.layout.shape)
            || r.layout.c_dense_len(size).is_none()
        {
            return None;
        }
        touched += len * size;
        let start = r.bytes.addr() as isize + r.layout.offset;
        if start == o_start && size == is {
            fused = true;
        } else if start < o_end && o_start < start + (len * size) as isize {
            return None;
        }
    }
    if parallel && super::worth_splitting(len, touched / len) {
        return None;
    }
    // A loop over an array of empty runs, not `array::from_fn`, whose closure the optimiser
    // leaves out of line in the larger kernels.
    let mut runs = [const { Run::EMPTY }; N];
    for (k, &(r, holds)) in ops.iter().enumerate() {
        let holds = holds.expect("checked above");
        // SAFETY: the layout is valid, C-contiguous and not empty, so its offset is element
        // 0's and its `len` elements follow at `itemsize` (`holds.size`: a format that holds
        // the type has its size) apart; the format holds the type;
        // operand 0 is the output; inputs are apart from it, or it element for element
        // (`fused`), in which case no run may become a slice.
        runs[k] = unsafe {
            Run::new(
                RunPtr {
                    ptr: r.bytes.at(r.layout.offset),
                    stride: holds.size as isize,
                },
                len,
                holds,
                k == 0,
                !fused,
            )
        };
    }
    Some(runs)
}

/// Each operand's element size. (A function rather than `ops.map(..)` in the walks, so that
/// it is compiled once per operand count, not once per kernel body.)
fn sizes_of<const N: usize>(ops: &[&Typed; N]) -> [usize; N] {
    std::array::from_fn(|k| ops[k].holds.size)
}

/// Each operand's buffer (see [`sizes_of`]).
fn bytes_of<const N: usize>(ops: &[&Typed; N]) -> [RawBytes; N] {
    std::array::from_fn(|k| ops[k].bytes)
}

/// The plan of a walk over `shape` of `ops` (operand 0 the output).
pub(super) fn plan_of<const N: usize>(shape: &[usize], ops: &[&Typed; N]) -> Plan<N> {
    plan_in(shape, ops, true)
}

/// [`plan_of`], in memory order (`flip`) or index order along negative axes
/// ([`Plan::with_order`]).
pub(super) fn plan_in<const N: usize>(shape: &[usize], ops: &[&Typed; N], flip: bool) -> Plan<N> {
    // Every walk plans here: in debug builds (the tests, Miri, the fuzzers) each operand is
    // checked to cover the shape it is walked over, as the safety argument assumes.
    debug_assert!(
        ops.iter().all(|o| o.covers(shape)),
        "an operand does not cover the walked shape {shape:?}"
    );
    Plan::with_order(
        shape,
        std::array::from_fn(|k| ops[k].strides.as_slice()),
        std::array::from_fn(|k| ops[k].offset),
        flip,
    )
}

/// Walks `ops` over `shape` on the calling thread, calling `body` with one run per operand
/// (operand 0 the output, written; the inputs read). `body` writes every element of the
/// output's run and reads none: past the last-level cache, the output's runs are buffers in
/// L1 that the engine streams to the output afterwards (see `stream.rs`). `fused`: an input
/// is the output element for element (no run becomes a slice); otherwise the inputs' bytes
/// are apart from the output's.
pub(crate) fn runs_seq<const N: usize>(
    shape: &[usize],
    ops: [&Typed; N],
    fused: bool,
    mut body: impl FnMut([Run<'_>; N]),
) {
    let plan = plan_of(shape, &ops);
    let (sizes, bytes) = (sizes_of(&ops), bytes_of(&ops));
    if streams(fused, &plan, sizes) {
        let inner = plan.inner_strides();
        return plan.for_each_run(0..plan.count(), |offs, len| {
            // SAFETY: the plan was made over `ops`; its runs are runs of its operands.
            let runs = unsafe { make_runs(&ops, run_ptrs(&ops, inner, offs), len, fused) };
            overwrite_streaming(runs, &mut body)
        });
    }
    // SAFETY: the walks below hand out runs of the plan's operands (or of a
    // private copy of a staged input's tile, with its byte order).
    let mut step =
        |ptrs: [RunPtr; N], len: usize| body(unsafe { make_runs(&ops, ptrs, len, fused) });
    match staging(&plan, sizes) {
        // SAFETY: `bytes` are the buffers of the operands the plan was made from, in the
        // same order; inputs are only read.
        Some(staged) => unsafe { walk_staged_seq(&plan, staged, bytes, sizes, step) },
        None => {
            let inner = plan.inner_strides();
            // SAFETY: the plan was made over `ops`.
            let mut step = |offs, len| step(unsafe { run_ptrs(&ops, inner, offs) }, len);
            match plan.tiles(sizes) {
                Some(t) => plan.for_each_tiled_run(t, 0..plan.tile_units(t), &mut step),
                None => plan.for_each_run(0..plan.count(), &mut step),
            }
        }
    }
}

/// [`runs_seq`] for a `Fn` body, split across rayon's pool when `parallel` is set and the
/// walk is large (chunks write disjoint output elements). Kernels that offer both forms call
/// this one with a flag, so that each body is compiled once.
pub(crate) fn runs_par<const N: usize>(
    shape: &[usize],
    ops: [&Typed; N],
    fused: bool,
    parallel: bool,
    body: impl Fn([Run<'_>; N]) + Sync,
) {
    let plan = plan_of(shape, &ops);
    let (sizes, bytes) = (sizes_of(&ops), bytes_of(&ops));
    if streams(fused, &plan, sizes) {
        let inner = plan.inner_strides();
        return walk(&plan, sizes, parallel, |offs, len| {
            // SAFETY: as in `runs_seq`; chunks are disjoint runs.
            let runs = unsafe { make_runs(&ops, run_ptrs(&ops, inner, offs), len, fused) };
            overwrite_streaming(runs, &mut |r| body(r))
        });
    }
    // SAFETY: as in `runs_seq`; chunks are disjoint runs or tiles.
    // Inlined into each walk below (the attribute needs a call argument's position), so that
    // the body is inlined into the tile loops too: a staged tile's rows are short.
    let step = std::convert::identity(
        #[inline(always)]
        |ptrs: [RunPtr; N], len: usize| body(unsafe { make_runs(&ops, ptrs, len, fused) }),
    );
    match staging(&plan, sizes) {
        // SAFETY: as in `runs_seq`; each chunk writes the output elements of its own tiles.
        Some(staged) => unsafe { walk_staged_par(&plan, staged, bytes, sizes, parallel, step) },
        None => {
            let inner = plan.inner_strides();
            walk(&plan, sizes, parallel, |offs, len| {
                // SAFETY: the plan was made over `ops`.
                step(unsafe { run_ptrs(&ops, inner, offs) }, len)
            })
        }
    }
}

/// The run pointers of one step of a plan: operand `k`'s run starts at its plan offset
/// `offs[k]` and steps by the plan's innermost stride `inner[k]`.
///
/// # Safety
/// `offs` and `inner` come from a plan made over `ops` (so each `offs[k]` is an element
/// offset of operand `k`'s validated layout).
#[inline(always)]
pub(super) unsafe fn run_ptrs<const N: usize>(
    ops: &[&Typed; N],
    inner: [isize; N],
    offs: [isize; N],
) -> [RunPtr; N] {
    std::array::from_fn(|k| RunPtr {
        // SAFETY: the caller's plan yields element offsets of the validated layouts.
        ptr: unsafe { ops[k].at(offs[k]) },
        stride: inner[k],
    })
}

/// The runs of one step.
///
/// # Safety
/// `ptrs[k]` starts `len` elements of operand `k` at its run stride (or a private staged copy
/// of them); operand 0 is the output; inputs are apart from it unless `fused` (then an input
/// is the output element for element).
#[inline(always)]
unsafe fn make_runs<'r, const N: usize>(
    ops: &[&Typed; N],
    ptrs: [RunPtr; N],
    len: usize,
    fused: bool,
) -> [Run<'r>; N] {
    let written = if ops[0].writable { Some(0) } else { None };
    // SAFETY: the caller's promise.
    unsafe { runs_of(ops, ptrs, len, written, !fused) }
}

/// The runs of one step: `len` elements of each operand from `ptrs`, operand `written` (if
/// any) written, all `apart` or none. A plain function rather than an `array::from_fn`
/// closure in each walk, so that it is compiled once per operand count.
///
/// # Safety
/// [`Run::new`]'s contract for each operand.
#[inline(always)]
pub(super) unsafe fn runs_of<'r, const N: usize>(
    ops: &[&Typed; N],
    ptrs: [RunPtr; N],
    len: usize,
    written: Option<usize>,
    apart: bool,
) -> [Run<'r>; N] {
    // SAFETY: the caller's promise.
    std::array::from_fn(|k| unsafe {
        Run::new(ptrs[k], len, ops[k].holds, written == Some(k), apart)
    })
}

impl<'r> Run<'r> {
    /// What the operand's format holds.
    #[inline(always)]
    pub(super) fn holds(&self) -> Holds {
        self.holds
    }

    /// Whether the run's elements are adjacent in memory, in order.
    #[inline(always)]
    pub(super) fn contiguous(&self) -> bool {
        self.stride == self.holds.size as isize
    }

    /// Elements `from..from + len` of the run (panics past its end): a run of the same
    /// operand and step.
    #[inline(always)]
    pub(super) fn part(&self, from: usize, len: usize) -> Run<'r> {
        assert!(from.checked_add(len).is_some_and(|end| end <= self.len));
        Run {
            ptr: self.ptr.wrapping_offset(from as isize * self.stride),
            at: self.at + from as isize * self.stride,
            len,
            ..*self
        }
    }

    /// The output run's first `len` elements redirected into `buf` (contiguous, apart from
    /// every other run), which the caller copies to [`Run::element_ptr`] afterwards. Panics
    /// for an input's run, past the run's end, or when `buf` is too small. (This meets
    /// [`Run::new`]'s contract: `buf` is initialised memory borrowed for `'b`, and every
    /// element type takes all-zero bytes, so reads before writes are defined.)
    #[inline(always)]
    pub(super) fn redirected<'b>(&self, buf: &'b mut [u128], len: usize) -> Run<'b> {
        assert!(self.writable && len <= self.len);
        let bytes = len.checked_mul(self.holds.size);
        assert!(bytes.is_some_and(|b| b <= size_of_val(buf)));
        Run {
            ptr: buf.as_mut_ptr().cast(),
            at: self.at,
            stride: self.holds.size as isize,
            len,
            holds: self.holds,
            writable: true,
            apart: true,
            _walk: PhantomData,
        }
    }

    /// Where element `i` of the run starts (panics past the end).
    #[inline(always)]
    pub(super) fn element_ptr(&self, i: usize) -> *mut u8 {
        assert!(i < self.len);
        self.ptr.wrapping_offset(i as isize * self.stride)
    }
}

impl Run<'_> {
    /// Records the plan offset of the run's first element (the C index for an index operand).
    #[inline(always)]
    pub(super) fn at(mut self, at: isize) -> Self {
        self.at = at;
        self
    }
}

/// Whether `body` holds for every step of a read-only walk of `ops` over `shape` (no operand
/// is written), split across rayon's pool when `parallel` is set and the walk is large. Stops
/// early: within a chunk at the next run, across chunks at their next run.
pub(crate) fn all_runs<const N: usize>(
    shape: &[usize],
    ops: [&Typed; N],
    parallel: bool,
    body: impl Fn([Run<'_>; N]) -> bool + Sync,
) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    let plan = plan_of(shape, &ops);
    let sizes = sizes_of(&ops);
    let per_element: usize = sizes.iter().sum();
    let inner = plan.inner_strides();
    let count = plan.count();
    let failed = AtomicBool::new(false);
    let walk_range = |r: std::ops::Range<usize>| {
        let mut start = r.start;
        while start < r.end && !failed.load(Relaxed) {
            let end = (start + plan.inner_len().max(1)).min(r.end);
            plan.for_each_run(start..end, |offs, len| {
                // SAFETY: the plan was made over `ops`.
                let ptrs = unsafe { run_ptrs(&ops, inner, offs) };
                // SAFETY: runs of the plan's operands, whose formats hold their types;
                // nothing is written (no run is writable), so every run is apart from every
                // write.
                let runs = unsafe { runs_of(&ops, ptrs, len, None, true) };
                if !body(runs) {
                    failed.store(true, Relaxed);
                }
            });
            start = end;
        }
    };
    super::schedule(count, per_element, parallel, walk_range);
    !failed.load(Relaxed)
}
