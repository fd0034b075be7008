"""Pickling of ndview.View: out-of-band PickleBuffers (protocol 5) for contiguous views."""

import pickle


def _rebuild(data, format, shape, order, readonly, copied=False):
    """A view of `data` with the pickled geometry. `data` is the view's buffer (a
    PickleBuffer's, in-band or out-of-band: its own writability is kept, as NumPy keeps it), or,
    when `copied`, a bytes copy of the elements, which a writable view copies again into a
    bytearray (as NumPy unpickles writable arrays)."""
    from ._ndview import view

    itemsize = view(b"", format, [0]).itemsize
    strides = [0] * len(shape)
    step = itemsize
    axes = range(len(shape)) if order == "F" else range(len(shape) - 1, -1, -1)
    for a in axes:
        strides[a] = step
        step *= shape[a] if shape[a] > 1 else 1
    if isinstance(data, pickle.PickleBuffer):
        data = data.raw()
    if copied and not readonly and memoryview(data).readonly:
        data = bytearray(data)
    v = view(data, format, list(shape), strides, 0)
    return v.toreadonly() if readonly else v


def reduce_view(v, protocol):
    """`__reduce_ex__` of an ndview.View."""
    if protocol >= 5 and v.contiguous:
        order = "C" if v.c_contiguous else "F"
        return _rebuild, (pickle.PickleBuffer(v), v.format, v.shape, order, v.readonly)
    return _rebuild, (v.tobytes("C"), v.format, v.shape, "C", v.readonly, True)
