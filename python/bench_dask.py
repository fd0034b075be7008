"""The Dask pipeline of examples/dask_pipeline.py with ndview vs NumPy block functions.

    python bench_dask.py                      # 4096 x 4096 uint16, chunks of 1024, 5 repetitions
    python bench_dask.py --size 8192 --chunk 1024 --repeat 7

On the same LocalCluster (worker processes on 127.0.0.1, one thread each, ndview's kernels on
one rayon thread per worker to match), at 1 and then 2 workers:

- each stage alone ("transpose", "astype", "stencil", "row sum"), its input already in the
  workers' memory and its output kept there;
- "kernels": the input in the workers' memory, then all four stages up to the row profile (no
  Zarr): the part that the block functions change;
- "pipeline": Zarr in, the four stages, Zarr out (zstd both ways, as zarr-python writes by
  default), as the example runs it.

Repetitions alternate ndview and NumPy (and which goes first) so that drift in the machine's
load hits both alike; each side's median is kept. The ratio is NumPy's time / ndview's time:
above 1 means the ndview block functions are faster. Quote ratios, not times.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples"))
import dask_pipeline as dp  # noqa: E402


def M2(dtype):
    return np.empty((0, 0), dtype)


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--chunk", type=int, default=1024)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()

    import dask.array as da
    from dask.distributed import Client, wait

    tmp = tempfile.mkdtemp(prefix="ndview-bench-dask-")
    src = os.path.join(tmp, "raw.zarr")
    print(f"{args.size}x{args.size} uint16, chunks {args.chunk}x{args.chunk}, "
          f"{args.repeat} interleaved repetitions, medians; ratio = NumPy / ndview")
    print(f"{'workers':>7} {'case':10} {'ratio':>6}   (ndview s, NumPy s: for this run only)")
    for workers in args.workers:
        cluster = dp.local_cluster(workers, threads=1)
        with Client(cluster) as client:
            where = set(client.run(lambda: dp.ndview.__file__).values())
            print(f"ndview on the workers: {', '.join(sorted(where))}", flush=True)
            if not os.path.exists(src):
                dp.write_input(src, args.size, args.chunk)
            x = da.from_zarr(src).persist()
            wait(x)
            # Each stage's input, made once with the NumPy functions and kept in the workers.
            t = da.blockwise(dp.np_transpose, "ji", x, "ij", dtype=x.dtype).persist()
            f = t.map_blocks(dp.np_to_float32, dtype=np.float32).persist()
            halo = da.overlap.overlap(f, depth=1, boundary="nearest").persist()
            smooth = halo.map_blocks(dp.np_stencil5, chunks=f.chunks, dtype=np.float32).persist()
            wait([t, f, halo, smooth])

            def stage(build_stage):
                def go(k):
                    out = client.persist(build_stage(k, uuid.uuid4().hex))
                    wait(out)
                    del out
                return go

            stages = {
                "transpose": stage(lambda k, tag: da.blockwise(
                    k["transpose"], "ji", x, "ij", dtype=x.dtype, meta=M2(x.dtype), name=f"t-{tag}")),
                "astype": stage(lambda k, tag: t.map_blocks(
                    k["astype"], dtype=np.float32, meta=M2(np.float32), name=f"a-{tag}")),
                "stencil": stage(lambda k, tag: halo.map_blocks(
                    k["stencil"], chunks=f.chunks, dtype=np.float32, meta=M2(np.float32),
                    name=f"s-{tag}")),
                "row sum": stage(lambda k, tag: da.reduction(
                    smooth, k["sum"], k["sum"], axis=1, dtype=np.float64,
                    meta=np.empty((0,), np.float64), name=f"r-{tag}")),
                "kernels": lambda k: client.compute(
                    dp.build(x, k, uuid.uuid4().hex)[1]).result(),
                "pipeline": lambda k: dp.run(
                    client, src, os.path.join(tmp, "out.zarr"), k, tag=uuid.uuid4().hex),
            }
            cases = {case: {"ndview": (lambda g=g: g(dp.NDVIEW)),
                            "numpy": (lambda g=g: g(dp.NUMPY))}
                     for case, g in stages.items()}
            for case, runs in cases.items():
                times = {"ndview": [], "numpy": []}
                for warm in runs.values():  # warm-up: imports, first touches
                    warm()
                for r in range(args.repeat):
                    order = ["ndview", "numpy"] if r % 2 == 0 else ["numpy", "ndview"]
                    for name in order:
                        times[name].append(timed(runs[name]))
                tn, tp = statistics.median(times["ndview"]), statistics.median(times["numpy"])
                print(f"{workers:>7} {case:10} {tp / tn:6.2f}   ({tn:.3f}, {tp:.3f})",
                      flush=True)
            del x, t, f, halo, smooth
        cluster.close()
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
