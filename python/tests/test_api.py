"""memoryview's API and NumPy's shape operations and kernels, compared with both."""

import numpy as np
import pytest

import ndview


def test_memoryview_names():
    data = bytearray(range(24))
    m = memoryview(data).cast("i", [2, 3])
    v = ndview.view(data).cast("i", [2, 3])
    for name in ("format", "itemsize", "ndim", "shape", "strides", "nbytes", "readonly",
                 "c_contiguous", "f_contiguous", "contiguous", "suboffsets"):
        assert getattr(v, name) == getattr(m, name), name
    assert v.obj is data
    assert v.tolist() == m.tolist()
    for order in ("C", "F", "A", None):
        assert v.tobytes(order) == m.tobytes(order)
    b = memoryview(data)
    w = ndview.view(data)
    assert w.hex() == b.hex()
    for sep, n in [(":", 1), ("-", 2), (b"|", -3), (" ", 5)]:
        assert w.hex(sep, n) == b.hex(sep, n)
    assert v == m and not (v != m)
    assert len(v) == len(m)
    assert [x.tolist() for x in v] == m.tolist()
    assert hash(ndview.view(b"abc")) == hash(memoryview(b"abc"))
    with pytest.raises(ValueError):
        hash(w)
    with ndview.view(bytearray(4)) as c:
        c[0] = 7
    with pytest.raises(ValueError):
        c.tolist()


def test_setitem_and_slice_assignment():
    a = np.zeros((4, 5), dtype="<i4")
    v = ndview.view(a)
    v[1, 2] = 7
    v[2] = np.arange(5, dtype="<i4")
    v[:, 0] = 9
    v[3, ::2] = np.array([1, 2, 3], dtype="<i4")
    v[0, 1:] = np.array([5], dtype="<i4")  # broadcast
    ref = np.zeros((4, 5), dtype="<i4")
    ref[1, 2] = 7
    ref[2] = np.arange(5)
    ref[:, 0] = 9
    ref[3, ::2] = [1, 2, 3]
    ref[0, 1:] = 5
    assert (a == ref).all()
    v[...] = v[::-1]  # overlapping self-assignment reads everything first
    assert (a == ref[::-1]).all()
    with pytest.raises(ValueError):
        v[0] = np.zeros(5, dtype="<f8")  # formats differ
    with pytest.raises(ValueError):
        v[0] = np.zeros(3, dtype="<i4")  # shapes do not broadcast


SHAPE_OPS = [
    ("reshape", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6)),
    ("reshape-1", lambda x: x.reshape((-1, 3)), lambda x: x.reshape((-1, 3))),
    ("T", lambda x: x.T, lambda x: x.T),
    ("transpose", lambda x: x.transpose(1, 2, 0), lambda x: x.transpose(1, 2, 0)),
    ("transpose-neg", lambda x: x.transpose((-1, 0, 1)), lambda x: x.transpose((-1, 0, 1))),
    ("swapaxes", lambda x: x.swapaxes(0, 2), lambda x: x.swapaxes(0, 2)),
    ("flip", lambda x: x.flip(1), lambda x: np.flip(x, 1)),
    ("flip-all", lambda x: x.flip(), lambda x: np.flip(x)),
    ("squeeze", lambda x: x[:, :1].squeeze(), lambda x: x[:, :1].squeeze()),
    ("squeeze-axis", lambda x: x[:, :1].squeeze(1), lambda x: x[:, :1].squeeze(1)),
    ("expand", lambda x: x.expand_dims(1), lambda x: np.expand_dims(x, 1)),
    ("expand-neg", lambda x: x.expand_dims((-1, 0)), lambda x: np.expand_dims(x, (-1, 0))),
    ("broadcast", lambda x: x[0].broadcast_to(5, 3, 4),
     lambda x: np.broadcast_to(x[0], (5, 3, 4))),
    ("diagonal", lambda x: x.diagonal(), lambda x: x.diagonal()),
    ("diagonal-off", lambda x: x.diagonal(1, 1, 2), lambda x: x.diagonal(1, 1, 2)),
    ("view", lambda x: x.view("<h"), lambda x: x.view("<i2")),
    ("view-wide", lambda x: x.view("<q"), lambda x: x.view("<i8")),
]


@pytest.mark.parametrize("name,f,g", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
@pytest.mark.parametrize("layout", ["C", "F", "rev"])
def test_shape_ops_vs_numpy(name, f, g, layout):
    a = np.arange(24, dtype="<i4").reshape(2, 3, 4)
    if layout == "F":
        a = np.asfortranarray(a)
    elif layout == "rev":
        a = a[::-1, :, ::-1]
    try:
        ref = g(a)
    except (ValueError, TypeError) as e:
        with pytest.raises(type(e)):
            f(ndview.view(a))
        return
    if not np.shares_memory(ref, a):
        # NumPy copied (a reshape that strides cannot express); ndview makes views only.
        with pytest.raises(ValueError):
            f(ndview.view(a))
        return
    got = f(ndview.view(a))
    assert got.shape == ref.shape
    assert got.strides == ref.strides
    assert got.tolist() == ref.tolist()
    out = np.asarray(got)
    assert np.shares_memory(out, a)
    if name == "broadcast":
        assert got.readonly


def test_field_and_records():
    a = np.zeros(4, dtype=[("a", "<i4"), ("b", ">f8"), ("c", "S3")])
    a["a"] = [1, 2, 3, 4]
    a["b"] = [0.5, 1.5, 2.5, 3.5]
    v = ndview.view(a)
    assert v.field("a").tolist() == [1, 2, 3, 4]
    assert v.field("b").tolist() == [0.5, 1.5, 2.5, 3.5]
    assert np.asarray(v.field("b")).dtype == np.dtype(">f8")
    v.field("a")[0] = 10
    assert a["a"][0] == 10
    assert np.asarray(v).dtype == a.dtype


def random_operands(rng, dtype):
    shape = tuple(int(x) for x in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    a = (rng.random(shape) * 100 - 50).astype(dtype)
    bshape = tuple(1 if rng.random() < 0.3 else d for d in shape[int(rng.integers(0, 2)):])
    b = np.asarray(rng.random(bshape) * 100 - 50).astype(dtype)
    b = np.where(b == 0, 1, b).astype(dtype)
    if a.ndim >= 2 and rng.random() < 0.5:
        a = np.ascontiguousarray(a.swapaxes(0, -1)).swapaxes(0, -1)
    if rng.random() < 0.3:
        a = a[..., ::-1]
    return a, b


KERNELS = [
    (ndview.add, np.add), (ndview.subtract, np.subtract),
    (ndview.multiply, np.multiply), (ndview.divide, np.divide),
]


def test_binary_kernels_vs_numpy(rng):
    n = 0
    for _ in range(400):
        dtype = rng.choice(["<i4", "<i8", "<f4", "<f8", ">f8", "<u2", "<i1"])
        a, b = random_operands(rng, dtype)
        for ours, theirs in KERNELS:
            if theirs is np.divide and np.dtype(dtype).kind in "iu":
                ref = a.astype("f8") / b.astype("f8")
            else:
                with np.errstate(all="ignore"):
                    ref = theirs(a, b)
            got = np.asarray(ours(a, b))
            assert got.shape == ref.shape
            assert got.dtype.newbyteorder("=") == ref.dtype.newbyteorder("=") or \
                got.dtype.kind == ref.dtype.kind
            np.testing.assert_allclose(got.astype(ref.dtype), ref, rtol=1e-6)
            n += 1
    assert n == 1600


def test_out_and_scalars():
    a = np.arange(12, dtype="<f8").reshape(3, 4)
    out = np.empty_like(a)
    r = ndview.add(a, a[0], out=out)
    assert r is out and (out == a + a[0]).all()
    assert (np.asarray(ndview.multiply(a, 2.0)) == a * 2).all()
    assert (np.asarray(ndview.subtract(a, 1.0)) == a - 1).all()
    with pytest.raises(TypeError):
        ndview.add(a, a.astype("<f4"))


def test_copy_astype_reductions(rng):
    for _ in range(200):
        dtype = rng.choice(["<i2", "<i4", "<u1", "<f4", "<f8", "<f2", ">i4"])
        shape = tuple(int(x) for x in rng.integers(1, 7, size=int(rng.integers(1, 4))))
        a = (rng.random(shape) * 200 - 100).astype(dtype)
        if a.ndim >= 2:
            a = a.swapaxes(0, -1)
        for order in "CFA":
            c = np.asarray(ndview.copy(a, order))
            assert (c == a).all()
            assert c.flags.c_contiguous if order == "C" else True
            assert c.flags.f_contiguous if order == "F" else True
        for target, dt in [("<f", "<f4"), ("d", "<f8"), ("<q", "<i8"), ("e", "<f2")]:
            got = np.asarray(ndview.astype(a, target))
            assert got.tolist() == a.astype(dt).tolist()
        s = ndview.sum(a)
        if a.dtype.kind in "iu":
            assert s == int(a.sum())
        else:
            assert s == pytest.approx(float(a.astype("f8").sum()), rel=1e-3, abs=1e-2)
        assert ndview.min(a) == a.min() and ndview.max(a) == a.max()
        for axis in range(a.ndim):
            got = np.asarray(ndview.max(a, axis=axis))
            assert (got == a.max(axis=axis)).all()
            got = np.asarray(ndview.sum(a, axis=axis))
            if a.dtype.kind == "f":
                # NumPy's bits, float16 rounded after each row as NumPy rounds it.
                assert got.tobytes() == a.sum(axis=axis).astype(got.dtype).tobytes()
            else:
                assert (got == a.sum(axis=axis)).all()
            # The result's dtype is NumPy's for the same input dtype (int64 for integers).
            want_kind = a.sum(axis=axis).dtype
            assert got.dtype.kind == want_kind.kind and got.dtype.itemsize == want_kind.itemsize
    with pytest.raises(ValueError):
        ndview.min(np.zeros(0))
    z = np.zeros((3, 4), dtype="<i4")[:, ::2]
    ndview.fill(z, 5)
    assert (z == 5).all()
    ndview.view(z).fill(7)
    assert (z == 7).all()


def test_axis_errors_like_numpy():
    a = np.zeros((2, 3))
    v = ndview.view(a)
    pairs = [
        (lambda x: x.swapaxes(0, 5), lambda x: x.swapaxes(0, 5)),
        (lambda x: x.transpose(0, 7), lambda x: x.transpose(0, 7)),
        (lambda x: x.squeeze(4), lambda x: x.squeeze(4)),
        (lambda x: x.expand_dims(9), lambda x: np.expand_dims(x, 9)),
        (lambda x: x.flip(3), lambda x: np.flip(x, 3)),
        (lambda x: x.diagonal(0, 0, 4), lambda x: x.diagonal(0, 0, 4)),
    ]
    for ours, theirs in pairs:
        with pytest.raises(np.exceptions.AxisError):
            theirs(a)
        with pytest.raises(ndview.AxisError) as e:
            ours(v)
        assert isinstance(e.value, ValueError) and isinstance(e.value, IndexError)
