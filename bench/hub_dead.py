"""A dead Hugging Face Hub under load (issue 25): HF_ENDPOINT points at a loopback port that takes connections
and never answers (a blackhole). Prints
- how long one question about an unknown repo id takes to answer (the documented fallback: a generic shape);
- ordinary users' seconds per answer (p50, p95) alone, then while N attacker clients keep asking about new
  unknown repo ids (each through the documented /ask API with gradio_client), and the errors;
- the server's thread count before, at its peak during, and after the attack.
Targets: the unknown id answers within 6 s; with 16 attackers other users' p95 under 2 s; threads flat.

    python bench/hub_dead.py [--attackers 16] [--users 4] [--seconds 30] [--rounds 2] [--root OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_load import server_threads  # noqa: E402
from bench.app_server import ROOT, running_app  # noqa: E402
from bench.load import pct  # noqa: E402
from tests.fake_hub import Blackhole  # noqa: E402

QUESTIONS = ["Can I run Llama 3.1 8B on one RTX 4090?", "How many A100 80GB do I need to serve Llama 3 70B?",
             "How much memory does Qwen2.5 7B need at 32k context?", "Can I run Mistral 7B on one L4?"]


def _clients(url: str, n: int, attack: bool, stop_at: float, results) -> None:
    """n gradio_client users as threads of one process; each asks until stop_at."""
    from gradio_client import Client

    times: list[float] = []
    errors: list[str] = []

    def user(i: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # noqa: BLE001 - counted
            errors.append(f"connect {type(exc).__name__}")
            return
        k = 0
        while time.time() < stop_at:
            k += 1
            q = (f"Can I run attacker{i}/unknown-model-{k}-13b on one RTX 4090?" if attack
                 else QUESTIONS[(i + k) % len(QUESTIONS)])
            t0 = time.perf_counter()
            try:
                out = json.loads(client.predict(q, api_name="/ask"))
                if "text" in out:
                    times.append(time.perf_counter() - t0)
                else:
                    errors.append(str(out)[:60])
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(type(exc).__name__)
            if not attack:
                time.sleep(0.2)  # an ordinary user reads a little between questions

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(stop_at - time.time() + 120)
    results.put((attack, times, errors))


def _phase(url: str, users: int, attackers: int, seconds: float, pid: int) -> dict:
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    stop_at = time.time() + seconds
    procs = [ctx.Process(target=_clients, args=(url, users, False, stop_at, results))]
    if attackers:
        procs.append(ctx.Process(target=_clients, args=(url, attackers, True, stop_at, results)))
    for p in procs:
        p.start()
    peak = 0
    got = []
    while len(got) < len(procs):
        try:
            got.append(results.get(timeout=0.5))
        except Exception:  # noqa: BLE001 - queue.Empty
            peak = max(peak, server_threads(pid) or 0)
    for p in procs:
        p.join(30)
    out = {}
    for attack, times, errors in got:
        who = "attackers" if attack else "users"
        out[who] = {"answers": len(times), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
                    "p50_s": round(statistics.median(times), 2) if times else None,
                    "p95_s": round(pct(times, 0.95), 2) if times else None}
    out["server_threads_peak"] = peak
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attackers", type=int, default=16)
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rounds", type=int, default=2, help="attacks one after the other")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py to run")
    args = ap.parse_args()
    import os

    from gradio_client import Client

    with Blackhole() as hole, running_app(env={"HF_ENDPOINT": hole.url, "ADVISOR_HUB": "on"},
                                          root=args.root.resolve()) as (url, proc, lines):
        report: dict = {"cores": os.cpu_count(), "threads_at_start": server_threads(proc.pid)}
        client = Client(url, verbose=False)
        client.predict(QUESTIONS[0], api_name="/ask")  # warm (the catalogs load on a server's first answer)
        t0 = time.perf_counter()
        answer = json.loads(client.predict("Can I run nobody-here/some-model-13b on one RTX 4090?", api_name="/ask"))
        report["unknown_id_s"] = round(time.perf_counter() - t0, 2)
        report["unknown_id_answer"] = (answer.get("text") or str(answer))[:160]
        t0 = time.perf_counter()
        json.loads(client.predict("Can I run nobody-here/some-model-13b on one RTX 4090?", api_name="/ask"))
        report["same_id_again_s"] = round(time.perf_counter() - t0, 2)
        report["quiet"] = _phase(url, args.users, 0, min(10.0, args.seconds), proc.pid)
        report["load_1min_before_attack"] = round(os.getloadavg()[0], 2)
        for r in range(1, args.rounds + 1):  # the thread count after each round: flat, not growing
            report[f"attack_{r}"] = _phase(url, args.users, args.attackers, args.seconds, proc.pid)
            report[f"load_1min_after_attack_{r}"] = round(os.getloadavg()[0], 2)
            time.sleep(10)
            report[f"threads_10s_after_attack_{r}"] = server_threads(proc.pid)
        report["hub_connections"] = hole.connections
        report["timeout_lines_in_log"] = sum("did not finish within" in line for line in lines)
        print(json.dumps(report, indent=1), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
