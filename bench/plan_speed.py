"""`plan` over the whole catalog, in-process: median time per call. Target: under 50 ms."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.plan import PlanRequest, recommend_hardware  # noqa: E402

CASES = [PlanRequest(model="llama-3.1-70b", workload="inference", context=8192),
         PlanRequest(model="llama-3.1-8b", workload="inference", context=32768, concurrency=16),
         PlanRequest(model="qwen3-30b-a3b", workload="inference"),
         PlanRequest(model="llama-3.1-8b", workload="finetune", method="lora")]


def main(n: int = 15) -> None:
    for req in CASES:
        first = time.perf_counter()
        r = recommend_hardware(req)
        cold = time.perf_counter() - first
        times = []
        for _ in range(n):
            start = time.perf_counter()
            recommend_hardware(req)
            times.append(time.perf_counter() - start)
        print(f"{req.model:<16}{req.workload:<10} configs {r.considered:>4}  first {cold * 1e3:6.1f} ms  "
              f"median {statistics.median(times) * 1e3:6.1f} ms  (target < 50 ms)")


if __name__ == "__main__":
    main()
