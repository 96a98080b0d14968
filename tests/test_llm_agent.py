"""The LLM engine with a scripted model. The script picks a tool (as a model would); the tests check what the
advisor does with that choice: arguments validated into the calculator's request, the tool's own result
passed back to the model, and the answer held to that result by the grounding check."""

import re

import pytest

from advisor.core import Advisor
from advisor.figures import figures
from advisor.grounding import check
from advisor.llm import LLMEngine
from advisor.offline.engine import OfflineEngine
from advisor.toolkit import DROP, compact, openai_tools, validate_args
from tests.fakes import FailingChatModel, ScriptedChatModel, answer, call, tool_results


def run(steps, question, history=None):
    model = ScriptedChatModel(steps=steps)
    return LLMEngine(model, fallback=OfflineEngine()).ask(question, history), model


SHAPES = [
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit",
     {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"},
     lambda r: f"No: LoRA needs {r['check_fit']['required_gib']:.1f} GiB per GPU; the 4090 has "
               f"{r['check_fit']['available_gib']:.2f} GiB."),
    ("Can I fine-tune 13B with QLoRA on one 4090?", "check_fit",
     {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "qlora"},
     lambda r: f"Yes: QLoRA needs {r['check_fit']['required_gib']:.1f} GiB."),
    ("Will Llama 3 70B run on 2x3090 at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "q4_k_m"},
     lambda r: f"{'Yes' if r['check_fit']['fits'] else 'No'}: {r['check_fit']['required_gib']:.2f} GiB per GPU."),
    ("How much memory does Llama 3.1 8B need at 8k?", "estimate_memory",
     {"model": "llama-3.1-8b", "context": 8192},
     lambda r: f"About {r['estimate_memory']['per_gpu_gib']:.1f} GiB: weights "
               f"{r['estimate_memory']['breakdown_gib']['weights']:.2f} GiB, KV cache "
               f"{r['estimate_memory']['breakdown_gib']['kv_cache']:.1f} GiB."),
    ("How much to fully fine-tune 7B with AdamW?", "estimate_memory",
     {"model": "llama-2-7b", "workload": "training", "method": "full"},
     lambda r: f"{r['estimate_memory']['per_gpu_gib']:.0f} GiB on one GPU."),
    ("Which GPUs for serving Llama 3.1 70B at 8k?", "recommend_hardware",
     {"model": "llama-3.1-70b", "context": 8192},
     lambda r: "Cheapest: {gpu_count}x {gpu} at ${usd_per_hour:.2f}/hour, {memory_per_gpu_gib:.2f} GiB per GPU."
     .format(**r["recommend_hardware"]["by_cost"][0])),
    ("How fast is Llama 3 8B Q4_K_M on a 4090?", "estimate_throughput",
     {"model": "llama-3-8b", "gpu": "rtx-4090", "precision": "q4_k_m"},
     lambda r: f"About {r['estimate_throughput']['decode_tokens_per_s']:.0f} tokens/s."),
    ("How long to train 7B on 2T tokens on 2048 A100s?", "estimate_training",
     {"model": "llama-2-7b", "tokens": 2e12, "gpu": "a100-80gb-sxm", "gpu_count": 2048},
     lambda r: f"{r['estimate_training']['hours']:.0f} hours, {r['estimate_training']['gpu_hours']:.0f} GPU-hours "
               f"at {r['estimate_training']['mfu'] * 100:.1f}% MFU."),
    ("What do 8 H100s cost for a day?", "estimate_cost", {"gpu": "h100-sxm", "gpu_count": 8, "hours": 24},
     lambda r: f"${r['estimate_cost']['usd']:,.0f} at ${r['estimate_cost']['usd_per_gpu_hour']:.2f} per GPU-hour."),
    ("Quantization options for 70B on a 4090?", "compare_quantization",
     {"model": "llama-3-70b", "gpu": "rtx-4090"},
     lambda r: f"4-bit AWQ is {r['compare_quantization']['options'][5]['weights_gb']:.1f} GB."),
    ("H100 specs?", "lookup_gpu", {"name": "h100"},
     lambda r: f"{r['lookup_gpu']['memory_gib']:.1f} GiB, {r['lookup_gpu']['memory_bandwidth_gb_per_s']:.0f} GB/s."),
    ("How big is DeepSeek-V3?", "lookup_model", {"name": "deepseek-v3"},
     lambda r: f"{r['lookup_model']['params_b']:.0f}B parameters, {r['lookup_model']['active_params_b']:.1f}B active."),
    ("What does ZeRO-3 shard?", "search_guidance", {"query": "what does ZeRO-3 shard"},
     lambda r: f"It shards parameters, gradients and optimizer states ({r['search_guidance'][0]['citation']})."),
    ("一张4090能跑Qwen2.5-32B吗?", "check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090"},
     lambda r: f"不行：需要 {r['check_fit']['required_gib']:.1f} GiB，4090 只有 {r['check_fit']['available_gib']:.1f} GiB。"),
    ("Serving cost per million tokens at 1000 tok/s on one H100?", "estimate_cost",
     {"gpu": "h100-sxm", "tokens_per_s": 1000, "utilization": 0.5},
     lambda r: f"${r['estimate_cost']['usd_per_million_tokens']:.2f} per 1M tokens."),
    ("Can 8 H100s serve 405B in FP8?", "check_fit",
     {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpu_count": 8, "precision": "fp8"},
     lambda r: f"Yes, {r['check_fit']['required_gib']:.1f} GiB of {r['check_fit']['available_gib']:.2f} GiB per GPU."),
]


LOOSE = [  # arguments as models send them: loose names, numbers as strings
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit",
     {"model": "llama 2 13b", "gpu": "4090", "gpu_count": "1", "method": "lora"},
     lambda r: f"No: {r['check_fit']['required_gib']:.1f} GiB needed, {r['check_fit']['available_gib']:.1f} GiB there."),
    ("How fast is Llama 3 8B on two 3090s?", "estimate_throughput",
     {"model": "llama-3-8b", "gpu": "3090", "gpu_count": "2"},
     lambda r: f"About {r['estimate_throughput']['decode_tokens_per_s']:.0f} tokens/s."),
]


def _perturb(text: str, calls) -> str:
    """The same answer with its most precise measured figure moved to a value that appears nowhere in the tool
    results (no number there within 2% or the rounding shown, in any unit): an invented figure."""
    import json

    f = max((f for f in figures(text) if f.kind not in ("any", "count")), key=lambda f: (f.decimals, f.value))
    there = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", json.dumps([c.result for c in calls]))]
    def clear(v: float) -> bool:
        return all(abs(v * s - x) > max(0.02 * v, 0.6 * 10 ** -f.decimals) * s
                   for x in there for s in (1, 1e9 / 2**30, 2**30 / 1e9, 100))

    factor = next(k for k in (1.37, 1.53, 0.61, 1.77, 0.43, 2.3, 3.7, 7.9, 17.3, 41.9) if clear(f.value * k))
    new = f"{f.value * factor:,.{f.decimals}f}"
    return text.replace(f.raw, f.raw.replace(re.search(r"[\d,.]+", f.raw).group(0), new, 1), 1)


@pytest.mark.parametrize("question,tool,args,final", SHAPES + LOOSE, ids=[s[0][:40] for s in SHAPES + LOOSE])
def test_the_models_call_is_validated_run_passed_back_and_the_answer_checked(question, tool, args, final):
    a, model = run([call((tool, args)), answer(final)], question)
    assert a.engine == "llm" and not a.warnings, a.warnings
    record = a.calls[0]
    assert [c.tool for c in a.calls] == [tool] and record.error is None
    # arguments validated: what ran is the request record's reading of the model's arguments ("2" -> 2)
    assert record.args == validate_args(tool, args)
    assert not isinstance(record.args.get("gpu_count", 1), str)
    # the result went back to the model: its last turn saw the tool's own output, not a copy of the script's
    assert tool_results(model.seen[-1])[tool] == compact(record.result, DROP.get(tool, set()))
    # the answer is held to that result: it passes, and the same answer with one figure invented does not
    assert check(a.text, a.calls, question).ok
    if any(f.kind not in ("any", "count") for f in figures(a.text)):
        assert not check(_perturb(a.text, a.calls), a.calls, question).ok


def test_parallel_calls_in_one_turn_and_sources():
    a, _ = run([call(("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "qlora"}),
                     ("search_guidance", {"query": "QLoRA"})),
                answer(lambda r: f"Yes, {r['check_fit']['required_gib']:.1f} GiB "
                                 f"({r['search_guidance'][0]['citation']}).")], "QLoRA 13B on a 4090?")
    assert {c.tool for c in a.calls} == {"check_fit", "search_guidance"}
    assert a.sources and a.sources[0].citation.startswith("knowledge/docs/") and not a.warnings


def test_invented_number_is_caught_and_flagged():
    steps = [call(("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "qlora"})),
             answer(lambda r: "Yes, it needs 91.7 GiB."),  # not what the tool said
             answer(lambda r: "Yes, it needs 91.7 GiB.")]  # and again after the retry prompt
    a, model = run(steps, "QLoRA 13B on a 4090?")
    assert any("91.7" in w for w in a.warnings)
    assert "figures that no tool result supports: 91.7" in str(model.seen[-1][-1].content)


def test_invented_number_fixed_on_retry():
    steps = [call(("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "qlora"})),
             answer(lambda r: "Yes, it needs 91.7 GiB."),
             answer(lambda r: f"Yes, it needs {r['check_fit']['required_gib']:.2f} GiB.")]
    a, _ = run(steps, "QLoRA 13B on a 4090?")
    assert not a.warnings and "91.7" not in a.text


def test_tool_error_goes_back_to_the_model_and_the_retry_succeeds():
    steps = [call(("check_fit", {"model": "llama-2-13b", "gpu": "rtx 4091"})),
             lambda msgs: call(("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090"}))
             if "Did you mean" in str(msgs[-1].content) else None,
             answer(lambda r: f"{r['check_fit']['required_gib']:.1f} GiB.")]
    a, model = run(steps, "13B on a 4091?")
    assert a.calls[0].error and "rtx-4090" in a.calls[0].error
    assert a.calls[1].error is None and not a.warnings


def test_a_failing_endpoint_falls_back_to_the_offline_engine():
    a = LLMEngine(FailingChatModel(), fallback=OfflineEngine()).ask("Can I fine-tune 13B with LoRA on one 4090?")
    assert a.engine == "offline" and a.calls and any("offline engine" in w and "could not reach" in w for w in a.warnings)


def test_tool_schemas_carry_descriptions_and_choices():
    tools = {t["function"]["name"]: t["function"] for t in openai_tools()}
    assert set(tools) == {"check_fit", "estimate_memory", "recommend_hardware", "estimate_throughput",
                          "estimate_training", "estimate_cost", "compare_quantization", "lookup_gpu", "lookup_model",
                          "search_guidance"}
    schema = tools["check_fit"]["parameters"]
    assert "as the person wrote it" in schema["properties"]["gpu"]["description"]  # no example value to copy
    assert "qlora" in schema["properties"]["method"]["enum"]  # valid choices reach the model
    assert "model" in schema["required"] and "gpu" in schema["required"]
    assert "lora_rank" not in schema["properties"]  # rarely used: accepted, not advertised
    assert validate_args("check_fit", {"model": "7B", "gpu": "4090", "lora_rank": 64})["lora_rank"] == 64


def test_advisor_defaults_to_offline_without_a_key_and_takes_an_injected_model():
    assert Advisor().engine_name == "offline"
    a = Advisor(llm=ScriptedChatModel(steps=[answer(lambda r: "Hello.")]))
    assert a.engine_name == "llm" and a.ask("hi").text == "Hello."
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        Advisor(engine="llm")


def test_empty_and_huge_questions():
    adv = Advisor()
    assert "Ask me" in adv.ask("   ").text
    long = adv.ask("Can I fine-tune 13B with LoRA on one 4090? " + "x" * 10000)
    assert any("cut" in w for w in long.warnings)


def test_prompt_and_schemas_stay_lean():
    """Every model call carries them. Before the cut: 18,781 characters (5,463 o200k tokens); the bar is half.
    bench/prompt_size.py counts tokens."""
    import json

    from advisor.llm import SYSTEM_PROMPT

    assert len(json.dumps(openai_tools())) + len(SYSTEM_PROMPT) <= 18_781 // 2
