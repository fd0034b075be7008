"""Zarr read and write throughput, ndview-zarr against zarr-python (+ NumPy), interleaved.

Each repetition writes the same float32 array (element i = (i % 1000) * 0.5; 1024 columns,
chunks of 256 x 1024 = 1 MiB) with ndview-zarr (zarr/examples/zarr_bench.rs, a release build)
and with zarr-python, then reads each store back whole into memory with the same tool; the
operations alternate so that both see the same machine state. Prints GB/s (uncompressed bytes
per second) and ndview/zarr-python ratios (medians).

    cargo build --release -p ndview-zarr --example zarr_bench
    python zarr/bench.py [--size-mib 1024] [--codec zstd|none] [--reps 3] [--dir DIR]

zstd is level 1 on both sides (the bytes codec, then zstd); `none` stores raw chunks.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import zarr
from zarr.codecs import ZstdCodec

COLS = 1024


def checksum(flat):
    return float(flat[::4099].astype(np.float64).sum())


def run_ndview(exe, *args):
    out = subprocess.run([exe, *map(str, args)], check=True, capture_output=True, text=True).stdout
    fields = dict(f.split("=") for f in out.split())
    return float(fields["seconds"]), float(fields["checksum"])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size-mib", type=int, default=1024)
    p.add_argument("--codec", choices=["zstd", "none"], default="zstd")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--dir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    p.add_argument("--exe", default=None, help="the zarr_bench binary")
    a = p.parse_args()
    target = os.environ.get("CARGO_TARGET_DIR", str(Path(__file__).resolve().parent.parent / "target"))
    exe = a.exe or str(Path(target) / "release" / "examples" / "zarr_bench")
    scratch = Path(tempfile.mkdtemp(dir=a.dir))
    rows = a.size_mib * 1024 * 1024 // 4 // COLS
    nbytes = rows * COLS * 4
    data = (np.arange(rows * COLS, dtype=np.int64) % 1000).astype(np.float32).reshape(rows, COLS) * np.float32(0.5)
    expect = checksum(data.ravel())
    compressors = ZstdCodec(level=1) if a.codec == "zstd" else None
    times = {k: [] for k in ["ndview write", "zarr-python write", "ndview read", "zarr-python read"]}
    print(f"{a.size_mib} MiB float32, chunks 256x{COLS}, codec {a.codec}, {a.reps} interleaved repetitions")
    try:
        for rep in range(a.reps):
            nd, zp = scratch / f"nd{rep}", scratch / f"zp{rep}"
            s, c = run_ndview(exe, "write", nd, a.size_mib, a.codec)
            assert c == expect, (c, expect)
            times["ndview write"].append(s)

            t = time.perf_counter()
            z = zarr.create_array(zarr.storage.LocalStore(zp), shape=data.shape, chunks=(256, COLS),
                                  dtype="float32", compressors=compressors, fill_value=0)
            z[...] = data
            times["zarr-python write"].append(time.perf_counter() - t)

            s, c = run_ndview(exe, "read", nd, a.size_mib)
            assert c == expect, (c, expect)
            times["ndview read"].append(s)

            t = time.perf_counter()
            back = zarr.open_array(zarr.storage.LocalStore(zp), mode="r")[...]
            times["zarr-python read"].append(time.perf_counter() - t)
            assert checksum(back.ravel()) == expect
            del back
            shutil.rmtree(nd)
            shutil.rmtree(zp)
            print(f"  repetition {rep + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:>18}: {nbytes / v / 1e9:6.2f} GB/s (median {v:.2f} s)")
    print(f"ratio write ndview/zarr-python: {med['zarr-python write'] / med['ndview write']:.2f}x")
    print(f"ratio read  ndview/zarr-python: {med['zarr-python read'] / med['ndview read']:.2f}x")


if __name__ == "__main__":
    main()
