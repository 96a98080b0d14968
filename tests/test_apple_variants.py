"""Apple Silicon memory variants (issue 27 item 7): 'M3 Max with 36GB' is the 30-core, 300 GB/s part with 36 GB, not
the 128 GB default; a chip named without memory stays on its stated default variant."""

from __future__ import annotations

import pytest

from advisor.offline.parse import find_gpus
from tools.gpus import all_gpus, get_gpu, memory_variant

VARIANTS = ["m3-max-36gb", "m3-max-48gb", "m3-max-64gb", "m3-max-96gb", "m4-max-36gb", "m4-max-48gb", "m4-max-64gb",
            "m4-pro", "m4-pro-48gb", "m4-pro-64gb", "m4", "m4-24gb", "m4-32gb", "m3-ultra-96gb", "m3-ultra-256gb",
            "m1-max", "m1-max-32gb", "m2-max", "m2-max-32gb", "m2-max-64gb", "m1-pro", "m1-pro-32gb", "m2-pro",
            "m2-pro-32gb", "m3-pro", "m3-pro-36gb", "m2", "m2-16gb", "m2-24gb", "m3", "m3-16gb", "m3-24gb"]


@pytest.mark.parametrize("gpu_id", VARIANTS)
def test_variant_is_in_the_catalog_with_sources_and_the_macos_limit(gpu_id):
    g = get_gpu(gpu_id)
    assert g.kind == "apple_unified" and g.gpu_usable_fraction == 0.75
    covered = {f for s in g.sources for f in s.fields}
    assert {"memory_gib", "memory_bandwidth_gb_per_s", "gpu_usable_fraction"} <= covered
    assert f"{round(g.memory_gib)}GB" in g.name


@pytest.mark.parametrize("gpu_id,memory_gib,bandwidth", [
    ("m3-max-36gb", 36, 300), ("m3-max-96gb", 96, 300), ("m3-max-48gb", 48, 400), ("m3-max", 128, 400),
    ("m4-max-36gb", 36, 410), ("m4-max-64gb", 64, 546), ("m4-pro-48gb", 48, 273), ("m4-pro", 24, 273),
    ("m4", 16, 120), ("m4-32gb", 32, 120), ("m3-ultra-96gb", 96, 819), ("m1-max", 64, 400), ("m2-max-32gb", 32, 400),
    ("m1-pro", 16, 200), ("m2-pro-32gb", 32, 200), ("m3-pro-36gb", 36, 153.6), ("m2", 8, 102.4), ("m3-24gb", 24, 102.4)])
def test_variant_memory_and_bandwidth(gpu_id, memory_gib, bandwidth):
    g = get_gpu(gpu_id)
    assert (g.memory_gib, g.memory_bandwidth_gb_per_s) == (memory_gib, bandwidth)


@pytest.mark.parametrize("typed,expected", [
    ("M3 Max 36GB", "m3-max-36gb"), ("m3 max 30-core", "m3-max-36gb"), ("M2 Ultra 192GB", "m2-ultra"),
    ("Mac mini M4 Pro 48GB", "m4-pro-48gb"), ("M4 Pro 24GB", "m4-pro"), ("M3 Ultra 96GB", "m3-ultra-96gb"),
    ("M2 Max 64GB", "m2-max-64gb"), ("M1 Max", "m1-max"), ("M3 Pro 36GB", "m3-pro-36gb"), ("MacBook Air M2", "m2"), ("M4 16GB", "m4"), ("M4 32GB", "m4-32gb"),
    ("M3 Max", "m3-max"), ("M4 Max", "m4-max"), ("M4 Pro", "m4-pro"), ("M4", "m4")])
def test_names_people_type_resolve_to_the_variant(typed, expected):
    assert get_gpu(typed).id == expected


@pytest.mark.parametrize("question,expected", [
    ("Can I run gpt-oss-20b on my MacBook Pro M3 Max with 36GB?", "m3-max-36gb"),
    ("llama 3 8b on an M4 Max (36 GB)?", "m4-max-36gb"), ("M4 Pro, 64GB: which model fits?", "m4-pro-64gb"),
    ("Can my M3 Max run Llama 3 70B?", "m3-max"), ("M3 Max with 40GB", "m3-max"),  # no such variant: the default
    ("My MacBook Air M2 has 16GB", "m2-16gb"),
    ("RTX 4090 with 24GB", "rtx-4090")])
def test_chat_parser_reads_the_memory_after_the_chip(question, expected):
    assert find_gpus(question)[0][0] == expected


def test_memory_variant_only_for_apple_chips():
    assert memory_variant("m3-max", 36) == "m3-max-36gb"
    assert memory_variant("m3-max-36gb", 128) == "m3-max"
    assert memory_variant("rtx-4090", 24) is None
    assert memory_variant("m3-max", 40) is None


def test_every_apple_chip_name_states_its_memory():
    for g in all_gpus():
        if g.kind == "apple_unified":
            assert "GB)" in g.name, g.name


def test_chat_sizes_the_36gb_m3_max_not_the_128gb_one():
    from advisor.offline.engine import OfflineEngine

    text = OfflineEngine(quick=True).ask("Can I run gpt-oss-20b on my MacBook Pro M3 Max with 36GB?").text
    first = text.splitlines()[0]
    assert "36GB" in first and "128GB" not in first, first
    assert "of 27.0 GiB" in first, first  # 75% of 36 GiB usable by the GPU, not 96.0 of 128


def test_chat_without_memory_names_the_default_variant():
    from advisor.offline.engine import OfflineEngine

    first = OfflineEngine(quick=True).ask("Can I run gpt-oss-20b on my MacBook Pro M3 Max?").text.splitlines()[0]
    assert "M3 Max (40-core GPU, 128GB)" in first, first


def test_detected_m3_max_with_36gb_matches_its_variant():
    from tools.detect import DetectedGPU, match_catalog

    d = DetectedGPU(index=0, name="Apple M3 Max", memory_mib=36 * 1024, vendor="apple", driver=None)
    assert match_catalog(d).catalog_id == "m3-max-36gb"
