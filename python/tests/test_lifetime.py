"""Soundness from Python: exporters deleted while viewed, resizes refused, releases refused
while exported, threads running kernels on shared arrays."""

import gc
import threading
import weakref

import numpy as np
import pytest

import ndview


def test_exporter_deleted_while_viewed():
    a = np.arange(1000, dtype="<f8")
    r = weakref.ref(a)
    v = ndview.view(a)[::3]
    del a
    gc.collect()
    assert r() is not None  # the held buffer keeps the array alive
    assert v[1] == 3.0
    del v
    gc.collect()
    assert r() is None  # released exactly once: the array goes away


def test_derived_views_outlive_parent_release():
    data = bytearray(range(16))
    v = ndview.view(data)
    w = v[4:8]
    v.release()
    gc.collect()
    assert w.tolist() == [4, 5, 6, 7]
    with pytest.raises(BufferError):
        data.append(1)
    del w
    gc.collect()
    data.append(1)


def test_bytearray_resize_refused():
    b = bytearray(b"abcd")
    v = ndview.view(b)
    with pytest.raises(BufferError):
        b.extend(b"xyz")
    with pytest.raises(BufferError):
        del b[0]
    v.release()
    b.extend(b"xyz")


def test_numpy_result_keeps_view_alive():
    arr = np.asarray(ndview.add(np.ones(10), np.ones(10)))
    gc.collect()
    assert (arr == 2).all()
    m = memoryview(ndview.copy(np.arange(6.0).reshape(2, 3), "F"))
    gc.collect()
    assert m.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_release_while_exported():
    v = ndview.frombuffer(bytearray(16), "<i")
    arr = np.asarray(v)
    with pytest.raises(BufferError):
        v.release()
    del arr
    gc.collect()
    v.release()
    v.release()  # idempotent


def test_threads_on_shared_arrays():
    a = np.arange(200_000, dtype="<f8")
    b = np.ones(200_000, dtype="<f8")
    outs = [np.empty_like(a) for _ in range(4)]
    errors = []

    def work(i):
        try:
            for _ in range(10):
                ndview.add(a, b, out=outs[i])
                assert ndview.sum(outs[i]) == pytest.approx(a.sum() + 200_000)
                ndview.copy(ndview.view(a).reshape(400, 500).T)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for o in outs:
        assert (o == a + 1).all()


def test_gil_is_released():
    big = np.ones(20_000_000, dtype="<f4")
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    for _ in range(3):
        ndview.sum(big)
        ndview.multiply(big, 2.0)
    done.set()
    t.join()
    assert len(ticks) > 3


def test_geometry_errors_never_crash(rng=np.random.default_rng(7)):
    for _ in range(2000):
        n = int(rng.integers(0, 32))
        shape = [int(x) for x in rng.integers(0, 2**62, size=int(rng.integers(1, 3)))]
        strides = [int(x) for x in rng.integers(-2**62, 2**62, size=len(shape))]
        with pytest.raises((ValueError, OverflowError)):
            ndview.view(bytes(n), "d", shape, strides, int(rng.integers(0, 40)))


# Rust-owned memory maps (SharedView) exported to Python without copying.

def test_map_file_exports_a_read_only_memory_map(tmp_path):
    data = np.arange(40, dtype="<f4").reshape(10, 4)
    path = tmp_path / "m.bin"
    path.write_bytes(b"\0" * 8 + data.tobytes())
    v = ndview.map_file(str(path), "<f", (10, 4), offset=8)
    assert v.readonly and v.shape == (10, 4) and v.format == "<f"
    a = np.asarray(v)
    assert np.array_equal(a, data)
    assert not a.flags.writeable
    m = memoryview(v)
    assert m.readonly and m.tobytes() == data.tobytes()
    # The map outlives the View while NumPy and memoryview still use it.
    del v
    gc.collect()
    assert np.array_equal(a[::-1, 1], data[::-1, 1])
    assert m.tobytes()[48:52] == data[3, 0].tobytes()
    m.release()
    # Slices of the map are views of it.
    w = ndview.map_file(str(path), "<f", (10, 4), offset=8)[::-2, 1:3]
    assert np.array_equal(np.asarray(w), data[::-2, 1:3])
    with pytest.raises(TypeError):
        w[0, 0] = 1.0


def test_map_file_refuses_ranges_past_the_file(tmp_path):
    path = tmp_path / "small.bin"
    path.write_bytes(b"\0" * 16)
    with pytest.raises(ValueError):
        ndview.map_file(str(path), "B", (10,), offset=2**64 - 2)
    with pytest.raises(ValueError):
        ndview.map_file(str(path), "i", (5,))
