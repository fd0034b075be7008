"""ndview: memoryview made NumPy-expressive.

Strided views over any Python buffer (bytes, bytearray, array.array, mmap, memoryview,
NumPy arrays) with memoryview's API, NumPy's indexing and shape operations, zero-copy
exchange with NumPy through the buffer protocol, and parallel kernels that release the GIL.
"""

from ._ndview import (
    View,
    add,
    astype,
    copy,
    divide,
    fill,
    from_dlpack,
    frombuffer,
    max,
    min,
    multiply,
    subtract,
    sum,
    view,
)

__all__ = [
    "View",
    "add",
    "astype",
    "copy",
    "divide",
    "fill",
    "from_dlpack",
    "frombuffer",
    "max",
    "min",
    "multiply",
    "subtract",
    "sum",
    "view",
]
