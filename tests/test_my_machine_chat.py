"""The chat's "what can I run on my machine?": this machine's GPUs on a local run (a recorded nvidia-smi for 2x RTX
3090 on PATH), a question back when the chat runs on a server, the GPU named in the question otherwise."""

import pytest

from advisor.core import Advisor
from advisor.machine import detect_machine, local_machine
from tests.test_detect import fake_tool


@pytest.fixture
def two_3090s(tmp_path, monkeypatch):
    fake_tool(tmp_path, "nvidia-smi", "nvidia-smi-2x-rtx-3090.csv")
    monkeypatch.setenv("PATH", str(tmp_path))
    detect_machine.cache_clear()
    yield
    detect_machine.cache_clear()


def ask(question: str):
    return Advisor(engine="offline").ask(question)


def test_local_run_lists_the_cards_and_a_ranked_model_list(two_3090s):
    with local_machine():
        a = ask("What can I run on my machine?")
    assert a.text.count("NVIDIA GeForce RTX 3090, 24,576 MiB (catalog: rtx-3090)") == 2
    (call,) = [c for c in a.calls if c.tool == "rank_runnable_models"]
    assert call.args["gpu"] == "rtx-3090" and call.args["gpu_count"] == 2
    first = call.result["models"][0]
    assert f"1. {first['name']}" in a.text and f"{first['decode_tokens_per_s']:g} tokens/s" in a.text
    assert a.text.startswith(f"**On 2x NVIDIA GeForce RTX 3090 24GB: {call.result['runnable']} catalog models run")


def test_on_a_server_it_asks_which_gpu(two_3090s):
    a = ask("What can I run on my machine?")
    assert "Which GPU do you have?" in a.text and "gpu-advisor detect" in a.text and not a.calls
    zh = ask("我的电脑能跑什么模型？")
    assert "你用的是什么显卡" in zh.text


def test_a_named_gpu_needs_no_detection_and_fine_tuning_ranks_lora_and_qlora():
    a = ask("What can I fine-tune on my 4090?")
    workloads = [c.args["workload"] for c in a.calls if c.tool == "rank_runnable_models"]
    assert workloads == ["lora", "qlora"] and all(c.args["gpu"] == "rtx-4090" for c in a.calls)
    assert "QLoRA fine-tuning (4-bit NF4 base) on 1x NVIDIA GeForce RTX 4090 24GB" in a.text


def test_a_model_on_my_machine_is_sized_on_the_detected_gpus(two_3090s):
    with local_machine():
        a = ask("Can I run Llama 3 70B on my machine?")
    fits = [c for c in a.calls if c.tool == "check_fit"]
    assert fits and fits[0].args["gpu"] == "rtx-3090" and fits[0].args["gpu_count"] == 2


@pytest.mark.parametrize("question,mine", [
    ("What can I run on my machine?", True), ("我的电脑能跑什么模型？", True), ("What models can I run locally?", True),
    ("Which models fit on my 2x 3090?", True),
    ("What precision should I use on my 4090?", False), ("What batch size fits on my 4090?", False),
    ("what GPU should I use here?", False), ("Can I run Llama 3 70B on my machine?", False),
])
def test_which_questions_ask_for_the_ranking(question, mine):
    from advisor.offline.my_machine import asks_what_runs
    from advisor.offline.parse import parse

    assert asks_what_runs(question, parse(question)) is mine


def test_family_and_size_filters_in_the_question():
    a = ask("Which Qwen models under 15B can I run on my 4090?")
    (call,) = [c for c in a.calls if c.tool == "rank_runnable_models"]
    assert call.args["family"] == "qwen" and call.args["max_params_b"] == 15
    assert call.result["models"] and all(m["params_b"] <= 16.5 and "qwen" in m["family"]
                                         for m in call.result["models"])
    zh = ask("我的4090能跑哪些7B以上的模型？")
    (call,) = [c for c in zh.calls if c.tool == "rank_runnable_models"]
    assert call.args["min_params_b"] == 7
