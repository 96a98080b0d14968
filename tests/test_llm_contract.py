"""The question contract (advisor/contract.py) and the answer rules it drives, replayed on the replies a real
small model gave (Qwen2.5-Coder-1.5B-Instruct Q4_K_M on llama.cpp, issue 24): each ends as the offline answer
or with a warning, never as an answer shown as checked."""

import json

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from advisor.answer import ToolCallRecord
from advisor.contract import Contract
from advisor.grounding import check
from advisor.llm import LLMEngine
from advisor.offline.engine import OfflineEngine
from tests.fakes import ScriptedChatModel, answer, call


@pytest.fixture
def quick_guidance(monkeypatch):
    """search_guidance without the vector index (which a loaded machine may take a minute to open): one passage
    full of numbers written about another case."""
    from advisor.registry import ToolSpec, registry

    spec = registry()["search_guidance"]
    passage = {"doc_id": "d", "title": "Serving", "heading": "Sizing", "path": "knowledge/docs/serving.md",
               "citation": "knowledge/docs/serving.md § Sizing", "score": 0.9,
               "text": "One team served a 70B model on 12 A100s with 8 GPUs per node and 80 GB each."}
    monkeypatch.setitem(registry(), "search_guidance", ToolSpec(spec.name, spec.request, lambda req: [passage],
                                                                spec.description))


def run(steps, question, history=None):
    model = ScriptedChatModel(steps=list(steps), seen=[])
    return LLMEngine(model, fallback=OfflineEngine(quick=True)).ask(question, history), model


def shown_as_checked(a) -> bool:
    return a.engine == "llm" and not a.warnings and any(not c.error for c in a.calls)


def offline_because(a, words: str) -> None:
    assert a.engine == "offline", a
    assert any(words in w and "offline engine" in w for w in a.warnings), a.warnings


# ---- the real model's replies, replayed ----

def test_a_json_object_of_arguments_is_never_the_answer():
    blob = ('To fine-tune a 13B model with LoRA on one 4090 GPU, you can use the following settings:\n```json\n'
            '{"model": "13B", "gpu": "rtx-4090", "method": "lora", "workload": "training"}\n```')
    a, _ = run([AIMessage(blob)], "Can I fine-tune 13B with LoRA on one 4090?")
    offline_because(a, "tool arguments as its answer")
    assert '"gpu"' not in a.text


def test_an_answer_whose_only_call_failed_falls_back_with_a_true_reason():
    q = "How long to pretrain a 7B model on 1T tokens with 64 H100s, and what would it cost?"
    prose = ("To pretrain a 7B model on 1T tokens with 64 H100s, you would need to use the fp16 precision. The cost "
             "would depend on the GPU type and the number of GPUs used.")
    steps = [call(("estimate_training", {"model": "7B", "tokens": 1e12, "gpu": "h100", "gpu_count": 64,
                                         "precision": "fp16"})), AIMessage(prose), AIMessage(prose)]
    a, model = run(steps, q)
    offline_because(a, "how long")
    # the reason is true: the call was made and refused (fp16 is not a training compute precision)
    assert "no successful estimate_training result" in a.warnings[-1] and "precision" in a.warnings[-1]
    # the retry told the model what was missing
    assert "estimate_training" in str(model.seen[-1][-1].content)
    assert any(c.tool == "estimate_training" and not c.error for c in a.calls)  # the offline engine's own call


def test_a_call_about_another_model_is_refused_and_its_figures_back_nothing():
    q = "Does a 70B model at 4-bit really need only 17.5 GB?"
    wrong = {"model": "Qwen2.5-32B", "gpu": "rtx-4090", "method": "full", "workload": "training"}
    reply = "The 70B model at 4-bit quantization requires approximately 494.56 GB of memory."
    a, model = run([call(("check_fit", wrong)), AIMessage(reply), AIMessage(reply)], q)
    # the refusal went back to the model as the tool's result, in words it can act on
    refusal = next(m.content for m in model.seen[1] if isinstance(m, ToolMessage))
    assert "the question is about a 70B model" in refusal and "Qwen2.5-32B" in refusal
    assert not shown_as_checked(a)
    offline_because(a, "the memory claimed")


def test_the_model_gets_another_try_after_a_refusal_and_the_right_call_answers():
    q = "Does a 70B model at 4-bit really need only 17.5 GB?"
    steps = [call(("check_fit", {"model": "Qwen2.5-32B", "gpu": "rtx-4090"})),
             call(("estimate_memory", {"model": "70B", "precision": "q4_k_m"})),
             answer(lambda r: f"No: it needs about {r['estimate_memory']['per_gpu_gib']:.1f} GiB.")]
    a, _ = run(steps, q)
    assert a.engine == "llm" and not a.warnings and a.calls[0].error and not a.calls[1].error


def test_a_count_from_guidance_prose_is_not_a_count(quick_guidance):
    q = "How many A100s do I need to serve Llama 3.1 70B to 40 users?"
    steps = [call(("search_guidance", {"query": "A100 serving 70B"})),
             AIMessage("You would need approximately 12 A100s."), AIMessage("You would need approximately 12 A100s.")]
    a, _ = run(steps, q)
    offline_because(a, "how many GPUs")
    assert "recommend_hardware" in a.warnings[-1] and "search_guidance" in a.warnings[-1]


@pytest.mark.parametrize("figure", ["12 A100s", "80 GB", "$2.50 per hour", "3 days", "40 tokens/s"])
def test_guidance_numbers_never_support_counts_memory_speed_time_or_cost(figure):
    passage = {"doc_id": "d", "title": "t", "heading": "h", "path": "p", "citation": "c",
               "text": f"A team used {figure} (12 GPUs, 80 GB each, $2.50 per hour, 3 days, 40 tokens/s)."}
    calls = [ToolCallRecord(tool="search_guidance", args={"query": "x", "k": 12}, result=[passage])]
    assert check(f"You would need {figure}.", calls, "how many GPUs?").unsupported


def test_gib_written_as_gb_is_not_supported():
    calls = [ToolCallRecord(tool="check_fit", args={}, result={"required_gib": 494.56, "available_gib": 80.0})]
    assert check("It needs 494.56 GB.", calls).unsupported
    assert not check("It needs 494.56 GiB, 531.03 GB.", calls).unsupported  # GiB, and the same in GB
    assert not check("An 80 GB card.", calls).unsupported  # a round capacity, as cards are sold


def test_an_answer_in_another_language_is_retried_then_falls_back():
    q = "一张4090能跑Qwen2.5-32B吗?"
    fit = call(("check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090"}))
    english = answer(lambda r: f"No: it needs {r['check_fit']['required_gib']:.1f} GiB.")
    a, model = run([fit, english, english], q)
    assert a.engine == "offline" and any("语言" in w for w in a.warnings)
    assert "Chinese" in str(model.seen[-1][-1].content)
    chinese = answer(lambda r: f"不行：需要 {r['check_fit']['required_gib']:.1f} GiB。")
    a, _ = run([fit, english, chinese], q)
    assert a.engine == "llm" and not a.warnings


def test_no_checked_mark_without_a_successful_call():
    from app import final_text

    a, _ = run([AIMessage("Hello! Ask me about GPUs.")], "hi")
    assert a.engine == "llm" and not a.calls and "✓" not in final_text(a)
    a, _ = run([call(("lookup_gpu", {"name": "rtx 9999"})), AIMessage("Hello! Ask me about GPUs.")], "hi there")
    assert a.calls and a.calls[0].error and "✓" not in final_text(a)


def test_a_concept_answer_that_only_searched_gets_a_true_reason(quick_guidance):
    q = "What's the difference between FSDP and DDP?"
    steps = [call(("search_guidance", {"query": "FSDP vs DDP"})),
             AIMessage("FSDP needs 8 GPUs and 80 GB."), AIMessage("FSDP needs 8 GPUs and 80 GB.")]
    a, _ = run(steps, q)
    assert a.engine == "offline"
    reason = a.warnings[-1]
    assert "without running the calculators" not in reason and "it ran only search_guidance" in reason


# ---- the contract itself ----

@pytest.mark.parametrize("question,tool,args,words", [
    ("Does a 70B model at 4-bit really need only 17.5 GB?", "check_fit",
     {"model": "Qwen2.5-32B", "gpu": "rtx-4090"}, "a 70B model"),
    ("How long to pretrain a 7B model on 1T tokens with 64 H100s?", "estimate_training",
     {"model": "7B", "tokens": 7e9, "gpu": "h100", "gpu_count": 64}, "1e+12 training tokens"),
    ("How long to pretrain a 7B model on 1T tokens with 64 H100s?", "estimate_training",
     {"model": "7B", "tokens": 1e12}, "64 x h100-sxm"),  # the calculator's default 8 A100s is not the question's
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit", {"model": "13B", "gpu": "rtx-4090"},
     "LoRA fine-tune"),  # inference sized for a fine-tune question
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit",
     {"model": "13B", "gpu": "rtx-4090", "method": "full"}, "LoRA fine-tune"),
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit",
     {"model": "13B", "gpu": "rtx-3090", "method": "lora"}, "rtx-4090"),
    ("Serve Llama 3.1 70B to 40 concurrent users at 4k context - how many A100s?", "recommend_hardware",
     {"model": "llama-3.1-70b", "concurrency": 4, "context": 4096, "gpus": ["a100"]}, "40 concurrent users"),
    ("Will Llama 3 70B run on 2x3090 at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2}, "4bit"),
    ("What GPU do I need?", "recommend_hardware", {"model": "Qwen2.5-32B"}, "names no model"),
])
def test_a_call_that_contradicts_the_question_is_refused_in_words(question, tool, args, words):
    from advisor.toolkit import validate_args

    refused = Contract.of(question).check_call(tool, validate_args(tool, args))
    assert refused and words in refused, refused


@pytest.mark.parametrize("question,tool,args", [
    ("Does a 70B model at 4-bit really need only 17.5 GB?", "estimate_memory", {"model": "llama-3-70b",
                                                                                "precision": "awq"}),
    ("How long to pretrain a 7B model on 1T tokens with 64 H100s?", "estimate_training",
     {"model": "llama-2-7b", "tokens": 1e12, "gpu": "h100", "gpu_count": 64}),
    ("Can I fine-tune 13B with LoRA on one 4090?", "check_fit", {"model": "llama 2 13b", "gpu": "4090",
                                                                 "method": "lora"}),
    ("Serve Llama 3.1 70B to 40 concurrent users at 4k context - how many A100s?", "recommend_hardware",
     {"model": "llama-3.1-70b", "concurrency": 40, "context": 4096, "gpus": ["a100-40gb"]}),
    ("Will Llama 3 70B run on 2x3090 at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "q4_k_m"}),
    ("H100 specs?", "lookup_gpu", {"name": "h100"}),
])
def test_a_call_that_agrees_with_the_question_passes(question, tool, args):
    from advisor.toolkit import validate_args

    assert Contract.of(question).check_call(tool, validate_args(tool, args)) is None


def test_the_conversation_supplies_facts_a_follow_up_leaves_out():
    c = Contract.of("能跑Qwen2.5-32B吗？", ["我有一张4090"])
    assert c.check_call("check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090"}) is None
    assert "rtx-4090" in c.check_call("check_fit", {"model": "qwen2.5-32b", "gpu": "h100"})


def test_the_tools_refuse_inference_with_a_training_method_and_the_cli_too(capsys):
    from advisor.cli import main
    from advisor.toolkit import execute

    record, content = execute("check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090", "workload": "inference",
                                            "method": "full"})
    assert record.error and "--workload training" in record.error and "leave out the method" in content
    assert main(["fit", "--model", "qwen2.5-32b", "--gpu", "4090", "--workload", "inference", "--method", "full"]) == 2
    err = capsys.readouterr().err
    assert "takes no training method" in err and "Traceback" not in err
    # a method alone still means training, as before
    record, _ = execute("check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090", "method": "lora"})
    assert not record.error and record.result["memory"]["workload"] == "training"


def test_the_schemas_carry_no_example_values_a_model_could_copy():
    from advisor.toolkit import openai_tools

    text = json.dumps(openai_tools())
    for copied in ("Qwen2.5-32B", "rtx-4090", "'4090'", "h100-sxm", "2e12", "llama-3.1-70b"):
        assert copied not in text, copied


def test_one_time_limit_for_every_front_end(monkeypatch):
    """The web app's limit is the engine's (ADVISOR_ANSWER_LIMIT_S) plus the fallback's margin, so a slow local
    server ends in the offline answer, as in the CLI, never in the app's own "took too long"."""
    from advisor.core import FALLBACK_MARGIN_S, Advisor
    from advisor.web import answer_with_time_limit, time_limit_s
    from tests.openai_stub import StubServer

    monkeypatch.setenv("ADVISOR_ANSWER_LIMIT_S", "1")
    assert time_limit_s(Advisor(engine="offline", quick_start=True)) == 1.0
    with StubServer([lambda m: {"hang": 3, "content": "late"}], repeat_last=True) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        advisor = Advisor(quick_start=True)
        assert advisor.engine_name == "llm" and time_limit_s(advisor) == 1 + FALLBACK_MARGIN_S
        a = answer_with_time_limit(advisor, "Can I fine-tune 13B with LoRA on one 4090?", [], {})
    assert a.engine == "offline" and "took too long" not in a.text
    assert any("within 1 s" in w or "in time" in w for w in a.warnings), a.warnings


def test_each_tool_is_declared_once_and_every_front_end_derives_from_it():
    import asyncio

    from advisor.cli import RECORDS, _record_class
    from advisor.mcp_server import build_server
    from advisor.registry import TOOLS, registry
    from advisor.toolkit import CORE, openai_tools

    names = [d.name for d in TOOLS]
    assert len(set(names)) == len(names) == 11
    assert list(registry()) == list(CORE) == names
    assert [t["function"]["name"] for t in openai_tools()] == [d.name for d in TOOLS if d.for_llm]
    assert [d.name for d in TOOLS if not d.for_llm] == ["rank_runnable_models"]
    listed = asyncio.run(build_server().list_tools())
    assert {t.name for t in listed} == set(names)
    for d in TOOLS:
        assert registry()[d.name].description == d.description
        if d.command:
            assert _record_class(d.command) is registry()[d.name].request and RECORDS[d.command][2] == d.command_help
    assert set(RECORDS) == {d.command for d in TOOLS if d.command}


def test_a_reply_that_states_no_result_is_not_an_answer():
    """The real model answered "好的，请提供更多的信息" after a successful recommend_hardware call."""
    q = "50个并发用户、8k上下文部署Qwen2.5-32B需要几张H100？"
    plan = call(("recommend_hardware", {"model": "qwen2.5-32b", "concurrency": 50, "context": 8192,
                                        "gpus": ["h100"]}))
    vague = AIMessage("好的，请提供更多的信息，以便我可以给出更准确的答案。")
    a, model = run([plan, vague, vague], q)
    assert a.engine == "offline" and any("没有给出" in w for w in a.warnings), a.warnings
    assert "no result" in str(model.seen[-1][-1].content)


def test_a_further_ask_no_calculator_answered_is_flagged_not_marked():
    q = "How fast is Llama 3 8B on one H100 and what would it cost per month?"
    steps = [call(("estimate_throughput", {"model": "llama-3-8b", "gpu": "h100"})),
             answer(lambda r: f"About {r['estimate_throughput']['decode_tokens_per_s']:.0f} tokens/s."),
             answer(lambda r: f"About {r['estimate_throughput']['decode_tokens_per_s']:.0f} tokens/s.")]
    a, model = run(steps, q)
    assert a.engine == "llm" and a.warnings == ["Not checked against the calculators: the cost."]
    assert "estimate_cost" in str(model.seen[-1][-1].content)  # the retry named what was missing


def test_a_guidance_search_alone_earns_no_checked_mark(quick_guidance):
    from app import final_text

    q = "What's the difference between FSDP and DDP?"
    steps = [call(("search_guidance", {"query": "FSDP vs DDP"})),
             AIMessage("FSDP shards the model states across GPUs; DDP keeps a full copy on each.")]
    a, _ = run(steps, q)
    assert a.engine == "llm" and not a.warnings and "✓" not in final_text(a)


def test_a_local_file_question_never_goes_to_the_model():
    """The real model answered "To run /etc/passwd on a 4090, you would need to convert the 16-bit weights..."."""
    a, model = run([AIMessage("To run /etc/passwd on a 4090, you would need 4-bit weights.")],
                   "Can I run /etc/passwd on a 4090?")
    assert a.engine == "offline" and "don't open local files" in a.text and not model.seen


def test_a_model_that_picks_wrong_one_time_in_three_gets_no_wrong_answer_shown_as_checked():
    """bench/wrong_pick.py on the first 30 questions of the chat set (the bench runs all 446)."""
    from bench import wrong_pick

    rows = [json.loads(line) for line in wrong_pick.QUESTIONS.read_text(encoding="utf-8").splitlines()][:30]
    c = wrong_pick.run(rows, every=3)
    assert c["picked_wrong"] >= 5 and c["shown_as_checked"] >= 5
    assert c["checked_but_contradicting"] == 0, c["bad"]
