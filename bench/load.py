"""Load test: N concurrent two-turn chat sessions against the app on loopback (default 50).

Each session asks about its own model and GPU, then follows up with "what about two of them?" on
the conversation the server sent back, the way a browser does. Prints seconds per answer (p50, p95,
max) until the answer text has streamed in full and until the turn completed (chart included), the
errors, and cross-talk: an answer that names another session's model or GPU, or a follow-up that
lost its conversation. Target (issue 13): no errors, no cross-talk, p95 <= 5 s on a 2-core machine.

    python bench/load.py [--sessions 50] [--url http://127.0.0.1:7860]   (without --url it starts the app)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench.app_server import rss_mib, running_app  # noqa: E402
from bench.chat_client import chat_fn_index, chat_turn, loopback, new_session  # noqa: E402

# (how the question names it, a string the answer must contain) - distinct per session
MODELS = [("Llama 3.1 8B", "Llama 3.1 8B"), ("Qwen2.5 7B", "Qwen2.5 7B"), ("Mistral 7B", "Mistral 7B"),
          ("Llama 2 13B", "Llama 2 13B"), ("Gemma 2 9B", "Gemma 2 9B")]
GPUS = [("RTX 4090", "4090"), ("A100 80GB", "A100"), ("L40S", "L40S"), ("H100", "H100"), ("RTX 3090", "3090"),
        ("A10G", "A10G"), ("L4", "L4 "), ("RTX A6000", "A6000"), ("H200", "H200"), ("MI300X", "MI300X")]


def plan(n: int) -> list[tuple[str, str, str, str]]:
    return [(m, mk, g, gk) for i in range(n) for (m, mk), (g, gk) in [(MODELS[i % len(MODELS)],
                                                                       GPUS[(i // len(MODELS)) % len(GPUS)])]]


async def session(client, base, fn, model, model_key, gpu, gpu_key) -> dict:
    sid = new_session()
    first = await chat_turn(client, base, fn, sid, f"Can I run {model} on one {gpu}?", [])
    out = {"turns": [first], "crosstalk": []}
    if not first.ok:
        return out
    if _crossed(first.answer, model_key, gpu_key):
        out["crosstalk"].append(f"turn 1 for {model} on {gpu}: {first.answer[:120]!r}")
    second = await chat_turn(client, base, fn, sid, "what about two of them?", first.raw)
    out["turns"].append(second)
    if second.ok and ("2x" not in second.answer or _crossed(second.answer, model_key, gpu_key)):
        out["crosstalk"].append(f"follow-up for {model} on {gpu}: {second.answer[:120]!r}")
    return out


def _crossed(answer: str, model_key: str, gpu_key: str) -> bool:
    """Cross-talk: the answer lacks this session's GPU, or names another session's model (some verdicts
    name the model only in the tool call, so its absence alone is not cross-talk)."""
    others = [key for _, key in MODELS if key != model_key and key not in model_key]
    return gpu_key.strip() not in answer or any(key in answer for key in others)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))] if values else float("nan")


async def run(base: str, n: int) -> dict:
    limits = httpx.Limits(max_connections=4 * n + 10, max_keepalive_connections=2 * n)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        fn = await chat_fn_index(client, base)
        # one warm-up question (first-answer imports) outside the measurement
        await chat_turn(client, base, fn, new_session(), "Can I run Llama 3.1 8B on one RTX 4090?", [])
        start = time.perf_counter()
        results = await asyncio.gather(*(session(client, base, fn, *p) for p in plan(n)))
        wall = time.perf_counter() - start
    turns = [t for r in results for t in r["turns"]]
    ok = [t for t in turns if t.ok]
    return {"wall": wall, "turns": turns, "ok": ok, "errors": [t.error for t in turns if not t.ok],
            "crosstalk": [c for r in results for c in r["crosstalk"]],
            "missing": sum(2 - len(r["turns"]) for r in results)}


def report(n: int, r: dict, rss: tuple[float, float] | None) -> int:
    text = [t.seconds_to_text for t in r["ok"]]
    total = [t.seconds_total for t in r["ok"]]
    print(f"{n} concurrent two-turn sessions, {len(r['turns'])} turns in {r['wall']:.1f} s wall")
    print(f"  answer text streamed in full: p50 {statistics.median(text):.2f} s, p95 {pct(text, .95):.2f} s, "
          f"max {max(text):.2f} s")
    print(f"  turn complete (with chart):   p50 {statistics.median(total):.2f} s, p95 {pct(total, .95):.2f} s, "
          f"max {max(total):.2f} s")
    print(f"  errors: {len(r['errors'])}{' ' + repr(r['errors'][:3]) if r['errors'] else ''}; "
          f"turns not run: {r['missing']}; cross-talk: {len(r['crosstalk'])}")
    for c in r["crosstalk"][:5]:
        print("   ", c)
    if rss:
        print(f"  app memory (RSS): {rss[0]:.0f} MiB before, {rss[1]:.0f} MiB after")
    good = not r["errors"] and not r["crosstalk"] and not r["missing"] and pct(total, .95) <= 5.0
    print("PASS" if good else "FAIL", "(target: no errors, no cross-talk, p95 <= 5 s)")
    return 0 if good else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--url", help="an app already running on loopback (default: start one)")
    args = ap.parse_args(argv)
    n = max(1, min(args.sessions, 500))
    if args.url:
        return report(n, asyncio.run(run(loopback(args.url), n)), None)
    with running_app() as (url, proc, _):
        before = rss_mib(proc.pid)
        result = asyncio.run(run(url, n))
        return report(n, result, (before, rss_mib(proc.pid)))


if __name__ == "__main__":
    sys.exit(main())
