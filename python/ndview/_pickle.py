"""Pickling of ndview.View: out-of-band PickleBuffers (protocol 5) for contiguous views."""

import pickle


def _rebuild(data, format, shape, order, readonly):
    """A view of `data` (bytes, or the buffer of a PickleBuffer) with the pickled geometry."""
    from ._ndview import view

    itemsize = view(b"", format, [0]).itemsize
    strides = [0] * len(shape)
    step = itemsize
    axes = range(len(shape)) if order == "F" else range(len(shape) - 1, -1, -1)
    for a in axes:
        strides[a] = step
        step *= shape[a] if shape[a] > 1 else 1
    out_of_band = isinstance(data, pickle.PickleBuffer)
    if out_of_band:
        data = data.raw()
    if not readonly and not out_of_band and memoryview(data).readonly:
        # Pickled writable in-band (protocol 4 and below carry bytes): a writable copy, as
        # NumPy. A read-only out-of-band buffer stays the memory of a read-only view, as
        # NumPy's array of it is read-only.
        data = bytearray(data)
    v = view(data, format, list(shape), strides, 0)
    return v.toreadonly() if readonly else v


def reduce_view(v, protocol):
    """`__reduce_ex__` of an ndview.View."""
    if protocol >= 5 and v.contiguous:
        order = "C" if v.c_contiguous else "F"
        return _rebuild, (pickle.PickleBuffer(v), v.format, v.shape, order, v.readonly)
    return _rebuild, (v.tobytes("C"), v.format, v.shape, "C", v.readonly)
