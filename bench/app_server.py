"""Start `python app.py` on a free loopback port for a bench script, wait until the page answers and
the guidance index is ready (so its build does not count against the measurement), stop it after."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(data_dir: str | None = None, env: dict | None = None, timeout_s: float = 180.0,
                root: Path = ROOT):
    """Yields (url, process, log lines). The LLM is never configured here: the offline engine answers.
    `root`: another checkout's app.py (to measure the code before a change the same way)."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    environ.update(ADVISOR_DATA_DIR=data_dir or tempfile.mkdtemp(prefix="advisor-bench-"), **(env or {}))
    if root != ROOT:
        environ["PYTHONPATH"] = str(root)
    proc = subprocess.Popen([sys.executable, str(root / "app.py"), "--port", str(port)], cwd=root, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith(("Guidance index", "The guidance index could not")):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout_s
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the app did not start:\n" + "\n".join(lines[-30:])) from None
                time.sleep(0.3)
        ready.wait(max(1.0, deadline - time.time()))
        yield url, proc, lines
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
