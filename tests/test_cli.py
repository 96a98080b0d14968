"""The gpu-advisor CLI as a user runs it: readable output, --json, exit 2 with one line on bad input."""

import json
import subprocess
import sys

import pytest

from advisor.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "advisor.cli", *args], capture_output=True, text=True, timeout=60)


def test_fit_text_output_and_exit_1_when_it_does_not_fit(capsys):
    assert main(["fit", "--model", "llama-2-13b", "--gpu", "rtx-4090", "--method", "lora"]) == 1
    out = capsys.readouterr().out
    assert "DOES NOT FIT" in out and "QLoRA" in out and "GiB" in out


def test_fit_json_is_the_result(capsys):
    assert main(["fit", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--count", "8", "--workload", "inference",
                 "--precision", "fp8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fits"] is True and data["memory"]["per_gpu_gib"] == data["required_gib"]
    assert {"total_gib", "per_gpu_gib", "breakdown_gib", "assumptions"} <= set(data["memory"])


def test_memory_command(capsys):
    assert main(["memory", "--model", "llama-3.1-8b", "--workload", "inference", "--precision", "bf16",
                 "--context", "8192", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["breakdown_gib"]["weights"] == pytest.approx(14.96, abs=0.01)
    assert data["breakdown_gib"]["kv_cache"] == pytest.approx(1.0, abs=0.01)


def test_gpus_and_models_listings(capsys):
    assert main(["gpus"]) == 0
    assert "rtx-4090" in capsys.readouterr().out
    assert main(["models"]) == 0
    assert "llama-3.1-405b" in capsys.readouterr().out
    assert main(["gpus", "4090", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "rtx-4090"
    assert main(["models", "deepseek-v3"]) == 0
    assert "MLA" in capsys.readouterr().out


@pytest.mark.parametrize("args,fragment", [
    (["fit", "--model", "llama-2-7b", "--gpu", "rtx-4091"], "Did you mean"),
    (["fit", "--model", "lama-2-7b", "--gpu", "rtx-4090"], "Unknown model"),
    (["memory", "--model", "llama-2-7b", "--batch", "0"], "--batch must be greater than 0"),
    (["memory", "--model", "llama-2-7b", "--batch", "-3"], "--batch must be greater than 0"),
    (["memory", "--model", "llama-2-13b", "--context", "100000"], "limit of 4,096"),
    (["fit", "--model", "llama-3-70b", "--gpu", "h100", "--count", "3"], "does not divide"),
    (["memory", "--model", "llama-2-7b", "--batch", "many"], "invalid int value"),
    (["fit", "--model", "llama-2-7b"], "--gpu"),
    (["memory", "--model", "llama-2-7b", "--precision", "q9"], "Unknown precision"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    p = run(*args)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], p.stderr


def test_tools_import_nothing_heavy():
    code = ("import sys, tools.fit, tools.memory_inference, tools.memory_training, advisor.cli; "
            "heavy = [m for m in ('langchain', 'chromadb', 'gradio', 'torch', 'pydantic') if m in sys.modules]; "
            "print(heavy)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip() == "[]", p.stdout + p.stderr


def test_part2_commands(capsys):
    assert main(["train", "--model", "llama-2-7b", "--tokens", "2e12", "--gpu", "a100-80gb-sxm"]) == 0
    out = capsys.readouterr().out
    assert "GPU-hours" in out and "MFU" in out and "Cost" in out
    assert main(["throughput", "--model", "llama-3-8b", "--quant", "q4_k_m", "--gpu", "rtx-4090",
                 "--framework", "llama.cpp", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decode_tokens_per_s"] > 100 and "prefill_tokens_per_s" in data
    assert main(["cost", "--gpu", "h100", "--count", "8", "--hours", "24"]) == 0
    assert "Cost of the run" in capsys.readouterr().out
    assert main(["quantize", "--model", "llama-3-70b", "--gpu", "rtx-4090", "--count", "2"]) == 0
    assert "q4_k_m" in capsys.readouterr().out
    assert main(["plan", "--model", "llama-3.1-70b", "--workload", "inference", "--context", "8192"]) == 0
    out = capsys.readouterr().out
    assert "H100 SXM" in out and "TIGHT" in out and "$/hour" in out
    assert main(["plan", "--table"]) == 0
    assert "70B-1T" in capsys.readouterr().out


@pytest.mark.parametrize("args,fragment", [
    (["train", "--model", "7B", "--tokens", "-1"], "--tokens must be at least 1"),
    (["throughput", "--model", "llama-3-8b", "--gpu", "4090", "--cpu-offload", "2"], "--cpu-offload-fraction"),
    (["plan"], "--model"),
    (["cost", "--gpu", "t4"], "--hours"),
    (["quantize", "--model", "llama-3-8b", "--formats", "q9"], "Unknown precision"),
])
def test_part2_bad_input(args, fragment):
    p = run(*args)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert fragment in p.stderr.strip().splitlines()[0], p.stderr


def test_index_and_search_commands(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")} | {"ADVISOR_DATA_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "advisor.cli"]
    p = subprocess.run([*cmd, "index"], capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0 and p.stdout.startswith("built:") and "passages from" in p.stdout, p.stderr
    p = subprocess.run([*cmd, "index"], capture_output=True, text=True, timeout=300, env=env)
    assert p.stdout.startswith("up to date:")
    p = subprocess.run([*cmd, "search", "QLoRA 为什么比 LoRA 省显存", "--json"], capture_output=True, text=True,
                       timeout=300, env=env)
    hits = json.loads(p.stdout)
    assert hits and hits[0]["citation"].startswith("knowledge/docs/") and "score" in hits[0]
    p = subprocess.run([*cmd, "search", "  "], capture_output=True, text=True, timeout=60, env=env)
    assert p.returncode == 2 and "Traceback" not in p.stderr
