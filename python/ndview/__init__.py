"""ndview: memoryview made NumPy-expressive.

Strided views over any Python buffer (bytes, bytearray, array.array, mmap, memoryview,
NumPy arrays) with memoryview's API, NumPy's indexing and shape operations, zero-copy
exchange with NumPy through the buffer protocol, and parallel kernels that release the GIL.
"""



class AxisError(ValueError, IndexError):
    """An axis argument out of range (NumPy's ``numpy.exceptions.AxisError``)."""


from ._ndview import (  # noqa: E402
    View,
    add,
    astype,
    copy,
    divide,
    fill,
    from_dlpack,
    frombuffer,
    map_file,
    max,
    min,
    multiply,
    subtract,
    sum,
    view,
)

__all__ = [
    "AxisError",
    "View",
    "add",
    "astype",
    "copy",
    "divide",
    "fill",
    "from_dlpack",
    "frombuffer",
    "map_file",
    "max",
    "min",
    "multiply",
    "subtract",
    "sum",
    "view",
]
