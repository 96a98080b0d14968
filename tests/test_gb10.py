"""NVIDIA GB10 (DGX Spark): 128 GB unified memory at 273 GB/s, FP4/FP8/BF16 from NVIDIA's one published figure
(1 PFLOP FP4 with sparsity), sourced, and what people type resolves to it."""

import pytest

from advisor.offline.parse import find_gpus
from tools.gpus import get_gpu


@pytest.mark.parametrize("typed", ["GB10", "DGX Spark", "nvidia dgx spark", "Dell Pro Max GB10"])
def test_gb10_resolves(typed):
    assert get_gpu(typed).id == "gb10"


def test_gb10_figures_and_sources():
    g = get_gpu("gb10")
    assert (g.memory_gib, g.memory_bandwidth_gb_per_s, g.tdp_w) == (128.0, 273, 140)
    assert (g.fp4_tflops_dense, g.fp8_tflops_dense, g.bf16_tflops_dense) == (500.0, 250.0, 125.0)
    assert g.usable_gib == pytest.approx(119.0, abs=0.1)  # the OS and CPU share the 128 GB
    assert not g.has_fast_interconnect  # two Sparks link over 200 GbE, not NVLink
    covered = {f for s in g.sources for f in s.fields}
    assert {"memory_gib", "memory_bandwidth_gb_per_s", "fp4_tflops_dense", "fp8_tflops_dense", "tdp_w",
            "gpu_usable_fraction"} <= covered
    assert "DERIVED" in g.notes


def test_chat_finds_a_dgx_spark():
    assert find_gpus("Can I run Llama 3 70B on a DGX Spark?")[0][0] == "gb10"
