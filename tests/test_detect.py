"""This machine: vendor tool outputs (tests/data/detect/, see its README) parsed, matched to the catalog, and what runs
on the GPUs found, ranked; `gpu-advisor detect` with a stand-in nvidia-smi on PATH."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import machine as machine_mod
from advisor.machine import detect_machine
from tools.detect import DetectedGPU, machine_from, match_catalog, parse_apple_sysctl, parse_nvidia_smi, parse_rocm_smi
from tools.errors import AdvisorInputError
from tools.runnable import RunnableRequest, rank_runnable

DATA = Path(__file__).parent / "data" / "detect"


def read(name: str) -> str:
    return (DATA / name).read_text()


def fake_tool(folder: Path, name: str, fixture: str) -> None:
    """An executable `name` on a test PATH that prints a recorded output."""
    path = folder / name
    path.write_text(f"#!/bin/sh\nexec /bin/cat '{DATA / fixture}'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_two_rtx_3090_from_nvidia_smi():
    m = machine_from(parse_nvidia_smi(read("nvidia-smi-2x-rtx-3090.csv")), "nvidia-smi")
    assert [(g.index, g.name, g.memory_mib, g.catalog_id) for g in m.gpus] == [
        (0, "NVIDIA GeForce RTX 3090", 24576, "rtx-3090"), (1, "NVIDIA GeForce RTX 3090", 24576, "rtx-3090")]
    assert m.gpus[0].driver == "550.54.14"
    assert m.group() == ("rtx-3090", 2)


def test_csv_with_header_and_units_and_mixed_cards_size_for_the_bigger_set():
    m = machine_from(parse_nvidia_smi(read("nvidia-smi-mixed-with-header.csv")), "nvidia-smi")
    assert [g.catalog_id for g in m.gpus] == ["rtx-4090", "rtx-3060-12gb"]
    assert m.group() == ("rtx-4090", 1)
    assert any("Mixed GPUs" in n for n in m.notes)


def test_memory_picks_the_variant_and_a_card_not_in_the_catalog_is_said_plainly():
    (ti,) = [match_catalog(g) for g in parse_nvidia_smi(read("nvidia-smi-rtx-4060-ti-8gb.csv"))]
    assert ti.catalog_id == "rtx-4060-ti-8gb"  # the name alone would be the 16 GB entry
    (old,) = [match_catalog(g) for g in parse_nvidia_smi(read("nvidia-smi-rtx-2070.csv"))]
    assert old.catalog_id is None and "not in the GPU catalog" in old.note
    assert machine_from([old], "nvidia-smi").group() is None


def test_garbage_nvidia_smi_output_is_a_clear_error():
    with pytest.raises(AdvisorInputError, match="Unexpected nvidia-smi output"):
        parse_nvidia_smi("No devices were found, at all, today\n")


def test_rocm_smi_json():
    m = machine_from(parse_rocm_smi(read("rocm-smi-2x-mi300x.json")), "rocm-smi")
    assert [g.catalog_id for g in m.gpus] == ["mi300x", "mi300x"] and m.group() == ("mi300x", 2)
    (mi100,) = machine_from(parse_rocm_smi(read("rocm-smi-mi100.json")), "rocm-smi").gpus
    assert mi100.name == "AMD Instinct MI100" and mi100.memory_mib == 32752 and mi100.catalog_id is None


def test_apple_silicon_chip_and_unified_memory():
    (m3,) = [match_catalog(g) for g in parse_apple_sysctl(read("sysctl-apple-m3-max-128gb.txt"))]
    assert (m3.name, m3.memory_mib, m3.catalog_id) == ("Apple M3 Max", 131072, "m3-max")
    (m2,) = [match_catalog(g) for g in parse_apple_sysctl(read("sysctl-apple-m2-max-96gb.txt"))]
    assert m2.catalog_id == "m2-max"  # the catalog has had the M2 Max (96 GB) since issue 27
    odd = match_catalog(DetectedGPU(index=0, name="Apple M3 Max", vendor="apple", memory_mib=40 * 1024, driver=""))
    assert odd.catalog_id is None and "not in the catalog" in odd.note  # no 40 GB M3 Max: not sized as the 128 GB one
    assert parse_apple_sysctl("Intel(R) Core(TM) i9\n68719476736\n") == []


def test_detect_machine_runs_nvidia_smi_from_path(tmp_path, monkeypatch):
    fake_tool(tmp_path, "nvidia-smi", "nvidia-smi-2x-rtx-3090.csv")
    monkeypatch.setenv("PATH", str(tmp_path))
    detect_machine.cache_clear()
    try:
        m = detect_machine()
    finally:
        detect_machine.cache_clear()
    assert m.source == "nvidia-smi" and m.group() == ("rtx-3090", 2)


def test_no_gpu_tool_says_what_was_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(machine_mod, "_nvml", lambda: None)
    detect_machine.cache_clear()
    try:
        m = detect_machine()
    finally:
        detect_machine.cache_clear()
    assert m.gpus == [] and "nvidia-smi" in m.notes[0] and "--gpu" in m.notes[0]


def test_inference_ranking_on_two_3090s_uses_the_least_lossy_format_that_fits():
    r = rank_runnable(RunnableRequest(gpu="rtx-3090", gpu_count=2, limit=200))
    by_id = {m.model_id: m for m in r.models}
    sizes = [m.params_b for m in r.models]
    assert sizes == sorted(sizes, reverse=True) and r.runnable == len(r.models)
    # 48 GiB: a 70B model runs at 4 bits, not at 8; an 8B one at 16 bits (no loss)
    assert by_id["llama-3.3-70b"].format in ("q4_k_m", "awq-4bit", "gptq-4bit-g128", "iq4_xs")
    assert by_id["llama-3.1-8b"].format == "bf16"
    assert all(m.quality_impact != "large" and m.decode_tokens_per_s >= 5 for m in r.models)
    assert "llama-3.1-405b" not in by_id and "llama-2-13b" not in by_id  # too big; released before 2024
    m70 = by_id["llama-3.3-70b"]
    assert m70.required_gib <= m70.available_gib and m70.max_context >= m70.context


def test_filters_family_and_size_and_lora_qlora_order():
    r = rank_runnable(RunnableRequest(gpu="rtx-4090", workload="qlora", family="qwen", max_params_b=15))
    assert r.models and all("qwen" in m.family for m in r.models) and all(m.params_b <= 15.5 for m in r.models)
    lora = rank_runnable(RunnableRequest(gpu="rtx-4090", workload="lora", limit=200))
    qlora = rank_runnable(RunnableRequest(gpu="rtx-4090", workload="qlora", limit=200))
    assert max(m.params_b for m in qlora.models) > max(m.params_b for m in lora.models)  # 4-bit base: bigger models


def _cli(args, path):
    env = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "advisor.cli", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_cli_detect_with_recorded_two_3090s(tmp_path):
    fake_tool(tmp_path, "nvidia-smi", "nvidia-smi-2x-rtx-3090.csv")
    out = _cli(["detect", "--limit", "5"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("NVIDIA GeForce RTX 3090, 24,576 MiB (catalog: rtx-3090)") == 2
    for head in ("Inference on 2x NVIDIA GeForce RTX 3090", "LoRA fine-tuning", "QLoRA fine-tuning"):
        assert head in out.stdout
    assert "1. " in out.stdout and "tokens/s" in out.stdout
    data = json.loads(_cli(["detect", "--workload", "inference", "--family", "llama", "--json"], tmp_path).stdout)
    assert data["machine"]["gpus"][1]["catalog_id"] == "rtx-3090"
    assert [r["workload"] for r in data["rankings"]] == ["inference"]
    assert all("llama" in m["family"] for m in data["rankings"][0]["models"])


def test_cli_detect_with_an_unknown_card_says_so_and_exits_1(tmp_path):
    fake_tool(tmp_path, "nvidia-smi", "nvidia-smi-rtx-2070.csv")
    out = _cli(["detect"], tmp_path)
    assert out.returncode == 1 and "not in the GPU catalog" in out.stdout and "Traceback" not in out.stderr


def test_nvml_when_nvidia_smi_is_not_on_path(tmp_path, monkeypatch):
    """nvidia-ml-py's API as pynvml exposes it (names as bytes on older releases); a stand-in module."""
    import types

    fake = types.SimpleNamespace(
        nvmlInit=lambda: None, nvmlShutdown=lambda: None, nvmlSystemGetDriverVersion=lambda: b"550.54.14",
        nvmlDeviceGetCount=lambda: 2, nvmlDeviceGetHandleByIndex=lambda i: i,
        nvmlDeviceGetName=lambda h: b"NVIDIA GeForce RTX 3090",
        nvmlDeviceGetMemoryInfo=lambda h: types.SimpleNamespace(total=24576 * 1024**2))
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    monkeypatch.setenv("PATH", str(tmp_path))
    detect_machine.cache_clear()
    try:
        m = detect_machine()
    finally:
        detect_machine.cache_clear()
    assert m.source == "NVML" and m.group() == ("rtx-3090", 2) and m.gpus[0].driver == "550.54.14"
