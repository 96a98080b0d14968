"""A request that leaves precision unset is sized in the format the weights ship in."""

from __future__ import annotations

import pytest

from tools.arch import native_precision
from tools.memory import MemoryRequest, estimate_memory
from tools.models import get_model
from tools.quantization import QuantizationRequest, compare_quantization
from tools.throughput import ThroughputRequest, estimate_throughput


@pytest.mark.parametrize("model,native", [("gpt-oss-120b", "mxfp4"), ("gpt-oss-20b", "mxfp4"),
                                          ("deepseek-v3", "fp8"), ("deepseek-r1", "fp8"), ("llama-3.1-8b", "bf16")])
def test_catalog_native_formats(model, native):
    assert get_model(model).native_precision == native


@pytest.mark.parametrize("model,gib", [("gpt-oss-120b", 60.8), ("gpt-oss-20b", 12.8)])
def test_gpt_oss_is_sized_in_mxfp4_by_default(model, gib):
    """The gpt-oss model card (arXiv 2508.10925, Table 1) lists checkpoints of 60.8 GiB and 12.8 GiB."""
    est = estimate_memory(MemoryRequest(model=model))
    assert est.precision == "mxfp4"
    assert est.weights_gib == pytest.approx(gib, rel=0.01)
    assert any(n.startswith(f"{get_model(model).name} ships in MXFP4: {est.weights_gib:.1f} GiB") for n in est.notes)


def test_an_explicit_precision_wins():
    est = estimate_memory(MemoryRequest(model="gpt-oss-120b", precision="bf16"))
    assert est.precision == "bf16" and not any("ships in" in n for n in est.notes)


def test_sixteen_bit_models_keep_bf16_without_a_note():
    est = estimate_memory(MemoryRequest(model="llama-3.1-8b"))
    assert est.precision == "bf16" and not any("ships in" in n for n in est.notes)


def test_training_a_natively_fp8_model_is_sized_dequantized_and_says_so():
    est = estimate_memory(MemoryRequest(model="deepseek-v2-lite", workload="training", method="lora"))
    assert est.precision == "bf16"
    est = estimate_memory(MemoryRequest(model="gpt-oss-20b", workload="training", method="lora"))
    assert est.precision == "bf16" and any("ships in MXFP4; training is sized with 16-bit" in n for n in est.notes)


def test_throughput_and_quantization_default_to_the_native_format():
    t = estimate_throughput(ThroughputRequest(model="gpt-oss-120b", gpu="h100-sxm"))
    assert t.precision == "mxfp4" and any("ships in MXFP4" in n for n in t.notes)
    q = compare_quantization(QuantizationRequest(model="gpt-oss-20b"))
    assert "mxfp4" in [o.format for o in q.options] and "ships in MXFP4" in q.notes[0]


@pytest.mark.parametrize("qc,expected", [
    ({"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]}, "fp8"),
    ({"quant_method": "mxfp4"}, "mxfp4"),
    ({"quant_method": "gptq", "bits": 4, "group_size": 128}, "gptq-4bit-g128"),
    ({"quant_method": "gptq", "bits": 4, "group_size": 32}, "gptq-4bit-g32"),
    ({"quant_method": "awq", "bits": 4, "group_size": 128}, "awq-4bit"),
    ({"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_use_double_quant": True}, "nf4-dq"),
    ({"quant_method": "bitsandbytes", "load_in_8bit": True}, "int8"),
    ({"quant_method": "compressed-tensors",
      "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float"}}}}, "fp8"),
])
def test_native_format_from_quantization_config(qc, expected):
    assert native_precision({"quantization_config": qc}) == expected
    assert native_precision({"torch_dtype": "bfloat16"}) == "bf16"


def test_cli_names_the_native_format(capsys):
    from advisor.cli import main

    assert main(["memory", "--model", "gpt-oss-120b"]) == 0
    out = capsys.readouterr().out
    assert "mxfp4" in out.lower() and "ships in MXFP4" in out
