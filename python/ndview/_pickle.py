"""Pickling of ndview.View: out-of-band PickleBuffers (protocol 5) for contiguous views."""

import pickle


def _rebuild(data, format, shape, order, readonly):
    from ._ndview import view

    import sys

    itemsize = view(b"\0" * 64, format, [0]).itemsize
    strides = []
    step = itemsize
    axes = range(len(shape)) if order == "F" else range(len(shape) - 1, -1, -1)
    strides = [0] * len(shape)
    for a in axes:
        strides[a] = step
        step *= builtins_max(shape[a], 1)
    if isinstance(data, pickle.PickleBuffer):
        data = data.raw()
    v = view(data, format, list(shape), strides, 0)
    del sys
    return v


def builtins_max(a, b):
    return a if a > b else b


def reduce_view(v, protocol):
    """`__reduce_ex__` of an ndview.View."""
    if protocol >= 5 and v.contiguous:
        order = "C" if v.c_contiguous else "F"
        return _rebuild, (pickle.PickleBuffer(v), v.format, v.shape, order, v.readonly)
    return _rebuild, (v.tobytes("C"), v.format, v.shape, "C", v.readonly)
