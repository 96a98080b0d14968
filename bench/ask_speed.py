"""Offline `ask` speed. Targets: p50 <= 50 ms in-process (retrieval included, index warm);
`gpu-advisor ask` from a cold process <= 2.5 s (index already built, as after the first start)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ["Can I fine-tune 13B with LoRA on one 4090?", "How many A100 80GB do I need to serve Llama 3 70B?",
             "一张4090能跑Qwen2.5-32B吗?", "How fast is Llama 3 8B Q4_K_M on an RTX 4090?", "What is ZeRO-3?",
             "How long to pretrain a 7B model on 1T tokens with 256 H100s?",
             "Compare quantization options for Llama 3 70B on two 4090s", "Which GPU should I use to serve Llama 3.1 70B?"]


def main() -> None:
    from advisor.core import Advisor
    from knowledge import build_index

    build_index()
    adv = Advisor(engine="offline")
    adv.ask(QUESTIONS[0])  # warm: embedder and Chroma loaded
    times = []
    for _ in range(5):
        for q in QUESTIONS:
            start = time.perf_counter()
            adv.ask(q)
            times.append(time.perf_counter() - start)
    times.sort()
    print(f"offline ask in-process: p50 {statistics.median(times) * 1e3:.1f} ms, "
          f"p90 {times[int(len(times) * 0.9)] * 1e3:.1f} ms over {len(times)} asks (target p50 <= 50 ms)")
    for label, q in (("a sizing question", QUESTIONS[0]), ("a concept question",
                                                          QUESTIONS[4])):
        cold = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "advisor.cli", "ask", q], check=True, capture_output=True)
            cold.append(time.perf_counter() - start)
        print(f"gpu-advisor ask, cold process, {label}: median {statistics.median(cold):.2f} s, "
              f"max {max(cold):.2f} s (target <= 2.5 s)")


if __name__ == "__main__":
    main()
