"""Fit tools/training_speed.py's constants on published training rows and report held-out errors.

Throughput constants are fitted on the throughput rows (tokens/s, MFU, TFLOPs while running); the
goodput constant on whole-run GPU-hours. Leave-one-source-out: for each source, fit on the others
and score that source's rows. Run: python bench/train_fit.py [--write] (prints constants to paste
into tools/training_speed.py; the held-out table goes to docs/validation.md via bench/validate.py).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cases import rows  # noqa: E402
from bench.train_cases import E2E_ROWS, THROUGHPUT_ROWS, TrainRow  # noqa: E402
from tools.training_speed import Calib  # noqa: E402

SPEED_FIELDS = ("gemm_eff_ampere", "gemm_eff_hopper", "attn_eff_ampere", "attn_eff_hopper", "mem_bytes", "tp_exposed",
                "recompute_cost")
# FP8 vs BF16 runs of the same job (same source, model, GPUs, layout): fp8_gemm_rel is fitted on their speed-up
# ratios alone, after the other constants, so it answers "how much faster is FP8", not "how fast is this stack".
FP8_PAIRS = (("tt24-8b-8g-fp8", "tt-h100-l31-8b-8gpu-compile"), ("tt24-8b-128g-fp8", "tt-h100-l31-8b-128gpu-compile"),
             ("dgxc-l8-fp8-8-tok", "dgxc-l8-bf16-8-tok"), ("dgxc-l70-fp8-64-tok", "dgxc-l70-bf16-64-tok"),
             ("dgxc-l70-fp8-2048-tok", "dgxc-l70-bf16-2048-tok"),
             ("flagperf-llama3-8b-h100-8-fp8", "flagperf-llama3-8b-h100-8-bf16"))
BOUNDS = {"gemm_eff_ampere": (0.3, 0.95), "gemm_eff_hopper": (0.2, 0.95), "attn_eff_ampere": (0.05, 0.9),
          "attn_eff_hopper": (0.05, 0.9),
          "mem_bytes": (0.0, 1000.0), "tp_exposed": (0.0, 3.0), "fp8_gemm_rel": (0.3, 1.0), "recompute_cost": (0.2, 1.0), "other_loss": (0.0, 2.0)}


def measured(r: TrainRow) -> float:
    return r.value if r.value is not None else rows()[r.row_id]["value"]


def loss(calib: Calib, sample: list[TrainRow]) -> float:
    return statistics.fmean(abs(math.log(r.predict(calib) / measured(r))) for r in sample)


# The fixed neutral start of every fit (all sources and each leave-one-source-out refit): round values from the
# literature, never a fitted value, so a held-out source cannot leak into the constants that score it.
NEUTRAL = Calib(gemm_eff_ampere=0.6, gemm_eff_hopper=0.6, attn_eff_ampere=0.4, attn_eff_hopper=0.4, mem_bytes=200.0,
                tp_exposed=0.5, recompute_cost=0.5, other_loss=0.2, fp8_gemm_rel=0.75)


def fit(sample: list[TrainRow], fields: tuple[str, ...], start: Calib = NEUTRAL, rounds: int = 6) -> Calib:
    """Coordinate descent with shrinking multiplicative steps (stdlib only; ~7 constants)."""
    best, best_loss = start, loss(start, sample)
    step = 0.3
    for _ in range(rounds):
        for name in fields:
            lo, hi = BOUNDS[name]
            improved = True
            while improved:
                improved = False
                cur = getattr(best, name)
                for cand in (cur * (1 + step), cur / (1 + step), cur + step * 0.05, cur - step * 0.05):
                    cand = min(max(cand, lo), hi)
                    trial = dataclasses.replace(best, **{name: cand})
                    tl = loss(trial, sample)
                    if tl < best_loss - 1e-6:
                        best, best_loss, improved = trial, tl, True
        step /= 2
    return best


def fit_fp8(calib: Calib, sample: list[TrainRow]) -> Calib:
    """fp8_gemm_rel from the FP8/BF16 pairs whose rows are both in the sample (1-D search on the ratio error)."""
    by_id = {r.row_id: r for r in sample}
    pairs = [(by_id[a], by_id[b]) for a, b in FP8_PAIRS if a in by_id and b in by_id]
    if not pairs:
        return calib

    def err(c: Calib) -> float:
        return statistics.fmean(abs(math.log(f.predict(c) / b.predict(c) / (measured(f) / measured(b))))
                                for f, b in pairs)
    best = min((dataclasses.replace(calib, fp8_gemm_rel=v / 100) for v in range(30, 101)), key=err)
    return best


def fit_all(sample: list[TrainRow], e2e: list[TrainRow]) -> Calib:
    speed = fit(sample, SPEED_FIELDS)
    return fit(e2e, ("other_loss",), fit_fp8(speed, sample))


@lru_cache(maxsize=1)
def full_fit() -> Calib:
    return fit_all(THROUGHPUT_ROWS, E2E_ROWS)


@lru_cache(maxsize=1)
def held_out() -> list[dict]:
    """Each row scored by constants fitted without its source."""
    out = []
    sources = dict.fromkeys(r.source for r in THROUGHPUT_ROWS + E2E_ROWS)
    for src in sources:
        train_tp = [r for r in THROUGHPUT_ROWS if r.source != src]
        calib = fit_all(train_tp, [r for r in E2E_ROWS if r.source != src])  # from NEUTRAL, as the all-source fit
        for r in THROUGHPUT_ROWS + E2E_ROWS:
            if r.source == src:
                est = r.predict(calib)
                out.append({"row": r, "est": est, "meas": measured(r), "err": est / measured(r) - 1})
    return out


def main() -> None:
    calib = full_fit()
    print("fitted on all sources:", calib)
    print(f"in-sample mean |log error|: throughput {loss(calib, THROUGHPUT_ROWS):.3f}, "
          f"GPU-hours {loss(calib, E2E_ROWS):.3f}")
    results = held_out()
    for r in results:
        print(f"{r['row'].row_id:<48}{r['row'].source:<14}{r['meas']:>12,.1f}{r['est']:>12,.1f}{r['err']:>+8.1%}")
    for label, kinds in (("throughput", {"tokens_per_s", "mfu_pct", "hfu_tflops"}), ("GPU-hours", {"gpu_hours"})):
        errs = [abs(r["err"]) for r in results if r["row"].kind in kinds]
        print(f"held-out {label}: {len(errs)} rows, median |error| {statistics.median(errs):.1%}, "
              f"worst {max(errs):.1%}")


if __name__ == "__main__":
    main()


def markdown_section() -> list[str]:
    """Held-out table for docs/validation.md (called by bench/validate.py)."""
    results = held_out()
    sources = dict.fromkeys(r["row"].source for r in results)
    lines = ["## Training: held-out error (leave one source out)", "",
             "tools/training_speed.py's constants are fitted by `python bench/train_fit.py`. Here each source's",
             "rows are estimated with constants fitted **without that source** (throughput constants on the other",
             "sources' throughput rows, the goodput constant on the other sources' whole-run GPU-hours), every fit",
             "starting from the same fixed `NEUTRAL` constants (bench/train_fit.py), never from a fitted value. The",
             "FP8 GEMM efficiency is fitted on same-job FP8/BF16 pairs alone (docs/speed-model.md).", "",
             "| group | rows | sources | median abs error | worst |", "|---|---:|---:|---:|---:|"]
    missed = []
    for label, kinds in (("throughput while running", {"tokens_per_s", "mfu_pct", "hfu_tflops"}),
                         ("end-to-end GPU-hours", {"gpu_hours"})):
        sel = [r for r in results if r["row"].kind in kinds]
        errs = [abs(r["err"]) for r in sel]
        if statistics.median(errs) > 0.15:
            missed.append(label)
        lines.append(f"| {label} | {len(sel)} | {len({r['row'].source for r in sel})} | "
                     f"{statistics.median(errs):.1%} | {max(errs):.1%} |")
    verdict = f"**MISS** on {', '.join(missed)}" if missed else "both within it"
    lines += ["", f"Target (issues 17, 27): median <= 15% on both; {verdict}. The misses by source and their causes "
              "are in docs/speed-model.md.", "",
              "| source (left out) | rows | median abs error | worst |", "|---|---:|---:|---:|"]
    for src in sources:
        errs = [abs(r["err"]) for r in results if r["row"].source == src]
        lines.append(f"| {src} | {len(errs)} | {statistics.median(errs):.1%} | {max(errs):.1%} |")
    lines += ["", "| row | source | measured | held-out estimate | error |", "|---|---|---:|---:|---:|"]
    for r in results:
        lines.append(f"| `{r['row'].row_id}` | {r['row'].source} | {r['meas']:,.1f} | {r['est']:,.1f} | "
                     f"{r['err']:+.1%} |")
    return lines + [""]


def ranges() -> dict:
    """10th-90th percentile of held-out throughput errors, for tools/data/speed_ranges.json."""
    results = held_out()
    errs = sorted(r["err"] for r in results if r["row"].kind != "gpu_hours")
    q = statistics.quantiles(errs, n=10)
    return {"training": {"p10": round(q[0], 3), "p90": round(q[-1], 3), "rows": len(errs),
                         "sources": len({r["row"].source for r in results if r["row"].kind != "gpu_hours"}),
                         "median": round(statistics.median(abs(e) for e in errs), 3),
                         "assumes": "tuned published training stacks (Megatron-LM, NeMo, torchtitan, llm-foundry) "
                                    "of 2022-2025"}}
