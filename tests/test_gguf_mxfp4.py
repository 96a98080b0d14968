"""llama.cpp runs gpt-oss from GGUF files whose experts stay MXFP4: sizes against llama-bench's size column, and
the speed model reading the file llama.cpp actually loads."""

import pytest

from tools.formats import engine_format, weight_bytes, weight_format
from tools.memory import MemoryRequest, estimate_memory
from tools.models import get_model
from tools.throughput import ThroughputRequest, estimate_throughput

GIB = 2**30


@pytest.mark.parametrize("fmt, gib", [
    ("mxfp4_moe", 11.27),  # "gpt-oss 20B MXFP4 MoE | 11.27 GiB | 20.91 B" (llama-bench, llama.cpp PR 16991 and others)
    ("f16", 12.83),  # "GPT-OSS 20B F16 | 12.83 GiB | 20.91 B": the "F16" file keeps the experts in MXFP4
])
def test_gpt_oss_20b_gguf_sizes_match_llama_bench(fmt, gib):
    assert weight_bytes(get_model("gpt-oss-20b"), weight_format(fmt)) / GIB == pytest.approx(gib, rel=0.01)


def test_the_hf_checkpoint_keeps_attention_in_bf16():
    # the Hugging Face MXFP4 checkpoint: experts MXFP4, attention, router and embeddings bf16 (13.8 GB of safetensors)
    assert weight_bytes(get_model("gpt-oss-20b"), weight_format("mxfp4")) / GIB == pytest.approx(12.82, rel=0.01)


def test_llama_cpp_reads_the_mxfp4_moe_gguf_and_vllm_the_checkpoint():
    m = get_model("gpt-oss-20b")
    assert engine_format(weight_format("mxfp4"), "llama.cpp", m).key == "mxfp4_moe"
    assert engine_format(weight_format("mxfp4"), "vllm", m).key == "mxfp4"
    assert engine_format(weight_format("bf16"), "llama.cpp", m).key == "bf16"


def test_memory_on_llama_cpp_sizes_the_gguf_instead_of_refusing():
    est = estimate_memory(MemoryRequest(model="gpt-oss-20b", precision="mxfp4", gpu="rtx-4090", framework="llama.cpp",
                                        context=4096))
    assert est.breakdown_gib["weights"] == pytest.approx(11.27, rel=0.02)


def test_llama_cpp_decode_reads_the_smaller_file():
    req = dict(model="gpt-oss-20b", gpu="rtx-4090", precision="mxfp4", prompt_tokens=1, output_tokens=128)
    on_cpp = estimate_throughput(ThroughputRequest(**req, framework="llama.cpp"))
    on_vllm = estimate_throughput(ThroughputRequest(**req, framework="vllm"))
    assert on_cpp.weights_read_gb_per_token < 0.75 * on_vllm.weights_read_gb_per_token


def test_a_mac_runs_gpt_oss_as_its_gguf_in_llama_cpp():
    from advisor.offline.engine import OfflineEngine

    a = OfflineEngine().ask("gpt-oss-120b 在 Mac Studio M3 Ultra 96GB 上能跑吗？大概多少 token/s？")
    lead = a.text.splitlines()[0]
    assert "llama.cpp" in lead and "transformers" not in lead, lead
