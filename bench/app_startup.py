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


def start(data_dir: str) -> float:
    port = _port()
    env = dict(os.environ, ADVISOR_DATA_DIR=data_dir)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                return time.perf_counter() - t0
            except Exception:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    data = tempfile.mkdtemp()
    first = start(data)
    later = [start(data) for _ in range(2)]
    print(f"first start (builds the index): {first:.1f} s; later starts: {min(later):.1f}-{max(later):.1f} s "
          "(target <= 15 s)")


if __name__ == "__main__":
    main()
