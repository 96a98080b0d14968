"""Seconds from `python app.py` to a page that answers HTTP, on a first start (the guidance index is
built) and on a later start (index already there). Target: <= 15 s."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: str) -> tuple[float, float]:
    """(seconds to a page that answers, seconds until the guidance index is ready) for one start."""
    import threading

    port = _port()
    env = dict(os.environ, ADVISOR_DATA_DIR=data_dir)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    index_ready: list[float] = []

    def read() -> None:
        for line in proc.stdout:
            if line.startswith(("Guidance index", "The guidance index could not")) and not index_ready:
                index_ready.append(time.perf_counter() - t0)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                page = time.perf_counter() - t0
                break
            except Exception:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.2)
        while not index_ready and time.perf_counter() - t0 < 180:
            time.sleep(0.2)
        return page, (index_ready[0] if index_ready else float("nan"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    data = tempfile.mkdtemp()
    first = start(data)
    later = [start(data) for _ in range(2)]
    print(f"first start (builds the index): page up in {first[0]:.1f} s, index ready in {first[1]:.1f} s; "
          f"later starts: page up in {min(p for p, _ in later):.1f}-{max(p for p, _ in later):.1f} s, index ready "
          f"in {min(i for _, i in later):.1f}-{max(i for _, i in later):.1f} s (target: page <= 15 s)")
    print(f"(load average {os.getloadavg()[0]:.1f} over the last minute, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
