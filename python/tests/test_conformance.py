"""Behaviours an independent differential check found apart from memoryview and NumPy, each
compared live against them: element assignment's conversions and exceptions, sizes too large to
copy, repeated axes, byte orders kept by astype, pickled writability, geometry arguments, and
the errors of map_file, kernels' `out=` and unsupported indices."""

import itertools
import math
import os
import pickle

import numpy as np
import pytest

import ndview


def outcome(fn):
    """What `fn()` returns, or the class of what it raises."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return type(e)


# --- Sizes too large to copy ------------------------------------------------------------------


def test_too_large_to_copy_is_memory_error():
    v = ndview.view(bytes(1)).broadcast_to(2**45)  # 32 TiB of one byte, read-only
    for fn in (v.tobytes, v.hex, lambda: v.hex(":"), lambda: hash(v), v.tolist):
        with pytest.raises(MemoryError):
            fn()


# --- Element assignment, as memoryview's pack_single ------------------------------------------

VALUES = [0, 1, -1, 127, 128, 255, 256, -129, 2**31, 2**63, 2**64, -(2**63) - 1, 10**40,
          10**400, -(10**400), 0.0, 1.5, -2.5, 1e40, -1e300, math.inf, math.nan, True, False,
          None, "a", b"a", b"ab", bytearray(b"a"), (1,), [1], 1j, np.int64(5), np.float64(2.5),
          np.float32(1e30), np.bool_(True), np.array(3), np.array([3])]
FORMATS = ["b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "f", "d", "?", "c"]


def same_value(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("fmt", FORMATS)
def test_element_assignment_like_memoryview(fmt):
    size = 8
    for value in VALUES:
        ref = memoryview(bytearray(size)).cast(fmt)
        ours = ndview.view(bytearray(size), fmt)

        def store(target):
            target[0] = value
            return target[0]

        want, got = outcome(lambda: store(ref)), outcome(lambda: store(ours))
        if isinstance(want, type):
            assert got is want, (fmt, value, got, want)
        else:
            assert same_value(got, want), (fmt, value, got, want)


def test_half_assignment_follows_memoryview_3_12():
    # CPython 3.11's memoryview cannot write 'e'; 3.12's packs it with PyFloat_Pack2 and
    # turns its OverflowError into ValueError, as for the other float formats.
    v = ndview.view(bytearray(2), "e")
    for value, want in [(1.5, 1.5), (65504, 65504.0), (np.float32(0.25), 0.25)]:
        v[0] = value
        assert v[0] == want
    for value, exc in [(1e40, ValueError), (10**40, ValueError), ("a", TypeError)]:
        with pytest.raises(exc):
            v[0] = value


def test_fill_uses_the_same_conversions():
    ref = memoryview(bytearray(4)).cast("B")
    ours = ndview.view(bytearray(4), "B")
    for value in (256, -1, 1.5, "a", 7):
        want = outcome(lambda: ref.__setitem__(0, value))
        got = outcome(lambda: ours.__setitem__(slice(None), value))
        assert got is want if isinstance(want, type) else ours.tolist() == [7] * 4, (value, got)


def test_numpy_scalars_fill_a_slice_as_numpy():
    for value, fmt in [(np.int64(5), "i"), (np.float64(2.5), "f"), (np.int32(5), ">i"),
                       (np.array(7), "h"), (np.float32(1.5), "d")]:
        a = np.zeros(3, np.dtype(fmt.replace("i", "i4").replace("h", "i2")
                                  .replace("f", "f4").replace("d", "f8")))
        a[:] = value
        v = ndview.view(bytearray(3 * a.itemsize), fmt, [3])
        v[:] = value
        assert v.tolist() == a.tolist(), (value, fmt)


# --- Shape operations -------------------------------------------------------------------------


def test_repeated_axes_are_errors_as_in_numpy():
    a = np.arange(6).reshape(2, 3)
    v = ndview.view(a)
    for fn_np, fn_nd in [(lambda: np.flip(a, (0, 0)), lambda: v.flip((0, 0))),
                         (lambda: np.flip(a, (1, -1)), lambda: v.flip((1, -1))),
                         (lambda: a[None].squeeze((0, 0)), lambda: v[None].squeeze((0, 0)))]:
        with pytest.raises(ValueError) as want:
            fn_np()
        with pytest.raises(ValueError) as got:
            fn_nd()
        assert str(got.value) == str(want.value)
    assert np.array_equal(np.asarray(v.flip((0, 1))), np.flip(a, (0, 1)))
    zero_d = np.array(5)
    assert ndview.view(zero_d).squeeze(0).shape == zero_d.squeeze(0).shape


def test_reversed_and_toreadonly_as_memoryview():
    for data in (b"abc", bytearray(b"xyz"), np.arange(6, dtype="<i4")):
        ref, ours = memoryview(data), ndview.view(data)
        assert list(reversed(ours)) == list(reversed(ref))
        ro = ours.toreadonly()
        assert ro.readonly and ro.tolist() == ref.toreadonly().tolist()
        with pytest.raises(TypeError):
            ro[0] = ro[0]
    a = np.arange(6, dtype="<i4").reshape(3, 2)  # memoryview cannot iterate 2-D: NumPy
    assert [x.tolist() for x in reversed(ndview.view(a))] == [x.tolist() for x in a[::-1]]


def test_cast_shape_errors_as_memoryview():
    buf = bytearray(8)
    nonc = memoryview(bytearray(16))[::2]
    cases = [(memoryview(buf), ndview.view(buf), "B", [-1]),
             (memoryview(buf), ndview.view(buf), "B", [0]),
             (memoryview(buf), ndview.view(buf), "B", [2**64]),
             (memoryview(buf), ndview.view(buf), "B", [1.5]),
             (memoryview(buf).cast("i"), ndview.view(buf, "i"), "H", [0]),
             (nonc, ndview.view(bytearray(16))[::2], "B", [2**64])]
    for ref, ours, fmt, shape in cases:
        want = outcome(lambda: ref.cast(fmt, shape))
        got = outcome(lambda: ours.cast(fmt, shape))
        assert got is want, (fmt, shape, got, want)


# --- Geometry of view() -----------------------------------------------------------------------


def test_view_geometry_errors_as_numpy():
    with pytest.raises(ValueError) as want:
        np.frombuffer(bytes(15), "<i4")
    with pytest.raises(ValueError) as got:
        ndview.view(bytes(15), "<i")
    assert "multiple of element size" in str(got.value) and "multiple" in str(want.value)
    assert ndview.view(bytes(16), "<i").shape == np.frombuffer(bytes(16), "<i4").shape
    assert ndview.view(bytes(15), "<i", offset=3).shape == (3,)
    for kwargs in ({"shape": [-1]}, {"offset": -1}, {"offset": 16}):
        with pytest.raises(ValueError):
            ndview.view(bytes(15), "B", **kwargs)


# --- astype keeps the target's byte order -----------------------------------------------------


@pytest.mark.parametrize("fmt,dtype", [(">d", ">f8"), ("<d", "<f8"), (">e", ">f2"),
                                       (">i", ">i4"), ("!Q", ">u8"), ("d", "=f8")])
def test_astype_keeps_byte_order(fmt, dtype):
    a = np.array([1.5, -2.5, 3.0, 7000.0])
    want = a.astype(dtype) if dtype[-2] != "u" else a.clip(0).astype(dtype)
    got = np.asarray(ndview.astype(a if dtype[-2] != "u" else a.clip(0), fmt))
    assert got.dtype == np.dtype(dtype) and got.tobytes() == want.tobytes()
    out = np.zeros(4, dtype)
    assert ndview.astype(a if dtype[-2] != "u" else a.clip(0), fmt, out=out) is out
    assert out.tobytes() == want.tobytes()


def test_readonly_out_is_value_error_as_numpy():
    a = np.zeros(3)
    ro = np.zeros(3)
    ro.flags.writeable = False
    for np_fn, nd_fn in [(lambda: np.add(a, a, out=ro), lambda: ndview.add(a, a, out=ro)),
                         (lambda: np.copyto(ro, a), lambda: ndview.astype(a, "d", out=ro))]:
        assert outcome(np_fn) is ValueError
        assert outcome(nd_fn) is ValueError


# --- Pickling keeps writability ---------------------------------------------------------------


def test_pickle_keeps_writability_as_numpy():
    sources = [lambda: bytearray(8), lambda: bytes(8), lambda: np.arange(6.0)[::-2].copy(),
               lambda: np.arange(6.0)]
    for make, protocol, step in itertools.product(sources, range(2, 6), (1, 2)):
        src = make()
        v = ndview.view(src)[::step]
        back = pickle.loads(pickle.dumps(v, protocol))
        arr = np.asarray(src)[::step] if not isinstance(src, bytes) else np.frombuffer(src)
        np_back = pickle.loads(pickle.dumps(arr, protocol))
        assert back.readonly == v.readonly, (type(src), protocol, step)
        if not isinstance(src, bytes):
            assert back.readonly == (not np_back.flags.writeable)
        assert back.tolist() == v.tolist()


# --- Indices and files ------------------------------------------------------------------------


def test_unsupported_indices_are_index_errors():
    v = ndview.view(np.arange(6))
    for key in ([0], np.array([0, 1]), np.array([True] * 6), 1.5, "a"):
        with pytest.raises(IndexError):
            v[key]
    assert v[np.array(2)] == 2  # a 0-d integer array is an index (its __index__)


def test_map_file_errors_are_numpys_os_errors(tmp_path):
    missing = str(tmp_path / "missing.bin")
    with pytest.raises(FileNotFoundError) as got:
        ndview.map_file(missing, "d", [ndview.INFER] if hasattr(ndview, "INFER") else [1])
    with pytest.raises(FileNotFoundError) as want:
        np.memmap(missing, "f8", "r")
    assert got.value.errno == want.value.errno and got.value.filename == missing
    with pytest.raises(OSError) as got:  # NumPy: ENODEV from mmap; ndview: EISDIR
        ndview.map_file(str(tmp_path), "d", [1])
    assert got.value.errno is not None and got.value.filename == str(tmp_path)
    assert os.path.isdir(tmp_path)


# --- Python scalars in kernels: NumPy 2's weak scalars (NEP 50) -------------------------------


def test_python_scalars_promote_as_numpy():
    arrays = [np.array([5, -3, 0], "i4"), np.array([True, False, True]),
              np.array([1.5, -2.0, 0.25], "f4"), np.array([200, 3, 0], "u1"),
              np.array([1, 2, 3], "i1"), np.array([7, 0, 2**40], "<i8"),
              np.array([1, 2**63], "<u8"), np.array([0.5, -1.0], "f2")]
    scalars = [2, 2.0, 0.5, 2.5, 0.1, 1000, -1, 2**70, 127, 2**53 + 1, 2**63 - 1, 2**64 - 1,
               10**400, 1e300, True]
    ops = [(np.add, ndview.add), (np.subtract, ndview.subtract),
           (np.multiply, ndview.multiply), (np.divide, ndview.divide)]
    checked = 0
    for a, x, (np_op, nd_op) in itertools.product(arrays, scalars, ops):
        with np.errstate(all="ignore"):
            want = outcome(lambda: np_op(a, x))
        got = outcome(lambda: np.asarray(nd_op(a, x)))
        if isinstance(want, type):
            assert got is want, (a.dtype, x, np_op.__name__, got)
            continue
        assert not isinstance(got, type), (a.dtype, x, np_op.__name__, got, want)
        assert got.dtype == want.dtype, (a.dtype, x, np_op.__name__, got.dtype, want.dtype)
        assert got.tobytes() == want.tobytes(), (a.dtype, x, np_op.__name__, got, want)
        checked += 1
    assert checked > 200


def test_astype_wraps_integers_as_numpy():
    rng = np.random.default_rng(11)
    codes = {"b": "i1", "B": "u1", "h": "i2", "H": "u2", "i": "i4", "I": "u4", "q": "i8",
             "Q": "u8"}
    for src, dst in itertools.product(codes.values(), codes):
        info = np.iinfo(src)
        a = rng.integers(info.min, info.max, size=50, dtype=src, endpoint=True)
        got = np.asarray(ndview.astype(a, dst))
        assert got.tobytes() == a.astype(codes[dst]).tobytes(), (src, dst)


# --- ctypes' padded structures ----------------------------------------------------------------


def test_ctypes_padding_is_refused_not_misread():
    import ctypes

    class Padded(ctypes.Structure):
        _fields_ = [("a", ctypes.c_int), ("b", ctypes.c_double)]

    class Packed(ctypes.Structure):
        _fields_ = [("a", ctypes.c_int), ("b", ctypes.c_int)]

    items = (Padded * 2)()
    items[1].a, items[1].b = 5, 2.5
    assert memoryview(items).itemsize == 16  # ctypes' format says 12
    with pytest.raises(NotImplementedError):
        ndview.view(items)
    # With the layout written out, the fields read as NumPy reads them through ctypes.
    v = ndview.view(items, "T{<i:a:4x<d:b:}", [2])
    assert v.tolist()[1] == (5, 2.5)
    with pytest.warns(RuntimeWarning):  # NumPy sees the mismatch too, and asks ctypes
        assert np.asarray(items)[1].tolist() == (5, 2.5)
    fine = (Packed * 2)()
    fine[1].b = 7
    assert ndview.view(fine).tolist() == [(0, 0), (0, 7)]


def test_hash_as_memoryview():
    frozen = np.frombuffer(b"ab", "B")  # read-only, but an unhashable exporter
    assert outcome(lambda: hash(memoryview(frozen))) is TypeError
    assert outcome(lambda: hash(ndview.view(frozen))) is TypeError
    ref, ours = memoryview(b"abc"), ndview.view(b"abc")
    assert hash(ours) == hash(ref) == hash(b"abc")
    ref.release()
    ours.release()
    assert hash(ours) == hash(ref)  # the hash is kept after release, as memoryview keeps it
    fresh = ndview.view(b"xyz")
    fresh.release()
    assert outcome(lambda: hash(fresh)) is outcome(lambda: hash(_released_memoryview()))


def _released_memoryview():
    m = memoryview(b"xyz")
    m.release()
    return m


# --- Sums: NumPy's pairwise summation, bit for bit --------------------------------------------


def test_sums_are_numpys_bits():
    rng = np.random.default_rng(3118)
    checked = 0
    for dtype, n, step in itertools.product(["<f8", "<f4"], [0, 1, 7, 8, 9, 127, 128, 129, 1000,
                                                            8191, 8192, 8193, 30000, 100003],
                                            [1, 2, -1, -3]):
        base = (rng.standard_normal(n * abs(step)) * np.exp(rng.uniform(-20, 20, n * abs(step))))
        a = base.astype(dtype)[::step]
        # ndview returns a Python float; an f4 sum is accumulated in f4, so it converts exactly.
        got = np.array(ndview.sum(a), dtype=dtype)
        assert got.tobytes() == np.sum(a).tobytes(), (dtype, n, step)
        checked += 1
        if n and n % 7 == 0:
            m = a.copy().reshape(7, -1)
            got = np.asarray(ndview.sum(m, axis=-1))
            assert got.tobytes() == np.sum(m, axis=-1).tobytes(), (dtype, n, "axis -1")
    assert checked == 112


def test_sums_across_rows_are_numpys_bits():
    # Along an axis that is not the fastest in memory NumPy adds whole rows in index order;
    # tall and wide views, both float types, C and Fortran order (then axis 0 is pairwise).
    rng = np.random.default_rng(3119)
    for dtype, rows, cols, order in itertools.product(["<f8", "<f4"], [2, 9, 129, 1000, 5000],
                                                      [1, 3, 64], ["C", "F"]):
        a = np.asarray(rng.standard_normal((rows, cols)) * 1e3, dtype=dtype, order=order)
        for axis in (0, 1):
            got = np.asarray(ndview.sum(a, axis=axis))
            assert got.tobytes() == np.sum(a, axis=axis).tobytes(), (dtype, rows, cols, order, axis)


def _random_strided(rng, dtype):
    """A random 1- to 4-d view of random data: transposed, flipped, stepped, or with
    broadcast (stride 0) axes, as NumPy's iterator orders them for a reduction."""
    from numpy.lib.stride_tricks import as_strided
    ndim = int(rng.integers(1, 5))
    shape = [int(rng.integers(1, 9)) for _ in range(ndim)]
    shape[int(rng.integers(0, ndim))] = int(rng.integers(1, 400))
    base = (rng.standard_normal(int(np.prod(shape)) * 4) * np.exp(rng.uniform(-8, 8))).astype(dtype)
    a = base[: int(np.prod(shape))].reshape(shape)
    if rng.random() < 0.4:
        a = a.transpose(rng.permutation(ndim))
    if rng.random() < 0.3:
        a = np.flip(a, int(rng.integers(0, ndim)))
    if rng.random() < 0.3:
        k = int(rng.integers(0, ndim))
        a = a[(slice(None),) * k + (slice(None, None, 2),)]
    if rng.random() < 0.4:
        k = int(rng.integers(0, ndim))
        strides = list(a.strides)
        shape = list(a.shape)
        strides[k], shape[k] = 0, int(rng.integers(2, 300))
        a = as_strided(a, shape, strides, writeable=False)
    return a


def test_axis_sums_of_any_layout_are_numpys_bits():
    # NumPy sums a lane pairwise when its iterator makes the summed axis the innermost loop
    # (axes sorted by stride, zero strides not deciding, length-1 axes ignored), else adds
    # whole rows in order; f2 rounds to float16 after each row. ndview follows both orders.
    rng = np.random.default_rng(3120)
    checked = 0
    for _ in range(600):
        dtype = rng.choice(["<f8", "<f4", "<f2"])
        a = _random_strided(rng, dtype)
        axis = int(rng.integers(-a.ndim, a.ndim))
        got = np.asarray(ndview.sum(a, axis=axis))
        with np.errstate(over="ignore"):  # float16 sums may overflow to inf, in both
            want = np.sum(a, axis=axis)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want, equal_nan=True) and (
            got.tobytes() == want.tobytes() or np.isnan(want).any()
        ), (a.shape, a.strides, axis, dtype)
        checked += 1
    assert checked == 600


def test_contains_constructor_and_records_as_numpy():
    a = np.arange(6).reshape(2, 3)
    v = ndview.View(object=a)  # memoryview's keyword
    for x in (3, 7, 3.0, -1):
        assert (x in v) == (x in a), x
    assert (98 in ndview.view(b"abc")) == (98 in memoryview(b"abc"))
    # Sub-array elements are axes to NumPy: their items are searched too.
    sub = np.array([[1, 2], [3, 4]], dtype="<i4")
    subview = ndview.view(sub.tobytes(), "(2)<i")
    for x in (1, 4, 5):
        assert (x in subview) == (x in sub), x
    # The search stops at the first match, building no list: 2^40 broadcast zeros.
    big = ndview.view(b"\x00").broadcast_to((1 << 40,))
    assert 0 in big
    assert 0 in big[::-1]
    rec = np.zeros(3, dtype=[("x", "<f8")])
    with pytest.raises(TypeError):
        np.add(rec, rec)
    with pytest.raises(TypeError):
        ndview.add(rec, rec)
    assert np.asarray(ndview.add(rec["x"], rec["x"])).dtype == np.float64


def test_zero_d_views_assign_and_contain():
    a = ndview.view(bytearray(8), "i", [2])
    a[...] = ndview.view(bytearray(b"\x07\x00\x00\x00"), "@i", [])  # same type, "@" spelled
    assert a.tolist() == [7, 7]
    a[...] = ndview.view(bytearray(b"\x05\x00"), "<h", [])  # another type: its value
    assert a.tolist() == [5, 5]
    zero_d = np.array(5)
    assert (5 in ndview.view(zero_d)) == (5 in zero_d) and (4 in ndview.view(zero_d)) == (4 in zero_d)


def test_out_of_band_pickles_keep_the_buffers_writability():
    v = ndview.view(bytearray(range(8)))
    a = np.arange(8, dtype="u1")
    for make in (bytes, bytearray):
        bufs, np_bufs = [], []
        data = pickle.dumps(v, 5, buffer_callback=bufs.append)
        np_data = pickle.dumps(a, 5, buffer_callback=np_bufs.append)
        back = pickle.loads(data, buffers=[make(b.raw()) for b in bufs])
        np_back = pickle.loads(np_data, buffers=[make(b.raw()) for b in np_bufs])
        assert back.readonly == (not np_back.flags.writeable), make
        assert back.tolist() == list(range(8))
