"""Serving speed and time-to-first-token rows, each tagged with its source, mapped onto estimate_throughput.

Two kinds of data: the serving rows of bench/measured.json (llama.cpp tables, AutoAWQ, TensorRT-LLM's perf
overview, BLOOM inference, NVIDIA NIM) and bench/published_speed.json (rows from sources the model was not
written against: TensorRT-LLM v1.0 tables and launch blogs, gpt-fast, InferenceX, llama.cpp pull requests and
benchmark issues). bench/serve_fit.py fits tools/throughput.py's five ServeCalib constants on them and scores
every source with the constants fitted without it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from tools.models import find_catalog_id, get_model
from tools.throughput import (
    SERVE_CALIB,
    ServeCalib,
    ThroughputRequest,
    estimate_throughput,
    offline_throughput,
    saturating_batch,
)

PUBLISHED = Path(__file__).resolve().parent / "published_speed.json"
SPEED, TTFT = "serving speed", "time to first token"


@dataclass(frozen=True)
class ServeRow:
    row_id: str
    source: str  # the unit left out in the held-out fit
    group: str  # SPEED or TTFT
    metric: str  # decode | static_total | offline | cb_total | cb_per_user | ttft_ms | tokens_per_s_with_prefill
    req: dict
    measured: float
    how: str
    per_gpu: bool = False  # the figure is divided by the GPU count
    gap: str = ""
    added: str = ""  # rows of bench/measured.json added after the model was frozen
    extra: dict = field(default_factory=dict)

    @property
    def moe(self) -> bool:
        return get_model(self.req["model"]).is_moe

    def predict(self, calib: ServeCalib = SERVE_CALIB) -> float:
        req = ThroughputRequest(**self.req)
        if self.metric == "offline":
            r = offline_throughput(req, calib, batch=_saturating(self))
            v = r.decode_tokens_per_s_total
        else:
            r = estimate_throughput(req, calib)
            out = self.req.get("output_tokens", 256)
            v = {"decode": lambda: r.decode_tokens_per_s_total,
                 "static_total": lambda: r.batch * out / r.request_seconds,
                 "cb_total": lambda: r.batch * out / r.request_seconds,
                 "cb_per_user": lambda: r.decode_tokens_per_s,
                 "ttft_ms": lambda: 1000 * r.time_to_first_token_s,
                 "tokens_per_s_with_prefill": lambda: r.batch * out / r.request_seconds}[self.metric]()
        return v / self.req.get("gpu_count", 1) if self.per_gpu else v


_SAT: dict[str, int] = {}


def _saturating(row: ServeRow) -> int:
    """The offline batch depends on memory only, not on the speed constants: computed once per row."""
    if row.row_id not in _SAT:
        _SAT[row.row_id] = saturating_batch(ThroughputRequest(**row.req))
    return _SAT[row.row_id]


# --- rows of bench/measured.json -----------------------------------------------------------------------------
TG = dict(prompt_tokens=1, output_tokens=512)  # llama-bench tg512
DEC23 = ("llama.cpp snapshot of Dec 2023: its CUDA kernels of the time reached far less of a datacenter GPU's "
         "bandwidth than later builds; we model the current kernels.")
AWQ_DECODE_GAP = ("AutoAWQ's eager fused attention expands GQA KV heads with repeat_interleave each step, so long "
                  "contexts cost more than the bytes we count.")
XD = "xiongjiedai-gpu-benchmarks"
NIM70 = dict(model="llama-3.3-70b", gpu="h100-sxm", gpu_count=2, precision="fp8", framework="tensorrt-llm",
             prompt_tokens=5000, output_tokens=500)


@lru_cache(maxsize=1)
def _measured() -> dict[str, dict]:
    data = json.loads((PUBLISHED.parent / "measured.json").read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["rows"]}


def _m(row_id, source, metric, how, gap="", added="", group=SPEED, **req) -> ServeRow:
    value = _measured()[row_id]["value"]
    if metric == "ms_per_token":  # DeepSpeed-Inference's wall time / (batch x new tokens), as tokens/s
        metric, value, how = "tokens_per_s_with_prefill", 1000 / value, how + " (as 1000 / ms per token)"
    return ServeRow(row_id, source, group, metric, req, value, how, gap=gap, added=added)


MEASURED_ROWS = [
    _m("tput-llamacpp-l3-8b-q4km-3090", XD, "decode", "llama.cpp, Q4_K_M, tg512", model="llama-3-8b",
       gpu="rtx-3090", precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-8b-q4km-4090", XD, "decode", "llama.cpp, Q4_K_M, tg512", model="llama-3-8b",
       gpu="rtx-4090", precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-8b-f16-4090", XD, "decode", "llama.cpp, F16, tg512", model="llama-3-8b", gpu="rtx-4090",
       precision="f16", **TG),
    _m("tput-llamacpp-l3-70b-q4km-2x4090", XD, "decode", "llama.cpp layer split over 2 GPUs (they take turns)",
       model="llama-3-70b", gpu="rtx-4090", gpu_count=2, precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-70b-q4km-2x3090", XD, "decode", "llama.cpp layer split over 2 GPUs", model="llama-3-70b",
       gpu="rtx-3090", gpu_count=2, precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-70b-f16-8x4090", XD, "decode", "llama.cpp layer split over 8 GPUs", model="llama-3-70b",
       gpu="rtx-4090", gpu_count=8, precision="f16", **TG),
    _m("tput-llamacpp-l3-8b-q4km-m2ultra", XD, "decode", "llama.cpp Metal", model="llama-3-8b", gpu="m2-ultra",
       precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-70b-q4km-m2ultra", XD, "decode", "llama.cpp Metal", model="llama-3-70b", gpu="m2-ultra",
       precision="q4_k_m", **TG),
    _m("tput-llamacpp-l3-70b-q4km-m3max", XD, "decode", "llama.cpp Metal", model="llama-3-70b", gpu="m3-max",
       precision="q4_k_m", **TG),
    _m("tput-llamacpp-l2-7b-q4_0-a100-80gb", XD, "decode", "llama.cpp (Dec 2023)", DEC23, model="llama-2-7b",
       gpu="a100-80gb-sxm", precision="q4_0", **TG),
    _m("tput-llamacpp-l2-70b-q4_0-a100-80gb", XD, "decode", "llama.cpp (Dec 2023)", DEC23, model="llama-2-70b",
       gpu="a100-80gb-sxm", precision="q4_0", **TG),
    _m("tput-llamacpp-l2-7b-f16-h100pcie", XD, "decode", "llama.cpp (Dec 2023)", DEC23, model="llama-2-7b",
       gpu="h100-pcie", precision="f16", **TG),
    _m("tput-llamacpp-l2-7b-q4_0-m2ultra", XD, "decode", "llama.cpp Metal (Dec 2023)", DEC23, model="llama-2-7b",
       gpu="m2-ultra", precision="q4_0", **TG),
    _m("inf-tput-autoawq-vicuna7b-gemv-bs1-64", "autoawq-readme", "decode", "AutoAWQ fused layers, 64+64",
       model="vicuna-7b-v1.5", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", prompt_tokens=64,
       output_tokens=64),
    _m("inf-tput-autoawq-mistral7b-gemm-bs1-2048", "autoawq-readme", "decode", "AutoAWQ fused layers, 2048+2048",
       AWQ_DECODE_GAP, model="mistral-7b-v0.1", gpu="rtx-4090", precision="awq-4bit", framework="autoawq",
       prompt_tokens=2048, output_tokens=2048),
    _m("inf-tput-autoawq-llama2-13b-gemm-bs1-64", "autoawq-readme", "decode", "AutoAWQ fused layers, 64+64",
       model="llama-2-13b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", prompt_tokens=64,
       output_tokens=64),
    _m("inf-tput-autoawq-codellama34b-gemm-bs1-2048", "autoawq-readme", "decode", "AutoAWQ fused layers, 2048+2048",
       AWQ_DECODE_GAP, model="codellama-34b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq",
       prompt_tokens=2048, output_tokens=2048),
    _m("tput-llamacpp-l32-3b-f16-m2ultra-nov24", "llamacpp-pr-10238", "decode",
       "llama.cpp Metal, llama-bench tg128 (Nov 2024 master)", added="2026-11-30", model="llama-3.2-3b",
       gpu="m2-ultra", precision="f16", prompt_tokens=1, output_tokens=128),
    _m("tput-llamacpp-l32-3b-q4_0-m2ultra-nov24", "llamacpp-pr-10238", "decode",
       "llama.cpp Metal, llama-bench tg128 (Nov 2024 master)", added="2026-11-30", model="llama-3.2-3b",
       gpu="m2-ultra", precision="q4_0", prompt_tokens=1, output_tokens=128),
    _m("tput-llamacpp-l33-70b-q4km-m3ultra-dec25", "geerlingguy-beowulf-issue-17", "decode",
       "llama.cpp Metal, flash attention, llama-bench tg128 (build 7315)", added="2026-11-30", model="llama-3.3-70b",
       gpu="m3-ultra", precision="q4_k_m", prompt_tokens=1, output_tokens=128),
    _m("tput-llamacpp-tinyllama-q4km-m1ultra-feb26", "geerlingguy-aibench-issue-48", "decode",
       "llama.cpp Metal, llama-bench tg128 (build 7825)", added="2026-11-30", model="tinyllama-1.1b", gpu="m1-ultra",
       precision="q4_k_m", prompt_tokens=1, output_tokens=128),
    _m("inf-tput-autoawq-mistral7b-gemm-bs8-2048", "autoawq-readme", "decode", "AutoAWQ, batch 8",
       model="mistral-7b-v0.1", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", batch=8,
       prompt_tokens=2048, output_tokens=2048),
    _m("inf-tput-autoawq-llama2-13b-gemm-bs3-2048", "autoawq-readme", "decode", "AutoAWQ, batch 3",
       model="llama-2-13b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", batch=3, prompt_tokens=2048,
       output_tokens=2048),
    _m("tput-bloom176b-accelerate-bf16-8xa100-bs1", "hf-blog-bloom-inference", "ms_per_token",
       "Accelerate device_map: layers split over 8 GPUs (modelled as 8 pipeline stages, eager), ms per token",
       model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, tensor_parallel=1, pipeline_parallel=8,
       precision="bf16", framework="transformers", prompt_tokens=16, output_tokens=100, batch=1),
    _m("tput-bloom176b-dsinference-fp16-8xa100-bs1", "hf-blog-bloom-inference", "ms_per_token",
       "DeepSpeed-Inference TP=8 (modelled as a CUDA-graph engine), ms per token",
       "DeepSpeed-Inference's 2022 kernels and NCCL all-reduces were slower than today's runtimes.",
       model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, precision="fp16", framework="vllm", prompt_tokens=16,
       output_tokens=100, batch=1),
    _m("tput-bloom176b-dsinference-fp16-8xa100-bs128", "hf-blog-bloom-inference", "ms_per_token",
       "DeepSpeed-Inference TP=8, batch 128", "DeepSpeed-Inference's 2022 kernels were slower than today's.",
       model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, precision="fp16", framework="vllm", prompt_tokens=16,
       output_tokens=100, batch=128),
]
for _rid, _m_id, _g, _n, _p, _i, _o in (
        ("tput-trtllm-l31-8b-fp8-1xh100-128-128", "llama-3.1-8b", "h100-sxm", 1, "fp8", 128, 128),
        ("tput-trtllm-l31-8b-fp8-1xh100-1000-1000", "llama-3.1-8b", "h100-sxm", 1, "fp8", 1000, 1000),
        ("tput-trtllm-l31-8b-fp8-1xh200-1000-1000", "llama-3.1-8b", "h200-sxm", 1, "fp8", 1000, 1000),
        ("tput-trtllm-l33-70b-fp8-2xh100-1000-1000", "llama-3.3-70b", "h100-sxm", 2, "fp8", 1000, 1000),
        ("tput-trtllm-l33-70b-fp8-1xh200-1000-1000", "llama-3.3-70b", "h200-sxm", 1, "fp8", 1000, 1000),
        ("tput-trtllm-l33-70b-fp4-1xb200-1000-1000", "llama-3.3-70b", "b200", 1, "nvfp4", 1000, 1000),
        ("tput-trtllm-l31-405b-fp8-8xh100-1000-1000", "llama-3.1-405b", "h100-sxm", 8, "fp8", 1000, 1000)):
    MEASURED_ROWS.append(_m(_rid, "trtllm-perf-overview", "offline", "TensorRT-LLM offline, batch saturated by KV memory",
                            model=_m_id, gpu=_g, gpu_count=_n, precision=_p, framework="tensorrt-llm",
                            prompt_tokens=_i, output_tokens=_o))
for _c in (1, 5, 25, 50):
    MEASURED_ROWS += [
        _m(f"nim-l33-70b-fp8-2xh100-5000-500-c{_c}", "nvidia-nim-benchmarks", "cb_total",
           f"TensorRT-LLM FP8 TP=2, {_c} users, 5000-token prompts, 500-token answers: all users' output tok/s",
           concurrency=_c, continuous_batching=True, **NIM70),
        _m(f"nim-l33-70b-fp8-2xh100-5000-500-c{_c}-per-user", "nvidia-nim-benchmarks", "cb_per_user",
           f"same, decode tok/s per user at {_c} users", concurrency=_c, continuous_batching=True, **NIM70),
    ]

# DeepSeek-R1-0528 on 16 H100 (two nodes over InfiniBand), SGLang, one user: Tenstorrent's GPU reference sweep
# (github.com/tenstorrent/tt-inference-server/issues/356, 2025-07-09; "16 H100 (SGLANG + INFINIBAND)"). SGLang's
# two-node recipe is tensor parallel 16 (--tp 16 --nnodes 2); the sweep does not restate it.
TT356 = "tt-inference-server-issue-356"
for _isl, _tps, _ttft in ((128, 43.25, 179.7), (1024, 43.04, 391.7), (4096, 42.13, 199.7)):
    _req = dict(model="deepseek-r1", gpu="h100-sxm", gpu_count=16, tensor_parallel=16, precision="fp8",
                framework="sglang", prompt_tokens=_isl, output_tokens=128, concurrency=1)
    MEASURED_ROWS += [
        ServeRow(f"tt356-dsr1-16xh100-{_isl}-128-user", TT356, SPEED, "decode", _req, _tps,
                 f"SGLang TP16 over 2 nodes, 1 user, {_isl}/128 tokens: Tput User (tok/s)"),
        ServeRow(f"tt356-dsr1-16xh100-{_isl}-128-ttft", TT356, TTFT, "ttft_ms", _req, _ttft,
                 f"same, TTFT (ms) of a {_isl}-token prompt"),
    ]

# --- rows of bench/published_speed.json --------------------------------------------------------------------------
MODELS = {"Llama 3.1 8B Instruct": "llama-3.1-8b", "Llama 3.3 70B Instruct": "llama-3.3-70b",
          "Qwen3-235B-A22B": "qwen3-235b-a22b", "Llama 4 Maverick 17B-128E": "llama-4-maverick",
          "Llama 3.1 405B Instruct": "llama-3.1-405b", "GPT-J 6B": "gpt-j-6b", "Llama 2 13B": "llama-2-13b",
          "Llama 2 70B": "llama-2-70b", "LLaMA 7B (codellama-7b)": "codellama-7b", "LLaMA 7B (original)": "llama-1-7b",
          "Llama 3.1 8B": "llama-3.1-8b", "Llama 3.2 3B Instruct": "llama-3.2-3b",
          "TinyLlama 1.1B 1T OpenOrca": "tinyllama-1.1b", "DeepSeek-R1-0528": "deepseek-r1", "DeepSeek-R1": "deepseek-r1",
          "DeepSeek-V3": "deepseek-v3", "Llama-2-7B": "llama-2-7b", "Llama-3.1-8B": "llama-3.1-8b",
          "Llama-2-70B": "llama-2-70b", "Llama-3.1-70B": "llama-3.1-70b", "Llama-3.1-405B": "llama-3.1-405b",
          "Mixtral 8x7B Instruct v0.1": "mixtral-8x7b", "gpt-oss-20b (GGUF MXFP4)": "gpt-oss-20b",
          "DeepSeek-R1 (671B MoE)": "deepseek-r1", "Qwen2.5-7B-Instruct-AWQ": "qwen2.5-7b",
          "Qwen2.5-32B-Instruct-AWQ": "qwen2.5-32b", "Qwen2.5-72B-Instruct-AWQ": "qwen2.5-72b",
          "Llama 3.1 405B (FP8)": "llama-3.1-405b", "Llama 3.1 70B": "llama-3.1-70b", "Llama 3.1 405B": "llama-3.1-405b",
          "llama 8B (Llama 3 8B)": "llama-3-8b"}
GPUS = {"H200": "h200-sxm", "H100 SXM 80GB": "h100-sxm", "A100 SXM 80GB": "a100-80gb-sxm", "RTX 4090": "rtx-4090",
        "RTX 3090 Ti": "rtx-3090-ti", "Apple M2 Ultra": "m2-ultra", "RTX 3080": "rtx-3080-10gb",
        "Apple M1 Ultra": "m1-ultra", "B200": "b200", "MI300X": "mi300x",
        "A100 80GB (SXM/PCIe not stated)": "a100-80gb-sxm", "H100 (variant not stated)": "h100-sxm",
        "RTX 6000 Ada": "rtx-6000-ada", "RTX PRO 6000 Blackwell": "rtx-pro-6000-blackwell",
        "NVIDIA B200": "b200", "NVIDIA H200": "h200-sxm", "NVIDIA A100 80GB": "a100-80gb-sxm",
        "AMD Instinct MI300X": "mi300x", "NVIDIA H100 80GB HBM3": "h100-sxm", "NVIDIA GH200": "gh200",
        "NVIDIA GeForce RTX 5090": "rtx-5090", "NVIDIA GeForce RTX 4090": "rtx-4090",
        "NVIDIA GeForce RTX 3090": "rtx-3090", "NVIDIA GeForce RTX 2080 Ti": "rtx-2080-ti"}
PRECISION = {"fp8": "fp8", "fp16": "fp16", "bf16": "bf16", "F16": "f16", "Q8_0": "q8_0", "Q4_0": "q4_0",
             "Q4_K_M": "q4_k_m", "int8 weight-only": "int8", "int4 weight-only (group 32)": "awq-4bit",
             "awq int4": "awq-4bit", "Q4_K_S": "q4_k_s", "Q6_K": "q6_k", "Q5_0": "q5_0",
             "nvfp4 weights, FP16 KV cache": "nvfp4"}
GPT_FAST_OUT = 200  # gpt-fast generate.py's default max_new_tokens
# Rows of bench/published_speed.json not scored, and why (docs/validation.md lists them).
NOT_SCORED: dict[str, str] = {}


def _model_id(r: dict) -> str | None:
    """Catalog id of a published model name: the table above, else the name as given (aliases, HF ids)."""
    if r["model"] in MODELS:
        return MODELS[r["model"]]
    for name in (r["model"], r.get("hf_id") or ""):  # the catalog only: never the Hub, never a size guess
        mid = find_catalog_id(name.removesuffix("-FP8").removesuffix("-Instruct")) if name else None
        if mid:
            return mid
    return None


def _precision(text: str) -> str | None:
    """Format key of a published precision: the table above, else its first word when we model that format."""
    if text in PRECISION:
        return PRECISION[text]
    head = text.split(" ")[0].lower()
    return head if head in ("fp8", "bf16", "fp16", "mxfp4", "nvfp4") else None


def _engine(name: str) -> str | None:
    n = name.lower()
    for key, fw in (("tensorrt-llm", "tensorrt-llm"), ("sglang", "sglang"), ("vllm", "vllm"),
                    ("llama.cpp", "llama.cpp"), ("gpt-fast", "vllm")):
        if key in n:
            return fw
    return None


def _published_row(r: dict) -> ServeRow | None:
    """Map one published row onto a request, or record why it cannot be (NOT_SCORED). A row with `added` was
    scored by the frozen model before it joined the fits (docs/speed-model.md records that blind score)."""
    row = _mapped_row(r)
    return replace(row, added=r["added"]) if row is not None and r.get("added") else row


def _mapped_row(r: dict) -> ServeRow | None:
    s = r["setting"]
    why = None
    if r["group"].startswith("training"):
        return None
    model, gpu = _model_id(r), next((v for k, v in GPUS.items() if r["gpu"].startswith(k)), None)
    prec = _precision(s.get("precision") or "")
    fw = _engine(s.get("engine", ""))
    group = r["group"]
    if group.startswith("training"):
        return None
    if not model or not gpu:
        why = f"model {r['model']!r} or GPU {r['gpu']!r} not in the catalog"
    elif not prec:
        why = f"precision {s.get('precision')!r} not modelled (IQ quants are not in tools/formats.py yet) or not stated"
    elif not fw:  # an engine named without its version is scored: the version is a caveat, not a blank
        why = f"engine {s.get('engine')!r} not modelled or not stated"
    elif r["unit"].endswith("/node"):
        why = "per-node figure of a disaggregated (prefill/decode) deployment: not modelled"
    elif s.get("tokens_counted", "").startswith("not stated"):
        why = "the throughput may count prompt tokens too (not stated): not comparable with output tokens/s"
    elif s.get("speculative"):
        why = f"speculative decoding ({s['speculative']}) not modelled: its speed rests on the draft acceptance rate"
    elif s.get("ep") and s["ep"] > 1:
        why = "wide expert parallel with data-parallel attention and prefill/decode disaggregation: not modelled"
    elif not r.get("gpu_count"):
        why = "GPU count not published"
    elif group in ("serving_throughput", "ttft") and not s.get("input_tokens"):
        why = "prompt and output lengths not published"
    if why:
        NOT_SCORED[r["id"]] = why
        return None
    n = r["gpu_count"]
    req = dict(model=model, gpu=gpu, gpu_count=n, precision=prec, framework=fw)
    if fw != "llama.cpp":
        req["tensor_parallel"] = s.get("tp") or n
    q = r["quantity"].lower()
    per_gpu = "per gpu" in q or "/gpu" in q or r["unit"].endswith("/GPU")
    src = r["source_id"]
    if src.startswith("trtllm-perf-overview"):
        src = "trtllm-perf-overview"  # the same document as bench/measured.json's rows, a later version
    inp, out = s.get("input_tokens"), s.get("output_tokens")
    how = f"{s.get('engine', '')[:40]}, {r['quantity'][:60]}"
    if group in ("llamacpp_decode", "llamacpp_prefill"):
        req.update(prompt_tokens=inp or 1, output_tokens=out or 1)
        if group == "llamacpp_prefill":  # pp512 tokens/s as the time to prefill the 512-token prompt, ms
            return ServeRow(r["id"], src, TTFT, "ttft_ms", req, 1000 * (inp or 512) / r["value"],
                            how + f" (as TTFT = {inp or 512} prompt tokens / that rate)")
        return ServeRow(r["id"], src, SPEED, "decode", req, r["value"], how)
    if group == "serving_decode_single":
        req.update(prompt_tokens=inp or 5, output_tokens=out or GPT_FAST_OUT)
        c = s.get("concurrency") or 1
        if c > 1 or s.get("batch") is None:
            req.update(concurrency=c, continuous_batching=c > 1)
        metric = "cb_per_user" if c > 1 else "decode"
        if s.get("includes_prefill") and c == 1:  # output tokens over the whole request, the prompt's prefill too
            metric = "tokens_per_s_with_prefill"
            req["batch"] = 1
        value = 1000 / r["value"] if r["unit"] == "ms/token" else r["value"]  # TPOT as tokens/s per user
        return ServeRow(r["id"], src, SPEED, metric, req, value, how + (" (as 1000 / TPOT)" if value != r["value"]
                                                                           else ""))
    if group == "ttft":
        b = s.get("batch") or s.get("concurrency") or 1
        req.update(prompt_tokens=inp, output_tokens=out or 128, batch=b)
        if s.get("concurrency") and not s.get("batch"):
            req.update(concurrency=s["concurrency"], continuous_batching=True)
        value = r["value"] * (1000 if r["unit"] == "s" else 1)
        return ServeRow(r["id"], src, TTFT, "ttft_ms", req, value, how)
    if group == "serving_throughput":
        req.update(prompt_tokens=inp, output_tokens=out)
        if s.get("concurrency"):
            req.update(concurrency=s["concurrency"], continuous_batching=True)
            return ServeRow(r["id"], src, SPEED, "cb_total", req, r["value"], how, per_gpu=per_gpu)
        if s.get("batch"):
            req["batch"] = s["batch"]
            return ServeRow(r["id"], src, SPEED, "static_total", req, r["value"], how, per_gpu=per_gpu)
        return ServeRow(r["id"], src, SPEED, "offline", req, r["value"], how, per_gpu=per_gpu)
    NOT_SCORED[r["id"]] = f"group {group!r} not mapped"
    return None


@lru_cache(maxsize=1)
def published_rows() -> list[ServeRow]:
    data = json.loads(PUBLISHED.read_text(encoding="utf-8"))["rows"]
    seen = {(r.req["model"], r.req["gpu"], r.measured) for r in MEASURED_ROWS}
    out = []
    for r in data:
        row = _published_row(r)
        if row is None:
            continue
        if (row.req["model"], row.req["gpu"], row.measured) in seen:
            NOT_SCORED[r["id"]] = "the same measurement is already a row of bench/measured.json"
            continue
        out.append(row)
    return out


def serve_rows() -> list[ServeRow]:
    return MEASURED_ROWS + published_rows()


def published_sources() -> dict[str, str]:
    """row id -> source link for the rows of bench/published_speed.json and the rows written out above."""
    out = {r["id"]: r["source"] for r in json.loads(PUBLISHED.read_text(encoding="utf-8"))["rows"]}
    out.update({r.row_id: "https://github.com/tenstorrent/tt-inference-server/issues/356" for r in MEASURED_ROWS
                if r.source == TT356})
    return out
