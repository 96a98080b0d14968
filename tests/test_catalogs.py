"""The GPU and model catalogs: well-formed entries with sources, lookups, parameter counts."""

import dataclasses
import json

import pytest

from tools.base import check
from tools.catalog_io import load_json
from tools.errors import AdvisorInputError, UnknownNameError
from tools.gpus import GPU, all_gpus, get_gpu
from tools.models import PATH_REFUSED, all_specs, config_spec, get_model, size_spec
from tools.params import count_params

REQUIRED_GPUS = ["rtx-3090", "rtx-4090", "rtx-5090", "rtx-a6000", "rtx-6000-ada", "rtx-pro-6000-blackwell", "t4",
                 "a10g", "l4", "l40s", "v100-32gb-sxm2", "a100-40gb-pcie", "a100-40gb-sxm", "a100-80gb-pcie",
                 "a100-80gb-sxm", "h100-pcie", "h100-sxm", "h100-nvl", "h200-sxm", "gh200-96gb", "b200", "mi300x",
                 "mi325x", "m2-ultra", "m3-max", "m3-ultra", "m4-max", "tpu-v5e", "tpu-v5p", "tpu-v6e"]


def test_every_required_gpu_is_in_the_catalog():
    ids = {g.id for g in all_gpus()}
    assert not set(REQUIRED_GPUS) - ids


@pytest.mark.parametrize("gpu", all_gpus(), ids=lambda g: g.id)
def test_gpu_entry_is_well_formed(gpu: GPU):
    check(gpu)  # field types
    assert 4 <= gpu.memory_gib <= 600
    assert 100 <= gpu.memory_bandwidth_gb_per_s <= 20000
    assert gpu.sources and all(s.url for s in gpu.sources), "every spec carries a source"
    assert gpu.aliases
    if gpu.memory_mib_nvidia_smi:
        assert gpu.memory_gib == pytest.approx(gpu.memory_mib_nvidia_smi / 1024, abs=0.01)
    if gpu.bf16_tflops_dense and gpu.fp8_tflops_dense:
        assert gpu.fp8_tflops_dense == pytest.approx(2 * gpu.bf16_tflops_dense, rel=0.05)


def test_gpu_catalog_keys_are_known_fields():
    known = {f.name for f in dataclasses.fields(GPU)}
    for raw in load_json("gpus.json")["gpus"]:
        assert set(raw) <= known, set(raw) - known


def test_aliases_are_unique_across_gpus():
    seen = {}
    for g in all_gpus():
        for a in [g.id, *g.aliases]:
            assert seen.setdefault(a.lower(), g.id) == g.id, f"{a} is on {seen[a.lower()]} and {g.id}"


@pytest.mark.parametrize("typed,expected", [
    ("4090", "rtx-4090"), ("rtx4090", "rtx-4090"), ("RTX 4090 24GB", "rtx-4090"), ("h100 sxm", "h100-sxm"),
    ("H100", "h100-sxm"), ("NVIDIA A100 80GB", "a100-80gb-sxm"), ("a100-40gb", "a100-40gb-sxm"), ("3090", "rtx-3090"),
    ("mi300x", "mi300x"), ("M2 Ultra", "m2-ultra"), ("tpu v5e", "tpu-v5e"), ("L40S", "l40s")])
def test_gpu_lookup_accepts_what_people_type(typed, expected):
    assert get_gpu(typed).id == expected


def test_unknown_gpu_names_the_closest():
    with pytest.raises(UnknownNameError, match=r"Did you mean: .*rtx-4090"):
        get_gpu("rtx 4091")


def test_nvidia_smi_capacities_we_rely_on():
    # nvidia-smi totals quoted in the design notes: H100 80GB 81559 MiB, RTX 4090 24564 MiB
    assert get_gpu("h100-sxm").memory_gib == pytest.approx(81559 / 1024, abs=0.01)
    assert get_gpu("rtx-4090").memory_gib == pytest.approx(24564 / 1024, abs=0.01)


def test_apple_unified_memory_is_limited_by_default():
    m2 = get_gpu("m2-ultra")
    assert m2.usable_gib == pytest.approx(0.75 * m2.memory_gib)


# ---- models -------------------------------------------------------------------------------------------

def _official_total(spec, counts) -> float:
    raw = _raw_entry(spec.id)
    total = counts.total
    if raw.get("official_counts_tied_head_twice"):
        total += spec.vocab_size * spec.hidden_size
    return total / 1e9


def _raw_entry(model_id: str) -> dict:
    from tools.catalog_io import data_files

    for path in data_files("models"):
        for e in json.loads(path.read_text())["models"]:
            if e["id"] == model_id:
                return e
    raise KeyError(model_id)


def test_catalog_has_at_least_40_models_and_the_required_families():
    ids = {s.id for s in all_specs()}
    assert len(ids) >= 40
    for needed in ["llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.3-70b",
                   "llama-4-scout", "llama-4-maverick", "mistral-7b-v0.1", "mistral-nemo-12b", "mixtral-8x7b",
                   "mixtral-8x22b", "qwen2.5-0.5b", "qwen2.5-72b", "qwen3-30b-a3b", "qwen3-235b-a22b", "gemma-2-9b",
                   "gemma-3-27b", "phi-3-mini-4k", "phi-4", "deepseek-v3", "deepseek-r1", "gpt-oss-20b",
                   "gpt-oss-120b", "falcon-7b", "bloom-176b"]:
        assert needed in ids, needed


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.id)
def test_parameter_count_matches_the_official_figure(spec):
    counts = count_params(spec)
    raw = _raw_entry(spec.id)
    official = spec.official_params_b
    assert official, f"{spec.id} has no official count"
    # 1%, or half a unit of the published rounding ("1T", "1.7B") when that is wider
    tol = max(0.01 * official, raw.get("official_params_rounding_b", 0) / 2)
    assert _official_total(spec, counts) == pytest.approx(official, abs=tol)
    assert spec.config_source and spec.params_source


@pytest.mark.parametrize("spec", [s for s in all_specs() if s.official_active_params_b], ids=lambda s: s.id)
def test_moe_active_parameters(spec):
    """Publishers differ on whether the input embedding counts as 'active' (Mixtral: yes; gpt-oss,
    DeepSeek-V2-Lite: no). Accept either within 3% (published active counts are rounded to 0.1B)."""
    c = count_params(spec)
    with_embed, without = c.active / 1e9, (c.active - c.embedding) / 1e9
    official = spec.official_active_params_b
    tol = 0.03 * official
    assert min(abs(with_embed - official), abs(without - official)) <= tol


def test_key_architectures_are_read_right():
    l3 = get_model("llama-3-70b")
    assert (l3.num_kv_heads, l3.head_dim, l3.tie_embeddings) == (8, 128, False)
    assert get_model("llama-3.2-1b").tie_embeddings
    ds = get_model("deepseek-v3")
    assert ds.is_mla and ds.is_moe and ds.moe_layers == 58 and ds.kv_lora_rank == 512
    assert get_model("gemma-2-9b").sliding_layers == 21
    g3 = get_model("gemma-3-27b")
    assert (g3.sliding_window, g3.sliding_layers, g3.vocab_size) == (1024, 52, 262208)
    assert get_model("gpt-oss-120b").sliding_layers == 18
    assert get_model("falcon-7b").num_kv_heads == 1
    assert get_model("mixtral-8x7b").experts_per_token == 2


@pytest.mark.parametrize("typed,expected", [("Llama 3.1 8B", "llama-3.1-8b"), ("meta-llama/Llama-3.1-8B", "llama-3.1-8b"),
                                            ("qwen2.5-7b-instruct", "qwen2.5-7b"), ("LLAMA-2-13B", "llama-2-13b")])
def test_model_lookup(typed, expected):
    assert get_model(typed).id == expected


def test_unknown_model_names_the_closest():
    with pytest.raises(UnknownNameError, match="llama-3.1-8b"):
        get_model("llama-3.1-8x")


def test_bare_size_gives_an_approximate_typical_shape():
    s = get_model("13B")
    assert s.approximate and s.origin == "size"
    assert count_params(s).total / 1e9 == pytest.approx(13, rel=0.08)
    assert "approx" in s.name
    assert count_params(get_model("70b")).total / 1e9 == pytest.approx(70, rel=0.08)
    assert count_params(get_model("500M")).total / 1e9 == pytest.approx(0.5, rel=0.25)
    with pytest.raises(AdvisorInputError, match="out of range"):
        size_spec(0)


def test_local_config_json_gives_the_exact_shape(tmp_path):
    cfg = {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
           "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": 152064, "tie_word_embeddings": False,
           "max_position_embeddings": 32768}
    p = tmp_path / "config.json"
    p.write_text(json.dumps(cfg))
    s = get_model(str(p), allow_path=True)
    assert s.origin == "config" and not s.approximate
    assert count_params(s).total == count_params(get_model("qwen2.5-7b")).total
    assert get_model(str(tmp_path), allow_path=True).hidden_size == 3584  # a folder holding config.json works too


@pytest.mark.parametrize("path", ["/etc/passwd", "/dev/zero", "/no/such/dir/config.json", "~/x.json", "../config.json",
                                  "C:\\models\\config.json", "a/b/config.json"])
def test_tools_refuse_local_paths_without_saying_whether_they_exist(path):
    with pytest.raises(AdvisorInputError) as err:
        get_model(path)
    assert str(err.value) == PATH_REFUSED  # the same words for every path: nothing about the file


def test_cli_context_allows_paths_but_not_special_files(tmp_path):
    import os

    from tools.models import local_paths_allowed

    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    with local_paths_allowed():
        with pytest.raises(AdvisorInputError, match="not a regular file"):
            get_model(str(fifo))  # a FIFO would block forever if opened
    with pytest.raises(AdvisorInputError, match="only by the gpu-advisor CLI"):
        get_model(str(fifo))


def test_bad_config_json_is_a_clear_error(tmp_path):
    p = tmp_path / "config.json"
    p.write_text('{"model_type": "llama"}')
    with pytest.raises(AdvisorInputError, match="hidden_size"):
        config_spec(str(p))
    p.write_text("not json")
    with pytest.raises(AdvisorInputError, match="Could not read"):
        config_spec(str(p))
    with pytest.raises(AdvisorInputError, match="No file"):
        config_spec(str(tmp_path / "missing.json"))


def test_lookup_tools():
    from tools.lookup import lookup_gpu, lookup_model

    assert lookup_gpu("4090").memory_gib == pytest.approx(23.99, abs=0.01)
    info = lookup_model("llama-3-70b")
    assert info.params_b == pytest.approx(70.55, abs=0.01)
    assert info.kv_cache_bytes_per_token_bf16 == 327_680


def test_unknown_gpu_suggestions_name_each_gpu_once():
    with pytest.raises(UnknownNameError) as err:
        get_gpu("h1000")
    assert len(err.value.suggestions) == len(set(err.value.suggestions)) and "h100-sxm" in err.value.suggestions
