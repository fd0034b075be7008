"""np.asarray(ndview.view(a)) for random NumPy arrays: same values, same memory, no copy."""

import numpy as np
import pytest

import ndview

DTYPES = [
    "u1", "i1", "<i2", ">i2", "<u4", ">i4", "<i8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8",
    ">f8", "c8", ">c16", "?", "S3",
    np.dtype([("a", "<i4"), ("b", "<f8")]),
    np.dtype([("a", ">i2"), ("b", "u1", (2,)), ("c", "<f4")]),
    np.dtype({"names": ["x", "y"], "formats": ["<i4", "<i4"], "offsets": [0, 8], "itemsize": 16}),
]


def random_array(rng, dtype):
    ndim = int(rng.integers(0, 5))
    shape = tuple(int(x) for x in rng.integers(0, 5, size=ndim))
    base_shape = tuple(s * 2 + 1 for s in shape)
    dt = np.dtype(dtype)
    raw = rng.integers(0, 256, size=int(np.prod(base_shape, dtype=np.int64)) * dt.itemsize,
                       dtype=np.uint8)
    base = raw.view(dt).reshape(base_shape) if base_shape else raw.view(dt).reshape(())
    key = []
    for s in shape:
        step = int(rng.choice([1, 2, -1, -2]))
        if step > 0:
            key.append(slice(0, s * step, step))
        else:
            start = s * 2 if s else 0
            key.append(slice(start, None if s * -step > start else start - s * -step, step))
    a = base[tuple(key)] if key else base[...]
    if ndim >= 2 and rng.random() < 0.3:
        a = a.transpose(tuple(rng.permutation(ndim)))
    if rng.random() < 0.2:
        a.flags.writeable = False
    return a


def same(a, b):
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def test_random_roundtrips(rng):
    n = 0
    for _ in range(1500):
        dt = DTYPES[int(rng.integers(0, len(DTYPES)))]
        a = random_array(rng, dt)
        v = ndview.view(a)
        assert v.shape == a.shape
        assert v.strides == memoryview(a).strides
        assert v.readonly == (not a.flags.writeable)
        try:
            np.asarray(memoryview(a))
        except RuntimeError:
            # NumPy cannot read back its own padded-record format; memoryview fails the same.
            with pytest.raises(RuntimeError):
                np.asarray(v)
            continue
        b = np.asarray(v)
        same(a, b)
        if a.size:
            assert np.shares_memory(a, b)
        assert b.flags.writeable == a.flags.writeable
        m = memoryview(v)
        assert m.shape == a.shape and m.strides == memoryview(a).strides
        assert m.tobytes() == a.tobytes()
        n += 1
    assert n > 1300


def test_writes_both_directions():
    s = bytearray(b"abcdef")
    t = ndview.view(s)[1:]
    s[1] = 5
    assert t[0] == 5
    t[1] = 7
    assert s[2] == 7
    a = np.zeros((3, 4), dtype="<f8")
    v = ndview.view(a)
    np.asarray(v)[1, 2] = 3.5
    assert a[1, 2] == 3.5 and v[1, 2] == 3.5
    memoryview(v)[2, 3] = 9.0
    assert a[2, 3] == 9.0
    v.T[0, 1] = 4.0
    assert a[1, 0] == 4.0


@pytest.mark.parametrize("make", [
    lambda: b"hello",
    lambda: bytearray(b"hello"),
    lambda: __import__("array").array("d", [1.0, 2.0, 3.0]),
    lambda: memoryview(bytearray(range(12))).cast("i", [3]),
])
def test_exporters(make):
    obj = make()
    v = ndview.view(obj)
    m = memoryview(obj)
    assert v.tolist() == m.tolist()
    assert v.readonly == m.readonly
    assert v.format == m.format
    assert v.obj is obj


def test_mmap(tmp_path):
    import mmap
    p = tmp_path / "f.bin"
    p.write_bytes(bytes(range(16)))
    with open(p, "r+b") as f:
        mm = mmap.mmap(f.fileno(), 16)
        v = ndview.view(mm, "<I")
        assert v.tolist() == np.frombuffer(bytes(range(16)), "<u4").tolist()
        v[0] = 0xFFFFFFFF
        assert mm[:4] == b"\xff\xff\xff\xff"
        v.release()
        del v
        mm.close()


def test_zero_d_and_empty():
    a = np.array(3.5)
    v = ndview.view(a)
    assert v.shape == () and v.ndim == 0
    assert v[()] == 3.5
    assert isinstance(v[...], ndview.View)
    assert np.asarray(v).shape == ()
    e = np.zeros((0, 3), "<i2")
    v = ndview.view(e)
    assert v.shape == (0, 3) and v.tolist() == [] and np.asarray(v).shape == (0, 3)
