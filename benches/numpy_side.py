"""NumPy's side of the performance report (benches/perf/numpy.rs starts this script).

The report keeps one instance of this script running and asks it, one line at a time on stdin,
for one repetition of a NumPy implementation in turn with its own Rust implementations, so that
NumPy is interleaved like every other row. Each answer is one line on stdout:

    setup <handle> <name> <int>...   build the inputs of case <name> at the given sizes -> "ok"
    run <handle> <calls>             time <calls> calls, in nanoseconds -> "<ns>"
    free <handle>                    drop the case's outputs -> "ok"
    quit (or end of input)           exit

The first line written is "ready <numpy version>", or "unavailable <why>" before exiting when
NumPy cannot be imported. A failing command answers "error <why>" and the script carries on.

Times come from time.perf_counter_ns() around the calls, inside Python: they include the
interpreter's cost of making each call (attribute lookups are hoisted out of the loops), which is
what a NumPy user pays, but not the pipe. Inputs are built once per shape and dtype and kept for
the whole run; their values do not matter (a repeating ramp, so no NaN or subnormal floats).
"""

import sys
import time

try:
    import numpy as np
except Exception as e:  # the report prints this and leaves the NumPy column empty
    print(f"unavailable cannot import numpy ({type(e).__name__}: {e})", flush=True)
    sys.exit(0)

_inputs = {}


def ramp(shape, dtype, period, scale=1):
    """A cached array of `shape` and `dtype` holding (i % period) * scale in C order."""
    key = (tuple(shape), np.dtype(dtype).str, period, scale)
    if key not in _inputs:
        count = int(np.prod(shape))
        x = (np.arange(count, dtype=np.int64) % period).astype(np.float64) * scale
        _inputs[key] = x.astype(dtype).reshape(shape)
    return _inputs[key]


def one_call(f):
    """A timer for a large case: `calls` calls of f (the report asks for one)."""

    def timed(calls):
        clock = time.perf_counter_ns
        t = clock()
        for _ in range(calls):
            f()
        return clock() - t

    return timed


# Every builder takes the sizes the report sends and returns timed(calls) -> nanoseconds.


def add_out(n):
    a, b = ramp((n, n), np.float32, 1000, 0.5), ramp((n, n), np.float32, 777, 0.25)
    c = np.empty_like(a)
    return one_call(lambda: np.add(a, b, out=c))


def add_alloc(n):
    a, b = ramp((n, n), np.float32, 1000, 0.5), ramp((n, n), np.float32, 777, 0.25)
    return one_call(lambda: a + b)


def add_step2(n):
    a = ramp((n * n,), np.float32, 1000, 0.5)[::2]
    b = ramp((n * n,), np.float32, 777, 0.25)[::2]
    c = np.empty(n * n, np.float32)[::2]
    return one_call(lambda: np.add(a, b, out=c))


def add_bt(n):
    a, b = ramp((n, n), np.float32, 1000, 0.5), ramp((n, n), np.float32, 777, 0.25)
    bt = b.T
    c = np.empty_like(a)
    return one_call(lambda: np.add(a, bt, out=c))


def add_small(count):
    # Per-call cost: the loop calls the ufunc directly, as a user's loop would.
    a = np.arange(count, dtype=np.float32)
    b = np.ones(count, dtype=np.float32)
    c = np.empty_like(a)

    def timed(calls):
        add, clock = np.add, time.perf_counter_ns
        t = clock()
        for _ in range(calls):
            add(a, b, out=c)
        return clock() - t

    return timed


_DTYPES = {"f4": np.float32, "u2": np.uint16, "u1": np.uint8}


def _square(n, dtype):
    return ramp((n, n), _DTYPES[dtype], 251 if dtype == "u1" else 1000)


def copy_t(n, dtype="f4"):
    at = _square(n, dtype).T
    out = np.empty(at.shape, at.dtype)
    return one_call(lambda: np.copyto(out, at))


def tobytes_t(n):
    at = _square(n, "f4").T
    return one_call(lambda: at.tobytes())


def contiguous_t(n, dtype):
    at = _square(n, dtype).T
    return one_call(lambda: np.ascontiguousarray(at))


def copy_rev(n):
    r = _square(n, "f4")[::-1, ::-1]
    out = np.empty(r.shape, r.dtype)
    return one_call(lambda: np.copyto(out, r))


def tobytes_rev(n):
    r = _square(n, "f4")[::-1, ::-1]
    return one_call(lambda: r.tobytes())


def f16_copyto(n):
    h = ramp((n * n,), np.float16, 1000, 0.5)
    out = np.empty(h.shape, np.float32)
    return one_call(lambda: np.copyto(out, h))


def f16_astype(n):
    h = ramp((n * n,), np.float16, 1000, 0.5)
    return one_call(lambda: h.astype(np.float32))


def u8_copyto(n):
    p = ramp((n * n,), np.uint8, 251)
    out = np.empty(p.shape, np.float32)
    return one_call(lambda: np.copyto(out, p))


def u8_astype(n):
    p = ramp((n * n,), np.uint8, 251)
    return one_call(lambda: p.astype(np.float32))


def sum_all(n, transposed):
    a = ramp((n, n), np.float32, 1000, 0.5)
    if transposed:
        a = a.T
    return one_call(lambda: a.sum())


def sum_axis(n, axis):
    a = ramp((n, n), np.float32, 1000, 0.5)
    return one_call(lambda: a.sum(axis=axis))


def permute(m):
    p = ramp((m, m, m), np.float32, 1000, 0.5).transpose(2, 0, 1)
    out = np.empty(p.shape, p.dtype)
    return one_call(lambda: np.copyto(out, p))


def permute_alloc(m):
    p = ramp((m, m, m), np.float32, 1000, 0.5).transpose(2, 0, 1)
    return one_call(lambda: np.ascontiguousarray(p))


def rgb(n, rotate):
    img = ramp((n, n, 3), np.uint8, 253)
    v = img.transpose(1, 0, 2)[:, ::-1] if rotate else img[:, ::-1]
    out = np.empty(v.shape, v.dtype)
    return one_call(lambda: np.copyto(out, v))


def slicing(_):
    v = ramp((60, 70, 80), np.float32, 1 << 30)

    def timed(calls):
        clock = time.perf_counter_ns
        t = clock()
        for _ in range(calls):
            v[1:50:2, ::-1, 3]
        return clock() - t

    return timed


CASES = {
    "add_out": add_out,
    "add_alloc": add_alloc,
    "add_step2": add_step2,
    "add_bt": add_bt,
    "add_small": add_small,
    "copy_t": lambda n: copy_t(n, "f4"),
    "copy_t_u1": lambda n: copy_t(n, "u1"),
    "copy_t_u2": lambda n: copy_t(n, "u2"),
    "tobytes_t": tobytes_t,
    "contiguous_t_u1": lambda n: contiguous_t(n, "u1"),
    "contiguous_t_u2": lambda n: contiguous_t(n, "u2"),
    "copy_rev": copy_rev,
    "tobytes_rev": tobytes_rev,
    "f16_copyto": f16_copyto,
    "f16_astype": f16_astype,
    "u8_copyto": u8_copyto,
    "u8_astype": u8_astype,
    "sum": lambda n: sum_all(n, False),
    "sum_t": lambda n: sum_all(n, True),
    "sum_axis0": lambda n: sum_axis(n, 0),
    "sum_axis1": lambda n: sum_axis(n, 1),
    "permute": permute,
    "permute_alloc": permute_alloc,
    "rgb_mirror": lambda n: rgb(n, False),
    "rgb_rotate": lambda n: rgb(n, True),
    "slicing": slicing,
}


def main():
    print(f"ready {np.__version__}", flush=True)
    running = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "setup":
                handle, name, sizes = words[1], words[2], [int(w) for w in words[3:]]
                running[handle] = CASES[name](*sizes)
                answer = "ok"
            elif words[0] == "run":
                answer = str(running[words[1]](int(words[2])))
            elif words[0] == "free":
                running.pop(words[1], None)
                answer = "ok"
            elif words[0] == "quit":
                break
            else:
                answer = f"error unknown command {words[0]!r}"
        except Exception as e:
            answer = f"error {type(e).__name__}: {e}".replace("\n", " ")
        print(answer, flush=True)


if __name__ == "__main__":
    main()
