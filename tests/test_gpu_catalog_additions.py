"""GPUs people ask about that the catalog used to lack (China-market datacenter cards, mid-range GeForce):
they resolve from the names people type, carry sources for their figures, and run through the calculators."""

from __future__ import annotations

import pytest

from tools.catalog_io import norm_key
from tools.errors import AdvisorInputError
from tools.fit import FitRequest, check_fit
from tools.gpus import all_gpus, get_gpu
from tools.plan import PlanRequest, recommend_hardware
from tools.prices import gpu_prices
from tools.throughput import ThroughputRequest, estimate_throughput

ADDED = ["h20", "l20", "l2-24gb", "h800-sxm", "a800-80gb-sxm", "a800-80gb-pcie", "rtx-4060", "rtx-4060-ti-8gb",
         "rtx-4070", "rtx-4070-ti", "rtx-4070-super", "rtx-4070-ti-super", "rtx-5070", "rtx-5070-ti", "rtx-5060-ti-16gb",
         "rtx-a5000", "rtx-a4000", "b300", "mi210", "rtx-2080-ti", "rtx-3060-ti"]


@pytest.mark.parametrize("typed,expected", [
    ("h20", "h20"), ("H20 96G", "h20"), ("NVIDIA H20", "h20"), ("l20 48g", "l20"), ("L20", "l20"),
    ("L2 24GB", "l2-24gb"), ("h800", "h800-sxm"), ("H800 80GB HBM3", "h800-sxm"), ("a800 80g", "a800-80gb-sxm"),
    ("A800", "a800-80gb-sxm"), ("NVIDIA A800-SXM4-80GB", "a800-80gb-sxm"), ("A800 80GB PCIe", "a800-80gb-pcie"),
    ("4060", "rtx-4060"), ("rtx4060", "rtx-4060"), ("RTX 4060 Ti 8GB", "rtx-4060-ti-8gb"),
    ("4060 ti", "rtx-4060-ti-16gb"),  # the bare name stays on the 16 GB card, the one people buy for LLMs
    ("4070", "rtx-4070"), ("RTX 4070 Ti", "rtx-4070-ti"), ("4070 super", "rtx-4070-super"),
    ("4070ti super", "rtx-4070-ti-super"), ("4070 ti super", "rtx-4070-ti-super"), ("rtx-4070-ti-super", "rtx-4070-ti-super"),
    ("5070", "rtx-5070"), ("rtx 5070 ti", "rtx-5070-ti"), ("5060 ti", "rtx-5060-ti-16gb"), ("RTX 5060 Ti 16GB", "rtx-5060-ti-16gb"),
    ("A5000", "rtx-a5000"), ("rtx a4000", "rtx-a4000"), ("B300", "b300"), ("NVIDIA B300 SXM6 AC", "b300"),
    ("MI210", "mi210"), ("2080 Ti", "rtx-2080-ti"), ("rtx2080ti", "rtx-2080-ti"), ("3060 ti", "rtx-3060-ti"),
])
def test_new_gpus_resolve_from_what_people_type(typed, expected):
    assert get_gpu(typed).id == expected


def test_turing_has_no_bf16_and_runs_fp16():
    g = get_gpu("2080 ti")
    assert not g.supports_bf16 and not g.supports_fp8 and g.fp16_tflops_dense


def test_a_bare_l2_is_not_a_gpu_name():
    """'L2' alone is usually the cache; the L2 card needs its memory size, and the error names it."""
    with pytest.raises(AdvisorInputError, match="l2-24gb"):
        get_gpu("l2")


def test_no_two_gpus_share_a_lookup_key():
    """Lookups match on norm_key: a shared key would silently send one GPU's name to another GPU."""
    owner: dict[str, str] = {}
    for g in all_gpus():
        for name in (g.id, g.name, *g.aliases):
            assert owner.setdefault(norm_key(name), g.id) == g.id, f"{name!r}: {owner[norm_key(name)]} vs {g.id}"


@pytest.mark.parametrize("gpu_id", ADDED)
def test_new_gpus_carry_sources_for_their_key_figures(gpu_id):
    g = get_gpu(gpu_id)
    cited = {f for s in g.sources if s.url for f in s.fields}
    tensor = "bf16_tflops_dense" if g.bf16_tflops_dense else "fp16_tflops_dense"  # Turing has no BF16
    assert {"memory_bandwidth_gb_per_s", tensor, "interconnect"} <= cited
    assert cited & {"memory_mib_nvidia_smi", "memory_vendor_label"}, "memory capacity unsourced"
    if g.tdp_w:
        assert "tdp_w" in cited
    if g.memory_mib_nvidia_smi is None:
        assert "ESTIMATED" in g.notes, "a capacity not read from nvidia-smi must say it is an estimate"


@pytest.mark.parametrize("variant,parent", [("h800-sxm", "h100-sxm"), ("a800-80gb-sxm", "a100-80gb-sxm"),
                                            ("a800-80gb-pcie", "a100-80gb-pcie")])
def test_export_variants_keep_the_parent_compute_and_lose_interconnect(variant, parent):
    v, p = get_gpu(variant), get_gpu(parent)
    assert (v.bf16_tflops_dense, v.fp8_tflops_dense, v.memory_bandwidth_gb_per_s) == \
        (p.bf16_tflops_dense, p.fp8_tflops_dense, p.memory_bandwidth_gb_per_s)
    assert v.interconnect.bandwidth_gb_per_s < p.interconnect.bandwidth_gb_per_s


def test_h20_is_memory_rich_and_compute_poor_next_to_h100():
    h20, h100 = get_gpu("h20"), get_gpu("h100-sxm")
    assert h20.memory_gib > h100.memory_gib and h20.memory_bandwidth_gb_per_s > h100.memory_bandwidth_gb_per_s
    assert h20.bf16_tflops_dense < 0.2 * h100.bf16_tflops_dense
    assert h20.supports_fp8
    # decode is bandwidth-bound, prefill compute-bound: the H20 decodes faster and prefills slower than an H100
    req = dict(model="llama-3.1-8b", precision="bf16", prompt_tokens=4096, output_tokens=256)
    t20 = estimate_throughput(ThroughputRequest(gpu="h20", **req))
    t100 = estimate_throughput(ThroughputRequest(gpu="h100-sxm", **req))
    assert t20.decode_tokens_per_s > t100.decode_tokens_per_s
    assert t20.time_to_first_token_s > t100.time_to_first_token_s


def test_fit_on_new_cards_follows_their_memory():
    assert check_fit(FitRequest(model="llama-3.1-8b", gpu="h20", precision="bf16")).fits
    # 8B parameters x 2 bytes is ~15 GiB of weights: more than an 8 GB card holds
    assert not check_fit(FitRequest(model="llama-3.1-8b", gpu="4060", precision="bf16")).fits


def test_unpriced_new_cards_still_plan_and_say_they_are_unpriced():
    assert gpu_prices("h20").on_demand_usd_per_hour is None
    result = recommend_hardware(PlanRequest(model="llama-3.1-8b", gpus=["h20", "l20"]))
    assert result.options and {o.gpu_id for o in result.options} <= {"h20", "l20"}
    assert all(o.usd_per_hour is None for o in result.options)
    assert any("no rental price" in n for n in result.notes)


@pytest.mark.parametrize("text,found", [
    ("how much L2 cache does the 4090 have", [("rtx-4090", None)]),  # 'L2' is the cache here, not the L2 card
    ("I have two 4070s and an H20", [("rtx-4070", 2), ("h20", 1)]),  # '4070s' is a plural, not the 4070 SUPER
    ("8张H20能跑deepseek v3吗", [("h20", 8)]),
    ("a800 80g x4", [("a800-80gb-sxm", 4)]),
])
def test_chat_reads_the_new_names_in_questions(text, found):
    from advisor.offline.parse import find_gpus

    assert [(g, n) for g, n, _ in find_gpus(text)] == found


def test_a_plan_with_no_priced_gpu_does_not_call_an_option_cheapest():
    from advisor.render import plan_text

    text = plan_text(recommend_hardware(PlanRequest(model="llama-3.1-8b", gpus=["h20", "l20"])))
    assert "Cheapest" not in text
    assert "Fastest (no rental price on file for these GPUs)" in text
