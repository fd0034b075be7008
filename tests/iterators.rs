//! Iterators and window views against NumPy's definitions, through a model of each element's
//! multi-index (the views must hold exactly the elements NumPy's operations select).

use ndview::{s, View};
use proptest::prelude::*;

/// The values of a `B` view in C order, read one element at a time.
fn values(v: &View<'_>) -> Vec<u8> {
    v.tobytes(ndview::Order::C).unwrap()
}

/// The C-order multi-indices of `shape`.
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &d in shape {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..d).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    out
}

fn at(v: &View<'_>, idx: &[usize]) -> u8 {
    v.get_as::<u8>(idx).unwrap()
}

fn layouts(data: &[u8]) -> Vec<View<'_>> {
    let v = View::from_bytes(data).reshape(&[3, 4, 5]).unwrap();
    vec![
        v.clone(),
        v.permute(&[2, 0, 1]).unwrap(),
        v.slice(s![..;-1, 1..;2, ..;-2]).unwrap(),
        v.slice(s![.., 1, ..]).unwrap(),
    ]
}

#[test]
fn axis_iter_and_lanes_select_numpys_elements() {
    let data: Vec<u8> = (0..60).collect();
    for v in layouts(&data) {
        let nd = v.ndim() as isize;
        for axis in -nd..nd {
            let ax = axis.rem_euclid(nd) as usize;
            let subs: Vec<View<'_>> = v.axis_iter(axis).unwrap().collect();
            assert_eq!(subs.len(), v.shape()[ax]);
            for (i, sub) in subs.iter().enumerate() {
                for idx in indices(sub.shape()) {
                    let mut full = idx.clone();
                    full.insert(ax, i);
                    assert_eq!(at(sub, &idx), at(&v, &full));
                }
            }
            let back: Vec<u8> = v
                .axis_iter(axis)
                .unwrap()
                .rev()
                .flat_map(|s| values(&s))
                .collect();
            let fwd: Vec<Vec<u8>> = v.axis_iter(axis).unwrap().map(|s| values(&s)).collect();
            assert_eq!(back, fwd.into_iter().rev().flatten().collect::<Vec<_>>());
            // Lanes: one per position of the other axes, in C order, each along `axis`.
            let lanes: Vec<View<'_>> = v.lanes(axis).unwrap().collect();
            let mut others: Vec<usize> = v.shape().to_vec();
            others.remove(ax);
            let positions = indices(&others);
            assert_eq!(lanes.len(), positions.len());
            for (lane, pos) in lanes.iter().zip(&positions) {
                assert_eq!(lane.shape(), &[v.shape()[ax]]);
                for j in 0..v.shape()[ax] {
                    let mut full = pos.clone();
                    full.insert(ax, j);
                    assert_eq!(at(lane, &[j]), at(&v, &full));
                }
            }
        }
        assert!(v.axis_iter(nd).is_err() && v.lanes(-nd - 1).is_err());
        // iter() is axis 0, and does not borrow the view.
        let rows = {
            let w = v.clone();
            w.iter()
        };
        assert_eq!(rows.len(), v.shape()[0]);
    }
    let zero_d = View::from_bytes(&data[..1]).reshape(&[]).unwrap();
    assert_eq!(zero_d.iter().count(), 0);
}

#[test]
fn windows_are_sliding_window_view() {
    let data: Vec<u8> = (0..60).collect();
    for v in layouts(&data) {
        let window: Vec<usize> = v.shape().iter().map(|&d| d.min(2)).collect();
        let w = v.windows(&window).unwrap();
        let nd = v.ndim();
        for idx in indices(w.shape()) {
            let (pos, off) = idx.split_at(nd);
            let src: Vec<usize> = pos.iter().zip(off).map(|(p, o)| p + o).collect();
            assert_eq!(at(&w, &idx), at(&v, &src));
        }
        let too_big: Vec<usize> = v.shape().iter().map(|&d| d + 1).collect();
        assert!(v.windows(&too_big).is_err());
        assert!(v.windows(&[1]).is_err() || nd == 1);
        // Exact chunks: the windows at multiples of the chunk.
        let c = v.exact_chunks(&window).unwrap();
        for idx in indices(c.shape()) {
            let (pos, off) = idx.split_at(nd);
            let src: Vec<usize> = pos
                .iter()
                .zip(off)
                .zip(&window)
                .map(|((p, o), w)| p * w + o)
                .collect();
            assert_eq!(at(&c, &idx), at(&v, &src));
        }
    }
}

#[test]
fn split_moveaxis_and_rot90_follow_numpy() {
    let data: Vec<u8> = (0..12).collect();
    let v = View::from_bytes(&data).reshape(&[3, 4]).unwrap();
    let (a, b) = v.split_at(1, 1).unwrap();
    assert_eq!(a.tolist().unwrap().to_string(), "[[0], [4], [8]]");
    assert_eq!(b.shape(), &[3, 3]);
    assert!(v.split_at(2, 0).is_err() && v.split_at(0, 4).is_err());
    // np.rot90(np.arange(12).reshape(3, 4), k) for k = 1, 2, 3, -1.
    let r1 = "[[3, 7, 11], [2, 6, 10], [1, 5, 9], [0, 4, 8]]";
    let r2 = "[[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]";
    let r3 = "[[8, 4, 0], [9, 5, 1], [10, 6, 2], [11, 7, 3]]";
    for (k, want) in [(1, r1), (2, r2), (3, r3), (-1, r3), (5, r1)] {
        assert_eq!(
            v.rot90(k, [0, 1]).unwrap().tolist().unwrap().to_string(),
            want,
            "{k}"
        );
    }
    assert_eq!(
        v.rot90(1, [1, 0]).unwrap().tolist().unwrap().to_string(),
        r3
    );
    assert!(v.rot90(1, [0, 0]).is_err());
    let t = View::from_bytes(&[0u8; 24]).reshape(&[2, 3, 4]).unwrap();
    assert_eq!(t.moveaxis(0, -1).unwrap().shape(), &[3, 4, 2]);
    assert_eq!(t.moveaxis(-1, 0).unwrap().shape(), &[4, 2, 3]);
    assert_eq!(t.moveaxis(1, 1).unwrap().strides(), t.strides());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 300 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Windows of any size on any 1- or 2-D layout read the model's elements.
    #[test]
    fn windows_match_the_model(
        rows in 1..6usize, cols in 1..6usize, wr in 0..7usize, wc in 0..7usize,
        flip in any::<bool>(),
    ) {
        let data: Vec<u8> = (0..36).collect();
        let mut v = View::from_bytes(&data[..rows * cols])
            .reshape(&[rows, cols]).unwrap();
        if flip {
            v = v.flip(0).unwrap();
        }
        match v.windows(&[wr, wc]) {
            Ok(w) => {
                prop_assert!(wr <= rows && wc <= cols);
                prop_assert_eq!(w.shape(), &[rows + 1 - wr, cols + 1 - wc, wr, wc]);
                for idx in indices(w.shape()) {
                    prop_assert_eq!(at(&w, &idx), at(&v, &[idx[0] + idx[2], idx[1] + idx[3]]));
                }
            }
            Err(_) => prop_assert!(wr > rows || wc > cols),
        }
    }
}
