"""DLPack both ways with NumPy: zero-copy, read-only flag, clear refusals."""

import gc

import numpy as np
import pytest

import ndview


@pytest.mark.parametrize("dtype", ["i1", "u2", "<i4", "<u8", "<f2", "<f4", "<f8", "c8", "c16",
                                   "?"])
def test_numpy_from_dlpack(dtype):
    a = np.arange(24).astype(dtype).reshape(2, 3, 4)[:, ::-1, ::2]
    v = ndview.view(a)
    assert v.__dlpack_device__() == (1, 0)
    b = np.from_dlpack(v)
    assert b.dtype == a.dtype and b.shape == a.shape and (b == a).all()
    assert np.shares_memory(a, b)
    c = ndview.from_dlpack(a)
    assert c.shape == a.shape and c.strides == a.strides and c.tolist() == a.tolist()
    assert np.shares_memory(np.asarray(c), a)


def test_readonly_flag():
    a = np.arange(6.0)
    a.flags.writeable = False
    b = np.from_dlpack(ndview.view(a))
    assert not b.flags.writeable
    v = ndview.from_dlpack(a)
    assert v.readonly
    w = ndview.from_dlpack(np.arange(3.0))
    w[0] = 5.0
    assert not w.readonly


def test_refusals():
    with pytest.raises(BufferError, match="byte order"):
        np.from_dlpack(ndview.view(np.arange(3, dtype=">i4")))
    with pytest.raises(BufferError, match="records"):
        np.from_dlpack(ndview.view(np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")])))
    with pytest.raises(BufferError, match="multiple"):
        np.from_dlpack(ndview.view(b"abcdefgh", "<h", [3], [3]))


def test_lifetime():
    a = np.arange(1000.0)
    v = ndview.from_dlpack(a)
    del a
    gc.collect()
    assert v[999] == 999.0
    b = np.from_dlpack(ndview.add(np.ones(4), np.ones(4)))
    gc.collect()
    assert (b == 2).all()
    for _ in range(200):  # capsules never consumed are deleted by their destructor
        ndview.view(np.arange(3.0)).__dlpack__(max_version=(1, 0))
    gc.collect()
