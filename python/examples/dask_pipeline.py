"""ndview kernels on a Dask cluster: a Zarr v3 store in, per-block ndview kernels, a Zarr store out.

    python examples/dask_pipeline.py                      # 1024 x 1024, a temporary folder
    python examples/dask_pipeline.py --size 8192 --chunk 1024 --workers 2
    python examples/dask_pipeline.py --input raw.zarr --output smooth.zarr --plot smooth.png
    python examples/dask_pipeline.py --scheduler tcp://scheduler:8786 --input /shared/raw.zarr ...

The pipeline, on a 2-D uint16 "sensor" array stored in Zarr v3 (zarr-python, zstd chunks):

1. read it with ``dask.array.from_zarr``;
2. transposed copy of every block (``ndview.copy(v.T)``, through ``dask.array.blockwise`` so the
   block grid is transposed too);
3. ``ndview.astype(v, "f")``: uint16 to float32;
4. a 5-point stencil (the mean of a pixel and its four neighbours; one pixel of halo from
   ``dask.array.overlap.overlap``, edge pixels repeated), adds and a divide with ndview's kernels;
5. writes the smoothed array to a Zarr store with ``to_zarr``, and
6. reduces it to a row profile with ``dask.array.reduction`` (ndview's ``sum`` as chunk and
   aggregate, in float64).

It runs on ``dask.distributed``: with no ``--scheduler`` it starts a ``LocalCluster`` of separate
worker processes on the loopback interface and closes it at the end. The same graph is then
run with NumPy block functions, and the two results are compared (the stored arrays exactly, the
profiles to float64 rounding). A PNG plot of the result is saved.

Block functions and copies. Dask's blocks are NumPy arrays, and Dask's concatenation, meta
inference and ``to_zarr`` expect NumPy arrays back. So every ndview block function here takes
a NumPy block, wraps it with ``ndview.view`` (no copy: the view reads the block's memory),
computes with ndview's kernels (which release the GIL and allocate their result once), and
returns ``np.asarray(result)``: no copy either, the array's memory is the ndview result's (the
array keeps the result alive through its buffer export). Between processes Dask pickles with
protocol 5 and out-of-band buffers, so contiguous blocks, whether NumPy arrays or ndview views,
travel as raw frames.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

import ndview

# ---------------------------------------------------------------------------------------------
# Block functions. Each has an ndview version and the NumPy version it is checked against.
# ---------------------------------------------------------------------------------------------


def nd_transpose(block):
    """A C-contiguous transposed copy of a block (ndview's tiled transposed copy)."""
    return np.asarray(ndview.copy(ndview.view(block).T))


def np_transpose(block):
    return np.ascontiguousarray(block.T)


def nd_to_float32(block):
    return np.asarray(ndview.astype(ndview.view(block), "f"))


def np_to_float32(block):
    return block.astype(np.float32)


def nd_stencil5(block):
    """The 5-point mean of a block that carries one pixel of halo on every side.

    The result is the block without its halo: (h - 2) x (w - 2). The sum is formed in the same
    order as `np_stencil5`, so the float32 results are identical bit for bit.
    """
    v = ndview.view(block)
    s = ndview.add(v[:-2, 1:-1], v[2:, 1:-1])
    s = ndview.add(s, v[1:-1, :-2])
    s = ndview.add(s, v[1:-1, 2:])
    s = ndview.add(s, v[1:-1, 1:-1])
    return np.asarray(ndview.divide(s, 5.0))


def np_stencil5(block):
    s = block[:-2, 1:-1] + block[2:, 1:-1]
    s = s + block[1:-1, :-2]
    s = s + block[1:-1, 2:]
    s = s + block[1:-1, 1:-1]
    return s / np.float32(5.0)


def _axes(axis, ndim):
    if axis is None:
        axis = range(ndim)
    elif isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted((a % ndim for a in axis), reverse=True))


def nd_sum(block, axis=None, keepdims=False):
    """`np.sum(block, axis, dtype=float64, keepdims=...)` with ndview's kernels.

    Dask's `reduction` calls it as chunk, combine and aggregate with a tuple of axes. Each axis is
    summed in turn (the highest first, so the others keep their numbers).
    """
    axes = _axes(axis, block.ndim)
    v = ndview.view(block)
    if v.format != "d":
        v = ndview.astype(v, "d")
    shape = list(block.shape)
    for a in axes:
        v = ndview.sum(v, axis=a)  # a 0-d view when the last axis goes
        shape[a] = 1
    if keepdims:
        v = v.reshape(shape)
    return np.asarray(v)


def np_sum(block, axis=None, keepdims=False):
    return np.sum(block, axis=axis, dtype=np.float64, keepdims=keepdims)


NDVIEW = {"transpose": nd_transpose, "astype": nd_to_float32, "stencil": nd_stencil5,
          "sum": nd_sum}
NUMPY = {"transpose": np_transpose, "astype": np_to_float32, "stencil": np_stencil5,
         "sum": np_sum}

# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------


def write_input(path, size, chunk, seed=0):
    """A synthetic uint16 image (waves plus noise) as a Zarr v3 array, written through Dask."""
    import dask.array as da

    def waves(i, j):
        return 2048.0 + 900.0 * np.sin(i / (size / 7.0)) * np.cos(j / (size / 3.0))

    base = da.fromfunction(waves, shape=(size, size), chunks=chunk, dtype=np.float64)
    noise = da.random.default_rng(seed).normal(0.0, 120.0, size=(size, size), chunks=chunk)
    image = da.clip(base + noise, 0, 4095).astype(np.uint16)
    image.to_zarr(path, mode="w", zarr_format=3)


def build(src, kernels, tag=None):
    """The lazy pipeline on the Dask array `src`: (smoothed float32 array, row profile).

    Dask names the tasks by hashing the functions and inputs; a `tag` makes them unique (the
    benchmark runs the same graph repeatedly and must not find a previous run's results).
    """
    import dask.array as da

    def name(stage):
        return None if tag is None else f"{stage}-{tag}"

    t = da.blockwise(kernels["transpose"], "ji", src, "ij", dtype=src.dtype,
                     meta=np.empty((0, 0), src.dtype), name=name("transpose"))
    f = t.map_blocks(kernels["astype"], dtype=np.float32, meta=np.empty((0, 0), np.float32),
                     name=name("astype"))
    halo = da.overlap.overlap(f, depth=1, boundary="nearest")
    smooth = halo.map_blocks(kernels["stencil"], chunks=f.chunks, dtype=np.float32,
                             meta=np.empty((0, 0), np.float32), name=name("stencil"))
    profile = da.reduction(smooth, kernels["sum"], kernels["sum"], axis=1, dtype=np.float64,
                           meta=np.empty((0,), np.float64), name=name("rowsum"))
    return smooth, profile


def run(client, src_path, out_path, kernels, show_progress=False, tag=None):
    """Runs the pipeline once: writes `out_path`, returns the row profile (NumPy, float64)."""
    import dask.array as da
    from dask.distributed import progress

    src = da.from_zarr(src_path)
    smooth, profile = build(src, kernels, tag)
    stored = smooth.to_zarr(out_path, mode="w", zarr_format=3, compute=False)
    futures = client.compute([stored, profile])
    if show_progress:
        progress(futures)
        print()
    _, prof = client.gather(futures)
    return prof


def reference(image):
    """The whole pipeline in plain NumPy on one array in memory (for small sizes and tests)."""
    f = np.ascontiguousarray(image.T).astype(np.float32)
    p = np.pad(f, 1, mode="edge")
    smooth = np_stencil5(p)
    return smooth, smooth.sum(axis=1, dtype=np.float64)


def plot(path, out_path, profile):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import zarr

    z = zarr.open_array(out_path, mode="r")
    step = max(1, z.shape[0] // 512)
    img = z[::step, ::step]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4.2))
    im = ax0.imshow(img, cmap="viridis", extent=(0, z.shape[1], z.shape[0], 0))
    ax0.set_title(f"5-point mean of the transposed image ({z.shape[0]}x{z.shape[1]})")
    fig.colorbar(im, ax=ax0, shrink=0.8)
    ax1.plot(profile / z.shape[1])
    ax1.set_xlabel("row")
    ax1.set_ylabel("row mean")
    ax1.set_title("row profile (dask.array.reduction, ndview.sum)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def same_stores(a, b):
    """Whether two Zarr arrays hold the same values, compared chunk by chunk on the cluster."""
    import dask.array as da

    x, y = da.from_zarr(a), da.from_zarr(b)
    return x.shape == y.shape and x.dtype == y.dtype and not bool((x != y).any().compute())


def local_cluster(workers, threads=1):
    """A LocalCluster of separate worker processes on the loopback interface.

    Each worker runs `threads` Dask threads, and ndview's kernels (rayon) in each worker use the
    same number of threads, as Dask's nanny does for OpenMP and MKL.
    """
    from dask.distributed import LocalCluster

    return LocalCluster(processes=True, n_workers=workers, threads_per_worker=threads,
                        host="127.0.0.1", dashboard_address=None,
                        env={"RAYON_NUM_THREADS": str(threads)})


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=1024, help="side of the square image (1024)")
    p.add_argument("--chunk", type=int, default=256, help="side of a square chunk (256)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (1)")
    p.add_argument("--input", help="a Zarr v3 store to read (written first if it does not exist)")
    p.add_argument("--output", help="where to write the result (default: a temporary folder)")
    p.add_argument("--plot", default="dask_pipeline.png", help="the PNG to save")
    p.add_argument("--scheduler", help="address of a running scheduler, e.g. tcp://host:8786")
    args = p.parse_args(argv)

    from dask.distributed import Client

    tmp = tempfile.mkdtemp(prefix="ndview-dask-")
    src = args.input or os.path.join(tmp, "raw.zarr")
    out = args.output or os.path.join(tmp, "smooth.zarr")
    out_np = os.path.join(tmp, "smooth-numpy.zarr")
    cluster = None
    try:
        if args.scheduler:
            client = Client(args.scheduler)
        else:
            cluster = local_cluster(args.workers, args.threads)
            client = Client(cluster)
        with client:
            print(f"cluster: {len(client.scheduler_info()['workers'])} workers")
            if not os.path.exists(src):
                write_input(src, args.size, args.chunk)
                print(f"wrote {src}: {args.size}x{args.size} uint16, chunks {args.chunk}")
            t0 = time.perf_counter()
            prof = run(client, src, out, NDVIEW, show_progress=True)
            t1 = time.perf_counter()
            prof_np = run(client, src, out_np, NUMPY)
            t2 = time.perf_counter()
            print(f"ndview block functions {t1 - t0:.2f} s, NumPy block functions {t2 - t1:.2f} s")
            if not same_stores(out, out_np):
                sys.exit("the stored results differ from the NumPy pipeline's")
            if not np.allclose(prof, prof_np, rtol=1e-12, atol=0):
                sys.exit("the row profiles differ from the NumPy pipeline's")
            kept = out if args.output else "a temporary store (--output keeps it)"
            rel = np.max(np.abs(prof - prof_np) / np.abs(prof_np))
            print(f"results equal the NumPy pipeline's: {kept} (float32, identical), row profile "
                  f"(float64, max relative difference {rel:.1e})")
            plot(args.plot, out, prof)
            print(f"plot: {args.plot}")
    finally:
        if cluster is not None:
            cluster.close()
        # Only the temporary folder's own stores go; --input and --output stay.
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
