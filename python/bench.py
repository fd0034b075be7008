"""Times ndview's kernels against NumPy on the same arrays and prints the ratios.

    python bench.py            # build first with: maturin develop --profile pyext

A ratio above 1 means ndview is faster. Each case takes the best of several runs.
"""

import time

import numpy as np

import ndview


def best(f, repeat=7):
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    rng = np.random.default_rng(0)
    n = 4096
    m = rng.random((n, n), dtype=np.float32)
    a = rng.random(16_000_000, dtype=np.float32)
    b = rng.random(16_000_000, dtype=np.float32)
    h = a.astype(np.float16)
    cases = [
        ("transposed copy 4096x4096 f32", lambda: ndview.copy(m.T),
         lambda: np.ascontiguousarray(m.T)),
        ("add 16M f32 (all threads)", lambda: ndview.add(a, b), lambda: np.add(a, b)),
        ("astype f16 -> f32, 16M", lambda: ndview.astype(h, "f"),
         lambda: h.astype(np.float32)),
        ("sum 16M f32", lambda: ndview.sum(a), lambda: a.sum()),
        ("sum axis 0, 4096x4096 f32", lambda: ndview.sum(m, axis=0), lambda: m.sum(axis=0)),
    ]
    print(f"{'case':34} {'ndview ms':>10} {'NumPy ms':>10} {'ratio':>7}")
    for name, ours, theirs in cases:
        t1, t2 = best(ours), best(theirs)
        print(f"{name:34} {t1 * 1e3:10.2f} {t2 * 1e3:10.2f} {t2 / t1:7.2f}")


if __name__ == "__main__":
    main()
