//! Views of up to 6 dimensions keep shape and strides inline: slicing (`s!` and `slice_str`),
//! permuting, reshaping and casting allocate nothing. Checked with an allocator that counts
//! the allocations of the current thread.

use ndview::{s, View};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counter is a
// thread-local `Cell` with a const initialiser and no destructor, so touching it never
// allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn shape_operations_do_not_allocate() {
    let data: Vec<f32> = (0..720).map(|i| i as f32).collect();
    let v6 = View::from_slice(&data)
        .reshape(&[2, 3, 4, 5, 3, 2])
        .unwrap();
    let v3 = View::from_slice(&data).reshape(&[8, 9, 10]).unwrap();
    // Warm the shared format cache once.
    let _ = v3.cast("B", None).unwrap();
    let before = allocations();
    for _ in 0..100 {
        let a = v3.slice(s![1..7;2, ..;-1, 3]).unwrap();
        let b = v3.slice_str("1:7:2, ::-1, 3").unwrap();
        assert_eq!(a.strides(), b.strides());
        let c = v6.slice(s![.., 1, ..;-1, None, 2.., ..]).unwrap();
        std::hint::black_box(&c);
        let d = v6.permute(&[5, 4, 3, 2, 1, 0]).unwrap().transpose();
        std::hint::black_box(&d);
        let e = v3.reshape(&[72, 10]).unwrap().flip(0).unwrap().squeeze();
        std::hint::black_box(&e);
        let f = v3.cast("B", Some(&[2880])).unwrap().view_as("f").unwrap();
        std::hint::black_box(&f);
        let g = v3
            .broadcast_to(&[2, 8, 9, 10])
            .unwrap()
            .diagonal(0, 1, 2)
            .unwrap();
        std::hint::black_box(&g);
        let h = v3.clone().insert_axis(1).unwrap().swap_axes(0, -1).unwrap();
        std::hint::black_box(&h);
    }
    assert_eq!(allocations() - before, 0, "shape operations allocated");
}

#[test]
fn the_counter_counts() {
    let before = allocations();
    let v: Vec<u8> = Vec::with_capacity(10);
    std::hint::black_box(&v);
    assert_eq!(allocations() - before, 1);
}

#[test]
fn small_sums_allocate_at_most_once() {
    let data: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let v = View::from_slice(&data);
    let _ = v.sum::<f32>().unwrap();
    let before = allocations();
    for _ in 0..100 {
        std::hint::black_box(v.sum::<f32>().unwrap());
    }
    let per_call = (allocations() - before) as f64 / 100.0;
    println!("allocations per small sum: {per_call}");
    assert!(per_call <= 1.0, "{per_call} allocations per 16-element sum");
}
