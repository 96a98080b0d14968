"""Training throughput and GPU-hour rows (bench/measured.json, `source_key`) mapped onto estimate_training.

Each row names its source, so bench/train_fit.py can fit tools/training_speed.py's constants with one
source left out and report the error on it. bench/cases.py turns these into validation Cases.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tools.arch import ModelSpec
from tools.models import find_catalog_id
from tools.training import TrainingRequest, estimate_training
from tools.training_speed import CALIB, Calib

MPT_VOCAB = 50368  # llm-foundry's benchmark yamls (GPT-NeoX tokenizer padded to a multiple of 64)
# llm-foundry yamls (d_model, n_layers, n_heads); NumParams in the tables match 12*L*d^2 + vocab*d + seq*d
MPT = {"125m": (768, 12, 12), "350m": (1024, 24, 16), "760m": (1536, 24, 12), "1b": (2048, 24, 16),
       "3b": (2560, 32, 20), "7b": (4096, 32, 32), "13b": (5120, 40, 40), "30b": (7168, 48, 64), "70b": (8192, 80, 64)}
# Korthikanti et al. 2022, Table 3 (Megatron-LM's MFU table): hidden, layers, heads; vocabulary 51,200
MEGATRON = {"22b": (6144, 48, 64), "175b": (12288, 96, 96), "530b": (20480, 105, 128), "1t": (25600, 128, 160)}
GPU = {"a100_80gb": "a100-80gb-sxm", "a100_40gb": "a100-40gb-sxm", "h100_80gb": "h100-sxm"}


def gpt_spec(name: str, hidden: int, layers: int, heads: int, vocab: int, seq: int, learned_pos: bool) -> ModelSpec:
    """A GPT-style decoder (plain 4h GELU MLP, LayerNorm, multi-head attention, tied embeddings)."""
    return ModelSpec(id=name, name=name, origin="config", hidden_size=hidden, num_layers=layers, num_heads=heads,
                     num_kv_heads=heads, head_dim=hidden // heads, intermediate_size=4 * hidden, vocab_size=vocab,
                     tie_embeddings=True, max_context=seq, mlp="plain", norm="layer",
                     learned_positions=seq if learned_pos else 0)


@dataclass(frozen=True)
class TrainRow:
    row_id: str
    source: str  # independent source, the unit left out in the held-out fit
    kind: str  # "tokens_per_s" | "mfu_pct" | "hfu_tflops" | "gpu_hours"
    req: dict
    how: str
    spec: tuple | None = None  # (name, hidden, layers, heads, vocab, learned positions)
    value: float | None = None  # a second figure of the same row
    gap: str = ""
    extra: dict = field(default_factory=dict)

    def predict(self, calib: Calib = CALIB) -> float:
        req = TrainingRequest(**self.req)
        spec = gpt_spec(*self.spec[:5], req.sequence_length, self.spec[5]) if self.spec else None
        r = estimate_training(req, calib, spec)
        if self.kind == "tokens_per_s":
            return r.tokens_per_s_per_gpu
        if self.kind == "mfu_pct":
            return 100 * r.mfu
        if self.kind == "hfu_tflops":  # Megatron-DeepSpeed counts the recomputed forward as work
            return r.tflops_per_gpu * (8 / 6 if req.gradient_checkpointing else 1.0)
        return r.gpu_hours


def _lf(row_id: str, size: str, seq: int, n: int, gpu: str, ckpt: bool) -> TrainRow:
    d, L, h = MPT[size]
    return TrainRow(row_id, "llm-foundry", "tokens_per_s",
                    dict(model="7B", tokens=1e9, gpu=GPU[gpu], gpu_count=n, sequence_length=seq,
                         gradient_checkpointing=ckpt, framework="fsdp"),
                    f"MPT-{size} ({L}x{d}), seq {seq:,}, {n} GPUs, FSDP" + (", full recompute" if ckpt else ""),
                    spec=(f"mpt-{size}", d, L, h, MPT_VOCAB, True))


LF_ROWS = [
    _lf("lf-a100-125m-2k", "125m", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-350m-2k", "350m", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-760m-8k", "760m", 8192, 8, "a100_80gb", False),
    _lf("lf-a100-1b-2k", "1b", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-1b-32k", "1b", 32768, 8, "a100_80gb", False),
    _lf("lf-a100-3b-2k", "3b", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-7b-2k", "7b", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-7b-8k", "7b", 8192, 8, "a100_80gb", True),
    _lf("lf-a100-7b-65k", "7b", 65536, 8, "a100_80gb", True),
    _lf("lf-a100-13b-2k", "13b", 2048, 8, "a100_80gb", False),
    _lf("lf-a100-13b-32k", "13b", 32768, 8, "a100_80gb", True),
    _lf("lf-a100-30b-2k", "30b", 2048, 8, "a100_80gb", True),
    _lf("lf-a100-70b-64gpu", "70b", 2048, 64, "a100_80gb", True),
    _lf("lf-a10040-7b-128gpu", "7b", 2048, 128, "a100_40gb", True),
    _lf("lf-a10040-13b-64gpu", "13b", 2048, 64, "a100_40gb", True),
    _lf("lf-a10040-70b-128gpu", "70b", 2048, 128, "a100_40gb", True),
    _lf("lf-h100-760m-2k", "760m", 2048, 8, "h100_80gb", False),
    _lf("lf-h100-1b-2k", "1b", 2048, 8, "h100_80gb", False),
    _lf("lf-h100-3b-2k-64gpu", "3b", 2048, 64, "h100_80gb", False),
    _lf("lf-h100-7b-2k", "7b", 2048, 8, "h100_80gb", False),
    _lf("lf-h100-7b-32k", "7b", 32768, 8, "h100_80gb", True),
    _lf("lf-h100-13b-2k-64gpu", "13b", 2048, 64, "h100_80gb", False),
    _lf("lf-h100-30b-2k-32gpu", "30b", 2048, 32, "h100_80gb", True),
    _lf("lf-h100-70b-64gpu", "70b", 2048, 64, "h100_80gb", True),
]

TT_H100_GAP = ("torchtitan's H100s are the 96 GB HBM2e part capped at 500 W; its peak is below the SXM figure "
               "we divide by (their footnote), so we expect to over-estimate a little.")


def _tt(row_id: str, model: str, gpu: str, n: int, seq: int, ckpt: bool, how: str, gap: str = "") -> TrainRow:
    return TrainRow(row_id, "torchtitan", "tokens_per_s",
                    dict(model=model, tokens=1e9, gpu=gpu, gpu_count=n, sequence_length=seq,
                         gradient_checkpointing=ckpt, framework="torchtitan"), how, gap=gap)


TT_ROWS = [
    _tt("tt-a100-l3-8b-selop", "llama-3-8b", "a100-80gb-sxm", 64, 8192, False,
        "FSDP2 over 64 GPUs, seq 8,192, selective op checkpointing (little recompute)"),
    _tt("tt-a100-l3-70b-full", "llama-3-70b", "a100-80gb-sxm", 64, 8192, True, "FSDP2, seq 8,192, full recompute"),
    _tt("tt-a100-l2-13b-noac", "llama-2-13b", "a100-80gb-sxm", 64, 4096, False, "FSDP2, seq 4,096, no checkpointing"),
    _tt("tt-a100-l2-70b-full", "llama-2-70b", "a100-80gb-sxm", 64, 4096, True, "FSDP2, seq 4,096, full recompute"),
    _tt("tt-h100-l31-8b-8gpu-compile", "llama-3.1-8b", "h100-sxm", 8, 8192, False,
        "FSDP2 + torch.compile, 8 GPUs, seq 8,192, selective checkpointing", TT_H100_GAP),
    _tt("tt-h100-l31-8b-128gpu-compile", "llama-3.1-8b", "h100-sxm", 128, 8192, False,
        "FSDP2 + torch.compile, 128 GPUs, seq 8,192, selective checkpointing", TT_H100_GAP),
]


def _meg(row_id: str, size: str, n: int, seq: int = 2048, gpu: str = "a100-80gb-sxm", value: float | None = None,
         how: str = "") -> TrainRow:
    d, L, h = MEGATRON[size]
    return TrainRow(row_id, "megatron-lm", "mfu_pct",
                    dict(model="7B", tokens=1e9, gpu=gpu, gpu_count=n, sequence_length=seq, framework="megatron",
                         tensor_parallel=8),
                    how or f"GPT-{size.upper()} ({L}x{d}), TP 8, {n} GPUs, seq {seq:,}, selective recompute",
                    spec=(f"gpt-{size}", d, L, h, 51200 if seq == 2048 else 131072, False), value=value,
                    gap="pipeline bubbles of PP 8-64 with data parallel 1 are not modelled" if n > 8 else "")


MEG_ROWS = [
    _meg("train-megatron-gpt22b-a100-mfu", "22b", 8),
    _meg("train-megatron-gpt175b-a100-mfu", "175b", 64),
    _meg("train-megatron-gpt530b-a100-mfu", "530b", 280),
    _meg("train-megatron-gpt1t-a100-mfu", "1t", 512),
    _meg("train-megatron-gpt3-175b-1024xa100-tflops", "175b", 1024, value=100 * 138 / 312,
         how="GPT-3 175B, TP 8 x PP 16 x DP 8 = 1,024 GPUs, seq 2,048: 138 TFLOPs = 44% MFU"),
    _meg("train-megatron-gpt3-175b-h100-strongscale-4608", "175b", 4608, 4096, "h100-sxm",
         how="Megatron-Core GPT-3 175B on 4,608 H100s, seq 4,096 (TP 8 assumed)"),
    _meg("train-megatron-gpt3-175b-h100-strongscale-4608", "175b", 96, 4096, "h100-sxm", value=47.0,
         how="the same run's 96-GPU point: 47% MFU"),
]

L3_ROWS = [TrainRow(rid, "llama3-paper", "mfu_pct",
                    dict(model="llama-3.1-405b", tokens=1e9, gpu="h100-sxm", gpu_count=n, sequence_length=seq,
                         framework="megatron", tensor_parallel=8),
                    f"405B, {n:,} GPUs, TP 8, PP 16, seq {seq:,}" + (", context parallel 16" if seq > 8192 else ""))
           for rid, n, seq in (("l3-405b-8192gpu", 8192, 8192), ("l3-405b-16384gpu", 16384, 8192),
                               ("l3-405b-16384gpu-128k", 16384, 131072))]

BLOOM_ROWS = [TrainRow("bloom-176b-tflops", "bloom", "hfu_tflops",
                       dict(model="bloom-176b", tokens=1e9, gpu="a100-80gb-sxm", gpu_count=384, sequence_length=2048,
                            framework="megatron", tensor_parallel=4, gradient_checkpointing=True, network="ethernet"),
                       "Megatron-DeepSpeed TP 4 x PP 12 x DP 8, seq 2,048, full recompute (its TFLOPs count it); "
                       "Omni-Path 4x100 Gb/s per 8-GPU node, 1/8 of today's 400 Gb/s per GPU: the slow-fabric case")]

# End-to-end GPU-hours of whole runs: throughput x goodput.
E2E_ROWS = [
    TrainRow(f"train-llama2-{s}-gpuhours", "llama2-card", "gpu_hours",
             dict(model=f"llama-2-{s}", tokens=2e12, gpu="a100-80gb-sxm", gpu_count=2048, sequence_length=4096,
),
             "pretraining, 2T tokens, seq 4,096 (2,048 GPUs and the default layout assumed; the card states neither)")
    for s in ("7b", "13b", "70b")
] + [
    TrainRow("bloom-176b-gpuhours", "bloom", "gpu_hours",
             dict(model="bloom-176b", tokens=366e9, gpu="a100-80gb-sxm", gpu_count=384, sequence_length=2048,
                  framework="megatron", tensor_parallel=4, gradient_checkpointing=True, network="ethernet"),
             "366B tokens on 384 GPUs, TP 4 x PP 12, full recompute, Omni-Path (slow-fabric case)"),
    TrainRow("mpt-7b-gpuhours", "mpt-7b", "gpu_hours",
             dict(model="7B", tokens=1e12, gpu="a100-40gb-sxm", gpu_count=440, sequence_length=2048,
                  framework="fsdp", gradient_checkpointing=True),
             "1T tokens on 440 A100-40GB, FSDP, seq 2,048", spec=("mpt-7b", 4096, 32, 32, 50432, False)),
]

THROUGHPUT_ROWS = LF_ROWS + TT_ROWS + MEG_ROWS + L3_ROWS + BLOOM_ROWS

# --- rows from sources the model was not written against (bench/published_speed.json; ids match that file) ---
# FP8 and BF16 pairs from NVIDIA's recipes and torchtitan, with pipeline-parallel layouts. Tokens/s per GPU; the
# DGX Cloud recipe publishes totals, divided here by the GPU count. Micro-batches per pipeline = global batch /
# (data-parallel size x micro-batch); sequence 8,192 for torchtitan's llama3 configs (their default).


def _pub(row_id: str, source: str, model: str, gpu: str, n: int, seq: int, value: float, precision: str = "fp8",
         tp: int = 1, pp: int = 1, gbs: int = 0, mb: int = 1, ckpt: bool = False, fw: str = "megatron",
         how: str = "") -> TrainRow:
    dp = max(1, n // (tp * pp))
    micro = max(1, gbs // (dp * mb)) if gbs else None
    req = dict(model=model, tokens=1e9, gpu=gpu, gpu_count=n, sequence_length=seq, precision=precision,
               framework=fw, tensor_parallel=tp, pipeline_parallel=pp, microbatches=micro,
               gradient_checkpointing=ckpt)
    return TrainRow(row_id, source, "tokens_per_s", req,
                    how or f"{model}, {n} GPUs, TP {tp} x PP {pp}" + (f" ({micro} micro-batches)" if pp > 1 else "")
                    + f", seq {seq:,}, {precision.upper()}", value=value)


PUBLISHED_ROWS = [
    _pub("tt24-8b-8g-fp8", "torchtitan", "llama-3.1-8b", "h100-sxm", 8, 8192, 8532, fw="torchtitan",
         how="torchtitan FSDP + compile + Float8, 8 GPUs (pair of tt-h100-l31-8b-8gpu-compile)"),
    _pub("tt24-8b-128g-fp8", "torchtitan", "llama-3.1-8b", "h100-sxm", 128, 8192, 8380, fw="torchtitan",
         how="torchtitan FSDP + compile + Float8, 128 GPUs"),
    _pub("tt24-70b-256g-fp8", "torchtitan", "llama-3.1-70b", "h100-sxm", 256, 8192, 829, tp=8, ckpt=True,
         fw="torchtitan", how="torchtitan FSDP + TP 8 + Float8, 256 GPUs, full recompute"),
    _pub("tt-h200-32g", "torchtitan-trainy-h200", "llama-3.1-8b", "h200-sxm", 32, 8192, 10938, fw="torchtitan",
         how="torchtitan FSDP + compile + Float8 on H200 (Trainy), 32 GPUs"),
    _pub("tt-h200-64g", "torchtitan-trainy-h200", "llama-3.1-8b", "h200-sxm", 64, 8192, 10753, fw="torchtitan",
         how="same, 64 GPUs"),
    _pub("nemo2407-llama2-7b-tps", "nemo-perf-summary-24.07", "llama-2-7b", "h100-sxm", 8, 4096, 16847, gbs=128),
    _pub("nemo2407-llama3-8b-tps", "nemo-perf-summary-24.07", "llama-3-8b", "h100-sxm", 8, 8192, 12036, gbs=128),
    _pub("nemo2407-llama2-70b-tps", "nemo-perf-summary-24.07", "llama-2-70b", "h100-sxm", 64, 4096, 1707, tp=4, pp=4,
         gbs=128),
    _pub("nemo2407-llama3-70b-tps", "nemo-perf-summary-24.07", "llama-3-70b", "h100-sxm", 64, 8192, 1533, tp=4, pp=4,
         gbs=128),
    _pub("dgxc-l8-bf16-8-tok", "nvidia-dgxc-benchmarking", "llama-3.1-8b", "h100-sxm", 8, 8192, 81222 / 8,
         precision="bf16", gbs=128),
    _pub("dgxc-l8-fp8-8-tok", "nvidia-dgxc-benchmarking", "llama-3.1-8b", "h100-sxm", 8, 8192, 108436 / 8, gbs=128),
    _pub("dgxc-l8-fp8-128-tok", "nvidia-dgxc-benchmarking", "llama-3.1-8b", "h100-sxm", 128, 8192, 1708474 / 128,
         gbs=2048),
    _pub("dgxc-l70-bf16-64-tok", "nvidia-dgxc-benchmarking", "llama-3.1-70b", "h100-sxm", 64, 8192, 71235 / 64,
         precision="bf16", tp=4, pp=4, gbs=128),
    _pub("dgxc-l70-fp8-64-tok", "nvidia-dgxc-benchmarking", "llama-3.1-70b", "h100-sxm", 64, 8192, 95239 / 64, tp=4,
         pp=4, gbs=128),
    _pub("dgxc-l70-bf16-2048-tok", "nvidia-dgxc-benchmarking", "llama-3.1-70b", "h100-sxm", 2048, 8192,
         2248957 / 2048, precision="bf16", tp=4, pp=4, gbs=4096),
    _pub("dgxc-l70-fp8-2048-tok", "nvidia-dgxc-benchmarking", "llama-3.1-70b", "h100-sxm", 2048, 8192,
         2945955 / 2048, tp=4, pp=4, gbs=4096),
    _pub("mb2511-h100-l3-8b-tps", "megatron-bridge-25.11", "llama-3-8b", "h100-sxm", 8, 8192, 14451, gbs=128),
    _pub("mb2511-h100-l3-70b-tps", "megatron-bridge-25.11", "llama-3-70b", "h100-sxm", 64, 8192, 1602, tp=4, pp=8,
         gbs=128),
    _pub("mb2511-h100-l31-405b-tps", "megatron-bridge-25.11", "llama-3.1-405b", "h100-sxm", 1024, 8192, 292, tp=8,
         pp=8, gbs=512),
    _pub("mb2511-b200-l3-8b-tps", "megatron-bridge-25.11", "llama-3-8b", "b200", 8, 8192, 30624, gbs=128, mb=2),
]

# --- rows a research helper found in sources the project had never used (bench/published_speed.json, `added`),
# scored by the frozen model before they joined the fits (docs/speed-model.md has that blind score) ------------
PUBLISHED = Path(__file__).resolve().parent / "published_speed.json"
# Model shapes the sources name by architecture rather than by checkpoint
SHAPE_AS_CATALOG = {"Llama-3-style 8.03B ('7B')": "llama-3-8b", "Llama-3-style 70.55B": "llama-3-70b",
                    "Llama 2 34B arch (CodeLlama-34B shape)": "codellama-34b"}
# Training stacks as the step model groups them: Megatron-style 3D parallel (NeMo, FlagScale, nanotron), ZeRO
# (DeepSpeed, InternEvo), otherwise sharded data parallel (FSDP, FSDP2, Lightning)
STACKS = (("torchtitan", "torchtitan"), ("deepspeed", "deepspeed"), ("nemo", "megatron"), ("megatron", "megatron"),
          ("flagscale", "megatron"), ("nanotron", "megatron"), ("internevo", "deepspeed"), ("internlm", "deepspeed"))
TRAIN_GPUS = (("b200", "b200"), ("h800", "h800"), ("a800", "a800"), ("h200", "h200-sxm"), ("h100", "h100-sxm"),
              ("a100 40", "a100-40gb-sxm"), ("a100", "a100-80gb-sxm"))
KINDS = {"tokens/s/GPU": "tokens_per_s", "MFU %": "mfu_pct", "TFLOPS/GPU": "hfu_tflops"}
# Rows of that file not scored, and why (docs/validation.md lists them)
TRAIN_NOT_SCORED: dict[str, str] = {}


def _published_train_row(r: dict) -> TrainRow | None:
    s = r["setting"]
    if (s.get("cp") or 1) > 1:
        TRAIN_NOT_SCORED[r["id"]] = "context parallel: not modelled"
        return None
    if not s.get("seq_len"):
        TRAIN_NOT_SCORED[r["id"]] = "sequence length not published"
        return None
    model = SHAPE_AS_CATALOG.get(r["model"]) or (find_catalog_id(r["hf_id"]) if r.get("hf_id") else None)
    if not model:  # a size the source states (the generic shape for that size)
        model = re.search(r"([\d.]+)\s*B\b", r["model"]).group(1) + "B"
    name = r["gpu"].lower()
    gpu = next(v for k, v in TRAIN_GPUS if k in name)
    fw = next((v for k, v in STACKS if k in s.get("framework", "").lower()), "fsdp")
    n, tp, pp = r["gpu_count"], s.get("tp") or None, s.get("pp") or 1
    req = dict(model=model, tokens=1e9, gpu=gpu, gpu_count=n, sequence_length=s["seq_len"],
               precision=s.get("precision") or "bf16", framework=fw,
               gradient_checkpointing=s.get("activation_checkpointing") == "full")
    if tp:
        req["tensor_parallel"] = tp
    if pp > 1:
        req["pipeline_parallel"] = pp
        if s.get("global_batch") and s.get("micro_batch"):
            req["microbatches"] = max(1, s["global_batch"] // (s["micro_batch"] * (n // ((tp or 1) * pp))))
    how = f"{s.get('framework', '')[:48]}, {n} GPUs, TP {tp or 1} x PP {pp}, seq {s['seq_len']:,}, {req['precision']}"
    return TrainRow(r["id"], r["source_id"], KINDS[r["unit"]], req, how, value=r["value"])


def published_train_rows() -> list[TrainRow]:
    rows = json.loads(PUBLISHED.read_text(encoding="utf-8"))["rows"]
    out = (_published_train_row(r) for r in rows if r["group"] == "training_throughput" and r.get("added"))
    return [r for r in out if r is not None]


ADDED_ROWS = published_train_rows()
THROUGHPUT_ROWS = THROUGHPUT_ROWS + PUBLISHED_ROWS + ADDED_ROWS
