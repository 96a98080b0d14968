"""How well the grounding check separates true figures from invented ones.

For a dozen real tool calls (every sizing tool), each numeric result field with a known unit is quoted in the
units people use ("41.8 GiB", "44.8 GB", "4.0 days", "$1.3k", "41.5%", "141 tokens/s", ...) inside an answer
sentence: these TRUE figures must pass. INVENTED figures use the same formats with a value drawn log-uniformly
between 1/4x and 4x of a real one and kept only when it is near no real value: not within 3% (nor within the
rounding of the digits shown) of any number in the tool result, its arguments or the question, under any unit
reading. A verdict set checks that "Yes" against a does-not-fit check_fit (and "No" against a fit) is caught.

    python bench/grounding.py [--seed 7] [--per-style 3] [--show 5]

Prints the share of invented figures flagged (target >= 95%) and of true figures flagged (target <= 2%)."""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.answer import ToolCallRecord  # noqa: E402
from advisor.figures import GIB, figures, key_kind  # noqa: E402
from advisor.grounding import check, known_values  # noqa: E402
from advisor.registry import result_dict, run_tool  # noqa: E402

CALLS = [
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}),
    ("Will Llama 3 70B run on 2x3090 at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "q4_k_m"}),
    ("Can 8 H100s serve 405B in FP8?", "check_fit",
     {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpu_count": 8, "precision": "fp8"}),
    ("Memory for Llama 3.1 8B at 8k?", "estimate_memory", {"model": "llama-3.1-8b", "context": 8192}),
    ("Memory to fully fine-tune Qwen2.5 7B?", "estimate_memory",
     {"model": "qwen2.5-7b", "workload": "training", "method": "full"}),
    ("How fast is Llama 3 8B Q4_K_M on a 4090?", "estimate_throughput",
     {"model": "llama-3-8b", "gpu": "rtx-4090", "precision": "q4_k_m"}),
    ("Throughput of Mixtral 8x7B on two A100s?", "estimate_throughput",
     {"model": "mixtral-8x7b", "gpu": "a100-80gb-sxm", "gpu_count": 2}),
    ("Time to train Llama 2 7B on 2T tokens on 2048 A100s?", "estimate_training",
     {"model": "llama-2-7b", "tokens": 2e12, "gpu": "a100-80gb-sxm", "gpu_count": 2048}),
    ("LoRA on Llama 3.1 8B for 50M tokens on one H100: how long?", "estimate_training",
     {"model": "llama-3.1-8b", "tokens": 5e7, "gpu": "h100-sxm", "gpu_count": 1, "method": "lora"}),
    ("What do 8 H100s cost for a day?", "estimate_cost", {"gpu": "h100-sxm", "gpu_count": 8, "hours": 24}),
    ("Cost per million tokens at 1500 tok/s on an L40S?", "estimate_cost",
     {"gpu": "l40s", "tokens_per_s": 1500, "utilization": 0.6}),
    ("Which GPUs to serve Llama 3.1 70B at 8k?", "recommend_hardware", {"model": "llama-3.1-70b", "context": 8192}),
    ("Specs of the MI300X?", "lookup_gpu", {"name": "mi300x"}),
    ("How big is DeepSeek-V3?", "lookup_model", {"name": "deepseek-v3"}),
]
SENTENCES = ["It needs about {f}.", "That comes to {f} in total.", "Expect roughly {f} here.", "大约是 {f}。"]


def _styles(kind: str, base: float, path: str = "") -> list[tuple[str, float, str]]:
    """(format, value in the shown unit, unit text) for a true value in base units, as people write it."""
    out = []
    if kind == "bytes":
        gib = base / GIB
        out += [("{:.1f}", gib, " GiB"), ("{:.2f}", gib, " GiB"), ("{:.1f}", base / 1e9, " GB")]
        if gib >= 20:
            out.append(("{:.0f}", gib, " GiB"))
    elif kind == "time":
        h = base / 3600
        out += [("{:,.1f}", h, " hours")] if h < 1000 else [("{:,.0f}", h, " GPU-hours" if "gpu" in path else " hours")]
        if h >= 24:
            out.append(("{:,.1f}", h / 24, " days"))
        if base < 60:
            out += [("{:.0f}", base * 1000, " ms"), ("{:.2f}", base, " s")]
    elif kind == "usd":
        out += [("${:,.2f}", base, "")] + ([("${:,.1f}k", base / 1000, "")] if base >= 1000 else [])
    elif kind == "fraction":
        out += [("{:.1f}", base * 100, "%")]
    elif kind == "rate":
        out += [("{:,.0f}", base, " tokens/s")] if base >= 100 else [("{:.1f}", base, " tok/s")]
    elif kind == "params":
        out += [("{:.1f}", base / 1e9, "B parameters")]
    elif kind == "bandwidth":
        out += [("{:,.0f}", base / 1e9, " GB/s")]
    elif kind == "flops":
        out += [("{:,.1f}", base / 1e12, " TFLOPS")]
    elif kind == "tokens" and base >= 1000:
        out += [("{:,.0f}", base, " tokens")]
    return out


def _fields(value, kind=None, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _fields(v, key_kind(k) or kind, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _fields(v, kind, f"{path}[{i}]")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and kind and value > 0:
        yield path, kind[0], float(value) * kind[1]


def _near(shown: str, known) -> bool:
    """Is this rendered figure within 3% (or within the rounding shown) of any real value, any unit reading?"""
    for f in figures(shown):
        tol = max(0.03 * f.value, 0.5 * 10 ** -f.decimals)
        for k in known:
            if any(abs(k.base / s - f.value) <= tol for s in f.scales) or abs(k.shown - f.value) <= tol or \
                    any(abs(k.shown - p) <= 0.03 * p for p in f.plain) or abs(k.base * 100 - f.value) <= tol:
                return True
    return False


def run(seed: int, per_style: int, show: int) -> dict:
    rng = random.Random(seed)
    true_n = true_bad = inv_n = inv_bad = 0
    misses: list[str] = []
    false_alarms: list[str] = []
    for question, tool, args in CALLS:
        calls = [ToolCallRecord(tool=tool, args=args, result=result_dict(run_tool(tool, args)))]
        known = known_values(calls, question, None)
        for path, kind, base in _fields(calls[0].result):
            for fmt, value, unit in _styles(kind, base, path):
                text = rng.choice(SENTENCES).format(f=fmt.format(value) + unit)
                true_n += 1
                if not check(text, calls, question).ok:
                    true_bad += 1
                    false_alarms.append(f"{tool}{path}: {text}")
                for _ in range(per_style):
                    for _try in range(20):
                        fake = fmt.format(value * math.exp(rng.uniform(-math.log(4), math.log(4)))) + unit
                        if not _near(fake, known):
                            break
                    else:
                        continue
                    text = rng.choice(SENTENCES).format(f=fake)
                    inv_n += 1
                    if check(text, calls, question).ok:
                        misses.append(f"{tool}{path}: {text}")
                    else:
                        inv_bad += 1
    verdicts = _verdicts()
    out = {"invented": inv_n, "invented_flagged_pct": 100 * inv_bad / max(inv_n, 1), "true": true_n,
           "true_flagged_pct": 100 * true_bad / max(true_n, 1), **verdicts}
    for label, rows in (("invented figures that passed", misses), ("true figures flagged", false_alarms)):
        for row in rows[:show]:
            print(f"  {label}: {row}")
    return out


def _verdicts() -> dict:
    no = ToolCallRecord(tool="check_fit", args={}, result=result_dict(run_tool("check_fit", dict(CALLS[0][2]))))
    yes = ToolCallRecord(tool="check_fit", args={}, result=result_dict(run_tool("check_fit", dict(CALLS[2][2]))))
    wrong = [("Yes, you can fine-tune 13B with LoRA on one 4090.", no), ("It fits on one 4090.", no),
             ("可以，一张 4090 就够。", no), ("No, 8 H100s are not enough for 405B.", yes),
             ("It does not fit on 8 H100s.", yes), ("不行，8 张 H100 放不下。", yes)]
    right = [("No: LoRA on 13B does not fit on one 4090.", no), ("不行，放不下。", no), ("Yes, it fits.", yes),
             ("可以，8 张 H100 放得下。", yes), ("Here is the breakdown.", no)]
    caught = sum(bool(check(t, [c]).contradiction) for t, c in wrong)
    false = sum(bool(check(t, [c]).contradiction) for t, c in right)
    return {"verdicts_wrong": len(wrong), "verdicts_caught": caught, "verdicts_right": len(right),
            "verdicts_false_alarms": false}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-style", type=int, default=3, help="invented figures per true figure")
    ap.add_argument("--show", type=int, default=5, help="examples of each kind of error to print")
    a = ap.parse_args(argv)
    r = run(a.seed, a.per_style, a.show)
    print(f"invented figures flagged: {r['invented_flagged_pct']:.1f}% of {r['invented']} (target >= 95%)")
    print(f"true figures flagged:     {r['true_flagged_pct']:.1f}% of {r['true']} (target <= 2%)")
    print(f"verdict contradictions caught: {r['verdicts_caught']} of {r['verdicts_wrong']}; "
          f"false alarms on right verdicts: {r['verdicts_false_alarms']} of {r['verdicts_right']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
