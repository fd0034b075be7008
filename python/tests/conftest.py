"""Shared helpers for the ndview Python tests."""

import numpy as np
import pytest

# Formats memoryview and NumPy both understand, with their NumPy dtypes.
NATIVE = {
    "b": "i1", "B": "u1", "h": "i2", "H": "u2", "i": "i4", "I": "u4",
    "q": "i8", "Q": "u8", "f": "f4", "d": "f8", "e": "f2", "?": "?",
}

# Formats only NumPy (and ndview) understand, with their dtypes.
EXTRA = {
    "<i": "<i4", ">i": ">i4", ">h": ">i2", "<d": "<f8", ">d": ">f8", ">f": ">f4",
    "Zf": "c8", "Zd": "c16", "3s": "S3",
}


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
