"""Pickle protocol 5: contiguous views go out-of-band."""

import pickle

import numpy as np

import ndview


def test_pickle_out_of_band():
    a = np.arange(12, dtype="<i4").reshape(3, 4)
    v = ndview.view(a)
    buffers = []
    data = pickle.dumps(v, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1
    w = pickle.loads(data, buffers=buffers)
    assert w.tolist() == v.tolist() and w.format == v.format
    f = ndview.view(np.asfortranarray(a))
    w = pickle.loads(pickle.dumps(f, protocol=5))
    assert w.tolist() == f.tolist() and w.f_contiguous


def test_pickle_in_band():
    a = np.arange(12, dtype=">f8").reshape(3, 4)[:, ::2]
    v = ndview.view(a)
    for proto in (2, 4, 5):
        w = pickle.loads(pickle.dumps(v, protocol=proto))
        assert w.tolist() == v.tolist() and w.shape == v.shape and w.format == ">d"


def _double(v):
    return ndview.multiply(v, 2.0)


def test_process_pool_roundtrip():
    import concurrent.futures
    import multiprocessing

    a = np.arange(10.0)
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as ex:
        got = ex.submit(_double, ndview.view(a)).result()
    assert got.tolist() == (a * 2).tolist()
