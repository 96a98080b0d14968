"""Memory over many sessions: 1,000 two-turn chat sessions (50 at a time) against the app on loopback,
printing the app's resident memory every 100 sessions. Per-session state is bounded (advisor/web.py:
at most 1,000 sessions, an hour idle, 60 messages each; Gradio's own session state capped the same),
so memory should level off rather than grow with every session (issue 16).

    python bench/soak.py [--sessions 1000] [--batch 50] [--cap N]   (--cap lowers the session cap to show eviction)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench.app_server import rss_mib, running_app  # noqa: E402
from bench.chat_client import chat_fn_index  # noqa: E402
from bench.load import plan, session  # noqa: E402


async def run(base: str, pid: int, total: int, batch: int) -> list[tuple[int, float]]:
    points = [(0, rss_mib(pid))]
    errors = 0
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=4 * batch + 10)) as client:
        fns = await chat_fn_index(client, base)
        done = 0
        while done < total:
            n = min(batch, total - done)
            results = await asyncio.gather(*(session(client, base, fns, *p) for p in plan(n)))
            errors += sum(1 for r in results for t in r["turns"] if not t.ok) + sum(len(r["crosstalk"]) for r in results)
            done += n
            if done % 100 == 0 or done == total:
                points.append((done, rss_mib(pid)))
                print(f"  {done:5d} sessions: {points[-1][1]:.0f} MiB", flush=True)
    print(f"errors or cross-talk: {errors}")
    return points


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--cap", type=int, help="ADVISOR_MAX_SESSIONS for the app (default: the app's own, 1000)")
    args = ap.parse_args(argv)
    total, batch = max(100, min(args.sessions, 5000)), max(1, min(args.batch, 100))
    env = {"ADVISOR_MAX_SESSIONS": str(args.cap)} if args.cap else {}
    with running_app(env=env) as (url, proc, _):
        points = asyncio.run(run(url, proc.pid, total, batch))
    first_half = [p for p in points if p[0] <= total // 2]
    second_half = [p for p in points if p[0] >= total // 2]
    grow1 = first_half[-1][1] - first_half[1][1] if len(first_half) > 1 else float("nan")
    grow2 = second_half[-1][1] - second_half[0][1]
    print(f"memory: {points[0][1]:.0f} MiB idle, {points[1][1]:.0f} MiB after the first 100 sessions, "
          f"{points[-1][1]:.0f} MiB after {total}; growth {grow1:+.0f} MiB over sessions 100-{total // 2}, "
          f"{grow2:+.0f} MiB over {total // 2}-{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
