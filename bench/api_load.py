"""Load test of the documented API: N `gradio_client` users on /ask, each asking two questions one after
the other, all users at once (as API users do: `Client(url).predict(question, api_name="/ask")`).

Prints seconds per question (p50, p95, max; from the predict call to its answer), the errors by kind, how
many answers said "busy, retry", the 1-minute load average before and after, and the server's thread count.
Target (issue 25): 50 users, 0 errors, p95 <= 3 s on a 2-core machine; 100 users, 0 errors.

    python bench/api_load.py [--users 50 100] [--procs 4] [--no-ssl-verify] [--url http://127.0.0.1:7860]   (without --url it starts the app)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import running_app  # noqa: E402
from bench.chat_client import loopback  # noqa: E402
from bench.load import pct, plan  # noqa: E402


def server_threads(pid: int | None) -> int | None:
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    except (OSError, StopIteration):
        return None


def cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def one_user(url: str, questions: list[str], times: list, errors: Counter, busy: list, ready: threading.Barrier,
             go: threading.Event, ssl_verify: bool = True) -> None:
    """Connect, wait until every user of every process is connected, then ask the questions one after the other."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, ssl_verify=ssl_verify)
    except Exception as exc:  # noqa: BLE001 - counted
        errors[f"connect: {type(exc).__name__}"] += 1
        ready.abort()
        return
    try:
        ready.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass
    go.wait(timeout=600)
    for q in questions:
        t0 = time.perf_counter()
        try:
            out = client.predict(q, api_name="/ask")
            seconds = time.perf_counter() - t0
            data = json.loads(out)
            if "busy" in data:
                busy.append(data.get("retry_after_s"))
                # as an API user should: wait, ask again once
                time.sleep(float(data.get("retry_after_s") or 1))
                out = client.predict(q, api_name="/ask")
                seconds = time.perf_counter() - t0
                data = json.loads(out)
            if "text" not in data:
                errors[f"answer: {str(data)[:60]}"] += 1
                continue
            times.append(seconds)
        except Exception as exc:  # noqa: BLE001 - counted
            errors[type(exc).__name__] += 1
    client.close() if hasattr(client, "close") else None


def _users_in_process(url: str, plans: list, barrier, results, ssl_verify: bool = True) -> None:
    """One client process: its users as threads; all processes start asking together."""
    times: list[float] = []
    errors: Counter = Counter()
    busy: list = []
    ready, go = threading.Barrier(len(plans) + 1), threading.Event()
    threads = []
    for model, _, gpu, _ in plans:
        qs = [f"Can I run {model} on one {gpu}?", f"How many {gpu} do I need to serve {model} for 20 users?"]
        t = threading.Thread(target=one_user, args=(url, qs, times, errors, busy, ready, go, ssl_verify),
                             daemon=True)
        t.start()
        threads.append(t)
    try:
        ready.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass
    barrier.wait(timeout=300)  # every process's users are connected: all ask at once
    cpu_at_start = cpu_s(os.getpid())
    go.set()
    for t in threads:
        t.join(600)
    results.put((times, dict(errors), busy, (cpu_s(os.getpid()) or 0) - (cpu_at_start or 0)))


def run(url: str, users: int, pid: int | None, procs: int, ssl_verify: bool = True) -> dict:
    """`users` users over `procs` client processes (API users are separate programs: one Python process
    holding all of them measures its own GIL as much as the server)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    sessions = plan(users)
    procs = max(1, min(procs, users))
    barrier, results = ctx.Barrier(procs + 1), ctx.Queue()
    workers = [ctx.Process(target=_users_in_process, args=(url, sessions[i::procs], barrier, results, ssl_verify))
               for i in range(procs)]
    for w in workers:
        w.start()
    barrier.wait(timeout=300)  # every client connected; then all ask at once
    load_before, threads_before = os.getloadavg()[0], server_threads(pid)
    server_cpu = cpu_s(pid)
    t0 = time.perf_counter()
    peak_threads = threads_before or 0
    times: list[float] = []
    errors: Counter = Counter()
    busy: list = []
    clients_cpu = 0.0
    for _ in workers:
        while True:
            try:
                got = results.get(timeout=0.5)
                break
            except Exception:  # noqa: BLE001 - queue.Empty: sample the server meanwhile
                peak_threads = max(peak_threads, server_threads(pid) or 0)
        times += got[0]
        errors.update(got[1])
        busy += got[2]
        clients_cpu += got[3]
    wall = time.perf_counter() - t0
    for w in workers:
        w.join(30)
    return {"users": users, "client_processes": procs, "answered": len(times), "errors": dict(errors),
            "busy_replies": len(busy), "p50_s": round(statistics.median(times), 2) if times else None,
            "p95_s": round(pct(times, 0.95), 2), "max_s": round(max(times), 2) if times else None,
            "wall_s": round(wall, 1), "load_1min_before": round(load_before, 2),
            "load_1min_after": round(os.getloadavg()[0], 2), "server_threads_before": threads_before,
            "server_threads_peak": peak_threads or None,
            "server_cpu_s": round(cpu_s(pid) - server_cpu, 1) if server_cpu is not None else None,
            "clients_cpu_s": round(clients_cpu, 1), "client_ssl_verify": ssl_verify, "cores": os.cpu_count()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, nargs="+", default=[50])
    ap.add_argument("--url")
    ap.add_argument("--procs", type=int, default=4, help="client processes the users are spread over")
    ap.add_argument("--no-ssl-verify", action="store_true",
                    help="clients made with ssl_verify=False: over http:// nothing is verified either way, but "
                         "gradio_client loads the CA bundle for every request (~45 ms of CPU a call) unless told not to")
    ap.add_argument("--root", type=Path, default=None, help="another checkout's app.py (the code before a change)")
    args = ap.parse_args()
    if args.url:
        for n in args.users:
            print(json.dumps(run(loopback(args.url), n, None, args.procs, not args.no_ssl_verify)), flush=True)
        return 0
    with running_app(**({"root": args.root.resolve()} if args.root else {})) as (url, proc, _):
        for n in args.users:
            print(json.dumps(run(url, n, proc.pid, args.procs, not args.no_ssl_verify)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
