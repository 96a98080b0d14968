"""One hostile client, everyone else still answered: a client sends 10,000-digit messages (question and
a 24-turn history of digit walls) in a loop while a few ordinary users ask questions; prints the
ordinary users' answer times. Target (issue 15): every ordinary answer under 2 s. Loopback only.

    python bench/load_attack.py [--users 5] [--seconds 20] [--url http://127.0.0.1:7860]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench.app_server import running_app  # noqa: E402
from bench.chat_client import chat_fn_index, chat_turn, loopback, new_session  # noqa: E402
from bench.load import pct, plan  # noqa: E402

DIGITS = "9" * 10_000
WALL = [{"role": "user", "content": [{"type": "text", "text": f"Can I run {DIGITS}B on {DIGITS} GPUs?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": DIGITS}]}] * 12


async def attacker(client, base, fns, stop: asyncio.Event, counts: list) -> None:
    while not stop.is_set():
        turn = await chat_turn(client, base, fns, new_session(), DIGITS, WALL)
        counts.append(turn.seconds_total)


async def user(client, base, fns, model, gpu, stop: asyncio.Event, times: list, errors: list) -> None:
    while not stop.is_set():
        turn = await chat_turn(client, base, fns, new_session(), f"Can I run {model} on one {gpu}?", [])
        (times if turn.ok else errors).append(turn.seconds_to_text if turn.ok else turn.error)


async def run(base: str, users: int, seconds: float) -> tuple[list, list, list, list]:
    async with httpx.AsyncClient(timeout=120) as client:
        fns = await chat_fn_index(client, base)
        await chat_turn(client, base, fns, new_session(), "Can I run Llama 3.1 8B on one RTX 4090?", [])  # warm
        baseline = []
        for m, _, g, _ in plan(3):
            baseline.append((await chat_turn(client, base, fns, new_session(), f"Can I run {m} on one {g}?", []))
                            .seconds_to_text)
        stop, attacks, times, errors = asyncio.Event(), [], [], []
        tasks = [asyncio.create_task(attacker(client, base, fns, stop, attacks))]
        await asyncio.sleep(1.0)
        tasks += [asyncio.create_task(user(client, base, fns, m, g, stop, times, errors))
                  for m, _, g, _ in plan(users)]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks)
    return baseline, attacks, times, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--url", help="an app already running on loopback (default: start one)")
    args = ap.parse_args(argv)
    users, seconds = max(1, min(args.users, 50)), max(2.0, min(args.seconds, 300.0))
    if args.url:
        baseline, attacks, times, errors = asyncio.run(run(loopback(args.url), users, seconds))
    else:
        with running_app() as (url, _, _):
            baseline, attacks, times, errors = asyncio.run(run(url, users, seconds))
    print(f"without the attacker: {statistics.median(baseline):.2f} s per answer (median of {len(baseline)})")
    print(f"attacker: {len(attacks)} messages of 10,000 digits (+ a 24-turn digit-wall history) in {seconds:.0f} s, "
          f"each answered in {statistics.median(attacks) if attacks else float('nan'):.2f} s (median)")
    print(f"{users} ordinary users meanwhile: {len(times)} answers, p50 {statistics.median(times):.2f} s, "
          f"p95 {pct(times, .95):.2f} s, max {max(times):.2f} s; errors: {len(errors)}")
    good = times and max(times) < 2.0 and not errors
    print("PASS" if good else "FAIL", "(target: every ordinary answer under 2 s)")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
