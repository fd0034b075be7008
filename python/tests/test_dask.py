"""ndview kernels as Dask block functions on a real LocalCluster of worker processes.

The block functions are the example's (python/examples/dask_pipeline.py). One cluster of two
worker processes on 127.0.0.1 serves the whole module and is closed at its end.
"""

import os
import pickle
import sys

import numpy as np
import pytest

import dask.array as da
import zarr
from dask.distributed import Client
from distributed.protocol.serialize import deserialize, serialize

import ndview

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples"))
import dask_pipeline as dp  # noqa: E402


def address(buf):
    """The address of the first element of any buffer (through NumPy, which does not copy)."""
    return np.asarray(buf).__array_interface__["data"][0]


def owning_view(a):
    """The ndview.View at the bottom of a NumPy array's chain of bases, or None."""
    seen = a
    while seen is not None:
        if isinstance(seen, ndview.View):
            return seen
        seen = getattr(seen, "base", None) if not isinstance(seen, memoryview) else seen.obj
    return None


@pytest.fixture(scope="module")
def client():
    cluster = dp.local_cluster(workers=2, threads=1)
    c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


# --- Block functions, locally ----------------------------------------------------------------

BLOCK_CASES = [
    ("transpose", np.arange(35, dtype=np.uint16).reshape(5, 7)),
    ("transpose", np.arange(35, dtype=np.float32).reshape(7, 5)[::2, ::-1]),
    ("astype", np.arange(40000, 40035, dtype=np.uint16).reshape(5, 7)),
    ("astype", np.arange(35, dtype=np.uint16).reshape(5, 7).T),
    ("stencil", np.random.default_rng(1).random((9, 6), dtype=np.float32)),
    ("stencil", np.random.default_rng(2).random((6, 9), dtype=np.float32).T),
]


@pytest.mark.parametrize("name, block", BLOCK_CASES)
def test_block_function_equals_numpy(name, block):
    got = dp.NDVIEW[name](block)
    want = dp.NUMPY[name](block)
    assert isinstance(got, np.ndarray)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.flags.c_contiguous
    # Bit for bit: the same IEEE operations in the same order.
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("name, block", BLOCK_CASES)
def test_block_function_result_is_the_ndview_result(name, block):
    # np.asarray(result) does not copy: the array's memory is the ndview result's, kept alive
    # through the buffer export.
    got = dp.NDVIEW[name](block)
    owner = owning_view(got)
    assert owner is not None, "the returned array does not rest on an ndview result"
    assert address(owner) == got.ctypes.data and owner.nbytes == got.nbytes
    got.flat[0] = 123
    assert owner.tolist()[0][0] == 123


def test_blocks_are_wrapped_without_copy():
    block = np.zeros((4, 6), np.float32)
    v = ndview.view(block).T
    block[1, 2] = 7.5
    assert v[2, 1] == 7.5
    assert address(ndview.view(block)) == block.ctypes.data


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), (1,), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_block_function(axis, keepdims):
    a = np.random.default_rng(3).random((13, 11), dtype=np.float32)
    got = dp.nd_sum(a, axis=axis, keepdims=keepdims)
    want = np.sum(a, axis=axis, dtype=np.float64, keepdims=keepdims)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_sum_block_function_3d_integers():
    a = np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4) * 1000
    for axis in [(0, 2), (1,), (0, 1, 2)]:
        got = dp.nd_sum(a, axis=axis, keepdims=True)
        want = np.sum(a, axis=axis, dtype=np.float64, keepdims=True)
        assert got.shape == want.shape and np.array_equal(got, want)


# --- Pickle protocol 5: out-of-band, not copied ------------------------------------------------


@pytest.mark.parametrize("order", ["C", "F"])
def test_pickle5_buffer_is_the_views_memory(order):
    a = np.asarray(np.arange(24, dtype=np.float64).reshape(4, 6), order=order)
    v = ndview.view(a)
    buffers = []
    data = pickle.dumps(v, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and len(data) < 200  # the elements are not in the pickle
    assert address(buffers[0].raw()) == a.ctypes.data
    w = pickle.loads(data, buffers=buffers)
    # The unpickled view reads the received buffer in place.
    assert address(w) == a.ctypes.data
    assert w.tolist() == v.tolist() and w.c_contiguous == (order == "C")


def test_pickle5_strided_view_goes_in_band():
    v = ndview.view(np.arange(24.0).reshape(4, 6))[:, ::2]
    buffers = []
    data = pickle.dumps(v, protocol=5, buffer_callback=buffers.append)
    assert buffers == [] and len(data) > v.nbytes
    assert pickle.loads(data).tolist() == v.tolist()


@pytest.mark.parametrize("order", ["C", "F"])
def test_distributed_serialize_frames_are_not_copied(order):
    # Dask's own serialization (what its comms send between processes): a header, the pickle in
    # frame 0, and the view's memory itself as the next frame.
    a = np.asarray(np.arange(1000, dtype=np.float32).reshape(25, 40), order=order)
    v = ndview.view(a)
    header, frames = serialize(v)
    assert header["serializer"] == "pickle"
    assert len(frames) == 2 and len(frames[0]) < 200
    assert address(frames[1]) == a.ctypes.data and memoryview(frames[1]).nbytes == a.nbytes
    w = deserialize(header, frames)
    assert isinstance(w, ndview.View) and address(w) == a.ctypes.data
    assert w.tolist() == v.tolist()


def test_distributed_serialize_block_results_not_copied():
    # What the block functions return: NumPy arrays over ndview results, sent as raw frames.
    out = dp.nd_transpose(np.arange(600, dtype=np.uint16).reshape(20, 30))
    header, frames = serialize(out)
    data = [f for f in frames if memoryview(f).nbytes == out.nbytes]
    assert len(data) == 1 and address(data[0]) == out.ctypes.data
    back = deserialize(header, frames)
    assert np.array_equal(back, out) and back.ctypes.data == out.ctypes.data


# --- On the cluster ---------------------------------------------------------------------------


def _make_view(n):
    return ndview.copy(ndview.view(np.arange(n, dtype=np.int32).reshape(-1, 4)).T)


def _make_strided(n):
    return ndview.view(np.arange(n, dtype=np.int32).reshape(-1, 4))[:, ::2]


def _inspect(v):
    # What the receiving worker got: a view over the frame it received (a memoryview) when the
    # view went out-of-band, over a bytearray when it went in the pickle (a writable view is
    # rebuilt writable, over a copy of the pickled bytes, as NumPy's arrays are).
    return type(v).__name__, type(v.obj).__name__, sum(ndview.sum(v, axis=0).tolist())


def test_views_cross_worker_processes_out_of_band(client):
    workers = sorted(client.scheduler_info()["workers"])
    assert len(workers) == 2
    pids = client.run(os.getpid)
    assert len(set(pids.values()) | {os.getpid()}) == 3  # separate processes
    n = 4000
    made = client.submit(_make_view, n, workers=workers[:1], pure=False)
    seen = client.submit(_inspect, made, workers=workers[1:], pure=False).result()
    assert seen == ("View", "memoryview", n * (n - 1) // 2)
    made = client.submit(_make_strided, n, workers=workers[:1], pure=False)
    seen = client.submit(_inspect, made, workers=workers[1:], pure=False).result()
    assert seen[:2] == ("View", "bytearray")
    back = made.result()
    assert isinstance(back, ndview.View) and back.tolist() == _make_strided(n).tolist()


def test_pipeline_zarr_round_trip_equals_numpy(client, tmp_path):
    rng = np.random.default_rng(7)
    image = rng.integers(0, 4096, size=(70, 90), dtype=np.uint16)
    src = str(tmp_path / "raw.zarr")
    z = zarr.create_array(store=src, shape=image.shape, chunks=(32, 25), dtype="uint16",
                          zarr_format=3)
    z[...] = image
    prof = dp.run(client, src, str(tmp_path / "nd.zarr"), dp.NDVIEW)
    prof_np = dp.run(client, src, str(tmp_path / "np.zarr"), dp.NUMPY)
    got = zarr.open_array(str(tmp_path / "nd.zarr"), mode="r")
    want = zarr.open_array(str(tmp_path / "np.zarr"), mode="r")
    assert got.metadata.zarr_format == 3
    assert got.shape == (90, 70) and got.dtype == np.float32 and got.chunks == (25, 32)
    assert got[...].tobytes() == want[...].tobytes()
    smooth, profile = dp.reference(image)
    assert got[...].tobytes() == smooth.tobytes()
    np.testing.assert_allclose(prof, prof_np, rtol=1e-12)
    np.testing.assert_allclose(prof, profile, rtol=1e-12)
    assert dp.same_stores(str(tmp_path / "nd.zarr"), str(tmp_path / "np.zarr"))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reduction_on_cluster(client, axis):
    a = np.random.default_rng(11).random((60, 50), dtype=np.float32)
    x = da.from_array(a, chunks=((10, 20, 30), (7, 13, 30)))
    s = da.reduction(x, dp.nd_sum, dp.nd_sum, axis=axis, dtype=np.float64, split_every=2,
                     meta=np.empty((0,) * (1 if axis is not None else 0), np.float64))
    got = client.compute(s).result()
    np.testing.assert_allclose(got, np.sum(a, axis=axis, dtype=np.float64), rtol=1e-13)
