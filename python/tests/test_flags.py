"""Every request-flag combination, ndview.View against memoryview as the reference exporter."""

import ctypes
import itertools

import numpy as np
import pytest

import ndview


class PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
        ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
        ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
        ("internal", ctypes.c_void_p),
    ]


get_buffer = ctypes.pythonapi.PyObject_GetBuffer
get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
get_buffer.restype = ctypes.c_int
release_buffer = ctypes.pythonapi.PyBuffer_Release
release_buffer.argtypes = [ctypes.POINTER(PyBuffer)]
release_buffer.restype = None

WRITABLE, FORMAT, ND, STRIDES = 0x1, 0x4, 0x8, 0x18
SHAPES = {"SIMPLE": 0, "ND": ND, "STRIDES": STRIDES, "C": 0x38, "F": 0x58, "ANY": 0x98,
          "INDIRECT": 0x118}
FLAGS = [
    (f"{name}{'|W' if w else ''}{'|FMT' if f else ''}", bits | (WRITABLE if w else 0) |
     (FORMAT if f else 0))
    for (name, bits), w, f in itertools.product(SHAPES.items(), [False, True], [False, True])
]


def request(obj, flags):
    """The exported fields, or the exception class."""
    b = PyBuffer()
    try:
        get_buffer(obj, ctypes.byref(b), flags)
    except Exception as e:  # noqa: BLE001 - the class is the result
        return type(e)
    try:
        ndim = b.ndim
        shape = None if not b.shape else tuple(b.shape[i] for i in range(ndim))
        strides = None if not b.strides else tuple(b.strides[i] for i in range(ndim))
        return dict(len=b.len, itemsize=b.itemsize, readonly=b.readonly, ndim=ndim,
                    format=b.format, shape=shape, strides=strides, buf=b.buf)
    finally:
        release_buffer(ctypes.byref(b))


def arrays():
    base = np.arange(2 * 3 * 4, dtype="<i4").reshape(2, 3, 4)
    ro = base.copy()
    ro.flags.writeable = False
    yield "C", base
    yield "F", np.asfortranarray(base)
    yield "strided", base[:, ::2, ::-1]
    yield "readonly", ro
    yield "0-d", np.array(5, dtype="<f8")
    yield "bytes", np.frombuffer(b"abcdef", dtype="u1")
    yield "empty", np.zeros((0, 3), dtype="u2")
    yield "records", np.zeros(3, dtype=[("a", "<i2"), ("b", ">f8")])
    yield "len1", base[:, :1, :1]


CASES = [(n, a, f, fl) for n, a in arrays() for f, fl in FLAGS]


@pytest.mark.parametrize("name,a,fname,flags", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_flags_like_memoryview(name, a, fname, flags):
    ref = request(memoryview(a), flags)
    got = request(ndview.view(a), flags)
    if isinstance(ref, type):
        assert got is ref, (ref, got)
        return
    assert isinstance(got, dict), got
    if ref["shape"] is None or got["shape"] is None:
        # Without ND both give ndim 1 and no shape; a 0-d memoryview may still pass its shape.
        assert ref["shape"] == got["shape"] or ref["ndim"] == 0
    for key in ("len", "itemsize", "readonly", "format", "strides", "buf"):
        if key == "strides" and a.size == 0:
            continue
        assert ref[key] == got[key], (key, ref[key], got[key])
    assert ref["ndim"] == got["ndim"]


def test_release_refused_while_exported():
    v = ndview.view(bytearray(8))
    m = memoryview(v)
    with pytest.raises(BufferError):
        v.release()
    m.release()
    v.release()
    with pytest.raises(ValueError):
        v.tolist()
    with pytest.raises(ValueError):
        memoryview(v)
