"""How much slower than a bare `python -c pass` is `gpu-advisor fit ...`? Target: <= 0.3 s.

Runs each command N times (alternating, to share the machine's noise) and prints medians.
Uses the interpreter directly (`python -m advisor.cli`), so a pyenv shim's own start-up is not counted;
pass --script to time the installed `gpu-advisor` console script instead.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

FIT = ["fit", "--model", "llama-2-13b", "--gpu", "rtx-4090", "--method", "lora"]


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode not in (0, 1):  # `fit` exits 1 when it does not fit (the FIT case does not)
        raise SystemExit(p.stderr.decode())
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=15)
    ap.add_argument("--script", action="store_true", help="time the installed console script")
    args = ap.parse_args()
    bare = [sys.executable, "-c", "pass"]
    tool = ([shutil.which("gpu-advisor") or "gpu-advisor"] if args.script else [sys.executable, "-m", "advisor.cli"]) + FIT
    base, fit = [], []
    for _ in range(args.n):
        base.append(_time(bare))
        fit.append(_time(tool))
    b, f = statistics.median(base), statistics.median(fit)
    print(f"bare python -c pass  median {b * 1000:7.1f} ms")
    print(f"gpu-advisor fit      median {f * 1000:7.1f} ms")
    print(f"difference           median {(f - b) * 1000:7.1f} ms   (target <= 300 ms)")


if __name__ == "__main__":
    main()
