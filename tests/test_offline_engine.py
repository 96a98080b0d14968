"""The offline engine on the chat question set (tests/data/chat_questions.jsonl, built by
tests/data/build_chat_questions.py): which tools it calls with the numbers the person gave, the verdict its first line
gives, the language, and that every figure has a tool result behind it. Plus what the set cannot express: the
first sentence answers the ask, Chinese answers are Chinese all the way, and hostile input stays cheap."""

import re
import time

import pytest

from advisor.offline.engine import OfflineEngine
from advisor.offline.parse import parse
from bench.chat_eval import check, load_cases, run_case

ENGINE = OfflineEngine(quick=True)
CASES = load_cases()


class _Ask:
    def ask(self, q, history=None):
        return ENGINE.ask(q, history)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_question(case):
    answer, history, _ = run_case(_Ask(), case)
    assert answer.engine == "offline"
    problems = check(case, answer, history)
    assert not problems, "\n".join(problems) + "\n\n" + answer.text


def test_the_set_is_big_and_varied():
    assert len(CASES) >= 300
    assert sum(c["lang"] == "zh" for c in CASES) >= 100
    assert sum(bool(c["history"]) for c in CASES) >= 40
    assert sum(len(c["asks"]) > 1 or "compare" in c["asks"] for c in CASES) >= 40
    assert sum(c["verdict"] == "no" for c in CASES) >= 20 and sum(c["verdict"] == "yes" for c in CASES) >= 20


def _first(text: str) -> str:
    return text.strip().splitlines()[0]


def test_a_number_the_person_gave_is_used():
    a = ENGINE.ask("Serve Llama 3.1 70B to 40 concurrent users at 4k context - how many A100s?")
    plan = next(c for c in a.calls if c.tool == "recommend_hardware")
    assert plan.args["concurrency"] == 40 and plan.args["context"] == 4096
    assert "40 concurrent users" in _first(a.text) and "A100" in _first(a.text)
    best = plan.result["by_cost"][0] if plan.result["by_cost"] else None
    assert best is None or best["framework"] != "llama.cpp" or best.get("engine") not in (None, "llama.cpp")


def test_hours_a_day_change_the_buy_or_rent_answer():
    six = ENGINE.ask("Rent or buy an A100 if I use it 6 hours a day?")
    full = ENGINE.ask("Rent or buy an A100 if I use it 24 hours a day?")
    m6 = re.search(r"after ([\d.,]+) months", six.text)
    m24 = re.search(r"after ([\d.,]+) months", full.text)
    assert m6 and m24 and float(m6.group(1).replace(",", "")) > 3 * float(m24.group(1).replace(",", ""))
    assert _first(six.text).startswith("**Rent") and _first(full.text).startswith("**Buy")


def test_pretraining_on_a_token_budget_is_not_lora():
    a = ENGINE.ask("训练一个13B模型5000亿token，16张A100要多久")
    t = next(c for c in a.calls if c.tool == "estimate_training")
    assert t.args["method"] == "pretrain" and t.args["tokens"] == 5e11 and t.args["gpu_count"] == 16
    assert "LoRA" not in a.text


def test_fine_tune_verdicts_use_gradient_checkpointing_and_say_the_alternative():
    a = ENGINE.ask("Can I LoRA-tune Mistral 7B on a 3090?")
    fits = [c for c in a.calls if c.tool == "check_fit"]
    assert fits[0].args["gradient_checkpointing"] is True and fits[0].result["fits"]
    assert any(c.args.get("gradient_checkpointing") is False and not c.result["fits"] for c in fits)
    assert _first(a.text).startswith("**Yes") and "without it" in _first(a.text)


def test_only_quantized_fits_is_said_so():
    a = ENGINE.ask("Is one A100 80GB enough to run Qwen2.5-72B?")
    first = _first(a.text)
    assert first.startswith("**Qwen2.5 72B: not in bf16; yes at")


def test_misconception_gets_a_no_with_the_real_figure():
    a = ENGINE.ask("Does a 7B model at 4-bit really need only 3.5 GB?")
    first = _first(a.text)
    assert first.startswith("**No") and "not 3.5 GB" in first
    real = re.search(r"about ([\d.]+) GB", first)
    assert real and float(real.group(1)) > 5


def test_the_lora_13b_4090_answer_leads_with_the_base_weights_and_the_fix():
    a = ENGINE.ask("Can I fine-tune 13B with LoRA on one 4090?")
    first = _first(a.text)
    assert first.startswith("**No") and "base weights alone" in first and "QLoRA" in first


def test_several_asks_are_each_answered():
    a = ENGINE.ask("How long and what does it cost to fine-tune Llama 3.1 8B with LoRA on 200M tokens on 2 A100s?")
    first = _first(a.text)
    assert "hours" in first and "$" in first
    assert {c.tool for c in a.calls} >= {"estimate_training", "estimate_cost"}


def test_comparison_runs_the_same_tool_for_each_option():
    a = ENGINE.ask("A100 vs H100 for serving Llama 3.1 8B: which is faster?")
    gpus = {c.args["gpu"] for c in a.calls if c.tool == "estimate_throughput"}
    assert gpus == {"a100-80gb-sxm", "h100-sxm"}
    assert "H100" in _first(a.text).split("faster")[0]


_ENGLISH_WORD = re.compile(r"\b[a-z]{4,}\b")
_ALLOWED = {"tokens", "token", "batch", "lora", "qlora", "nvidia", "geforce", "llama", "qwen", "mistral", "gemma", "mixtral",
            "instruct", "logits", "vllm", "transformers", "hugging", "face", "bits", "fits", "deepseek", "adamw",
            "zero", "fsdp", "sglang", "tensorrt", "awq", "gguf", "gptq", "sxm", "pcie", "ultra", "pro", "max", "rank",
            "gpus", "layer", "split", "single", "multi", "node"}


@pytest.mark.parametrize("question", [
    "一张4090能用LoRA微调13B吗?", "两张3090能跑Llama 3 70B吗", "训练一个13B模型5000亿token，16张A100要多久",
    "50个并发用户、8k上下文部署Qwen2.5-32B需要几张H100？", "每天用8小时，H100买还是租？", "Llama 3.1 70B推理需要多少显存？",
    "听说7B模型4bit量化只需要3.5GB显存，真的吗？", "单卡A100 80G能全量微调Llama 2 7B吗？"])
def test_chinese_answers_are_chinese_all_the_way(question):
    a = ENGINE.ask(question)
    assert a.language == "zh"
    prose = re.sub(r"\([^)]*\)|（[^）]*）", " ", a.text.lower())  # names, formats, citations in brackets
    words = [w for w in _ENGLISH_WORD.findall(prose) if w not in _ALLOWED]
    cjk = len(re.findall(r"[\u4e00-\u9fff]", a.text))
    assert cjk > 20 and len(words) <= 6, f"English words in a Chinese answer: {words}\n{a.text}"


def test_unknown_model_is_said_plainly():
    a = ENGINE.ask("Can I run Foobar-9B on a 4090?")
    assert "Foobar-9B is not in our catalog" in a.text and "generic 9B" in a.text


def test_local_paths_are_never_opened_from_a_chat(monkeypatch):
    import builtins

    opened = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1])
    a = ENGINE.ask("Can I run ./secret/config.json on a 4090?")
    assert "local files" in a.text and not any("secret" in f for f in opened)


def test_hostile_input_is_bounded_and_linear():
    t0 = time.perf_counter()
    s = parse("9" * 10_000 + " H100s for llama 3 8b " + "1" * 8_000)
    a = ENGINE.ask("x " * 50_000)
    elapsed = time.perf_counter() - t0
    assert s.count is None and a.text
    assert elapsed < 5, f"parsing 100k characters took {elapsed:.1f} s"
    huge = ENGINE.ask("Can 1e308 H100s serve Llama 3 8B?")
    assert "out of range" in huge.text and "308 " not in huge.text.replace("1e+308", "")


def test_quick_mode_cites_without_loading_the_vector_index(monkeypatch):
    import knowledge

    monkeypatch.setattr(knowledge, "index_loaded", lambda: False)  # as in a fresh one-shot process
    a = OfflineEngine(quick=True).ask("What is ZeRO-3?")
    guidance = [c for c in a.calls if c.tool == "search_guidance"]
    assert guidance and guidance[0].args.get("mode") == "keyword"
    assert a.sources and "ZeRO" in a.text and a.sources[0].citation.startswith("knowledge/docs/")
    assert "[" not in a.text.split("Source:")[0]  # the docs' source markers are not shown


def test_citations_are_whole_sentences_or_absent():
    for q in ("Can I fine-tune 13B with LoRA on one 4090?", "Can I run gpt-oss-120b on one H100?",
              "Does a 7B model at 4-bit really need only 3.5 GB?"):
        a = ENGINE.ask(q)
        for line in a.text.splitlines():
            if line.startswith(("Why:", "依据：")):
                quote = line.split(":", 1)[1].rsplit("(", 1)[0].strip()
                assert quote.endswith((".", "。", "!", "?")) and "|" not in quote, line


def _calls(answer, tool):
    return [c for c in answer.calls if c.tool == tool]


def test_speed_at_load_runs_only_what_the_kv_cache_holds():
    """16 users of 8k on a 70B in 4-bit on one H100: the KV pool holds fewer than 16 sequences, so the speed is for the
    ones that run together (vLLM queues the rest) and the answer says how many; the memory check saw all 16."""
    a = ENGINE.ask("How fast is Llama 3.1 70B on an H100 with 16 parallel requests at 8k context?")
    fit = _calls(a, "check_fit")[-1]
    assert fit.args["batch"] == 16 and fit.args["context"] == 8192
    held = fit.result["memory"]["max_concurrent_sequences"]
    assert 1 <= held < 16
    t = _calls(a, "estimate_throughput")[-1].args
    assert t["batch"] == held and t["continuous_batching"] is True
    assert t["prompt_tokens"] + t["output_tokens"] == 8192  # the stated context, split as the plans split it
    assert f"{held} at a time" in _first(a.text) and "16 parallel requests" in _first(a.text)


def test_speed_at_load_without_a_context_checks_the_kv_at_the_length_it_times():
    a = ENGINE.ask("How fast is Llama 2 13B on an H100 with 40 parallel requests?")
    t = _calls(a, "estimate_throughput")[-1].args
    fit = _calls(a, "check_fit")[-1].args
    assert fit["context"] == t["prompt_tokens"] + t["output_tokens"] and t["batch"] == 40
    assert "assumed" in a.text.split("\n\n")[1]


# ---- held-out review (stranger questions): each a cause, not an example -------------------------------------------

@pytest.mark.parametrize("text, model", [
    ("can i run llama 405b on 8 H100s", "llama-3.1-405b"),  # not Llama 4 Maverick (400B total)
    ("llama3 405b on 8 H100", "llama-3.1-405b"),
    ("我有一张3090，能跑qwen 14b吗", None),  # a dense Qwen 14B, not Qwen1.5-MoE-A2.7B (14.3B total)
    ("llama2 70b on two A100s", "llama-2-70b"),
    ("qwen2.5 32b on an A100", "qwen2.5-32b"),
])
def test_a_family_and_size_name_the_member_of_that_size(text, model):
    got = parse(text).model
    assert "moe" not in got and "maverick" not in got
    assert got == model if model else re.fullmatch(r"qwen[\d.]*-14b", got)


def test_a_card_described_by_its_memory_is_not_a_memory_question():
    a = ENGINE.ask("我有一张3090 24G显存，能跑qwen 14b吗")
    assert a.text.count("每卡构成") == 1 and "模型" in _first(a.text) or "Qwen" in _first(a.text)
    assert [c.tool for c in a.calls].count("estimate_memory") == 0


def test_without_offload_means_no_offload():
    a = ENGINE.ask("Can I do full fine-tuning of llama 3.1 70b on 8x H100 without offload?")
    assert _first(a.text).startswith("**No")
    assert all(c.args.get("offload") in (None, "none") for c in _calls(a, "check_fit"))


def test_a100_40g_is_the_40_gb_card():
    a = ENGINE.ask("can i full finetune llama3 8b on 4 A100 40G with deepspeed zero3")
    assert _calls(a, "check_fit")[0].args["gpu"] == "a100-40gb-sxm"


def test_a_context_in_millions_is_used():
    a = ENGINE.ask("What's the VRAM for a 7B model with 1M context?")
    assert _calls(a, "estimate_memory")[0].args["context"] == 2**20
    assert "1,048,576" in _first(a.text)


def test_tokens_per_example_set_the_training_tokens():
    a = ENGINE.ask("我想LoRA微调glm4 9b，数据量大概2万条，每条1000 token，3个epoch，用一张4090要多久？")
    assert _calls(a, "estimate_training")[0].args["tokens"] == 20_000 * 1000 * 3


def test_a_deadline_question_gets_the_deadline_verdict_and_the_gpus_that_meet_it():
    a = ENGINE.ask("Can 500 A100s pretrain a 70B model on 2T tokens in 10 days?")
    assert _first(a.text).startswith("**No: about")
    t = _calls(a, "estimate_training")[0]
    assert t.args["gpu_count"] == 500 and t.args["tokens"] == 2e12 and t.result["days"] > 10
    plan = _calls(a, "recommend_hardware")[0]
    needed = next(iter(plan.result["gpus_needed"].values()))
    assert needed > 500 * t.result["days"] / 10 * 0.9 and f"{needed:,}" in a.text
    zh = ENGINE.ask("16张A100能在30天内预训练一个13B模型5000亿token吗？")
    assert _first(zh.text).startswith("**不能")


def test_training_a_model_with_no_data_named_is_pretraining_at_a_stated_budget():
    a = ENGINE.ask("how long does it take to train gpt-3 175b on 1024 A100?")
    t = _calls(a, "estimate_training")[0]
    assert t.args["method"] == "pretrain" and t.args["tokens"] == 300e9  # GPT-3's own budget, said so
    assert 20 < t.result["days"] < 45 and "300B" in a.text
    b = ENGINE.ask("how long to train a 7B model on 64 H100s?")
    t = _calls(b, "estimate_training")[0]
    assert t.args["method"] == "pretrain" and "Chinchilla" in b.text


@pytest.mark.parametrize("question", ["Can I run Llama 3.1 8B on an RTX 9090?", "Llama 3 70B on an RTX 7090, how fast?",
                                      "要几张RTX 9090跑llama3 70b？"])
def test_a_gpu_we_lack_is_said_not_swapped(question):
    a = ENGINE.ask(question)
    assert "not in my GPU catalog" in _first(a.text) or "目录里没有" in _first(a.text)
    assert not _calls(a, "check_fit") and not _calls(a, "estimate_throughput")


def test_different_cards_together_are_sized_as_their_pool():
    a = ENGINE.ask("我有一张3090和一张4090，能一起跑70b吗")
    fit = _calls(a, "check_fit")[0].args
    assert fit["gpu"] == "rtx-3090" and fit["gpu_count"] == 2
    assert "可以" in _first(a.text) and "llama.cpp" in a.text


def test_only_having_fewer_gpus_than_the_plan_asks_how_long_on_those():
    q1 = "How many H100s to pretrain a 13B model on 1T tokens within 3 weeks?"
    first = ENGINE.ask(q1)
    needed = _calls(first, "recommend_hardware")[0].result["gpus_needed"]["h100-sxm"]
    a = ENGINE.ask("what if I only have 64?", [q1])
    t = _calls(a, "estimate_training")[0]
    assert t.args["gpu_count"] == 64 and _first(a.text).startswith("**No: about")
    # the deadline count in this answer and the plan's agree (one training sequence default)
    assert f"about {needed:,} NVIDIA H100" in a.text


def test_a_follow_up_with_a_new_model_keeps_the_ask():
    a = ENGINE.ask("what about 70B?", ["What GPU do I need for Llama 3.1 8B?"])
    assert _calls(a, "recommend_hardware") and "Cheapest" in _first(a.text)


def test_how_many_tokens_can_i_get_is_a_speed_question():
    a = ENGINE.ask("llama3 70b on 4x 4090, how many tokens per second can i get for one user?")
    assert "tokens/s" in _first(a.text) and not _first(a.text).startswith(("**Yes", "**No", "**Llama 3 70B:"))


def test_ddp_or_fsdp_is_answered_from_the_memory_of_each():
    a = ENGINE.ask("DDP和FSDP到底选哪个？我有8张A100训7B")
    shardings = [c.args.get("sharding") for c in _calls(a, "check_fit")]
    assert shardings == ["none", "fsdp"] and _first(a.text).startswith("**选 FSDP")
    b = ENGINE.ask("DDP vs ZeRO-3 for Qwen2.5 1.5B full fine-tune on 8 A100s")
    assert _first(b.text).startswith("**Both fit")


def test_sxm_vs_pcie_compares_the_two_form_factors():
    a = ENGINE.ask("H100 SXM vs PCIe, which for inference of llama 70b?")
    gpus = {c.args["gpu"] for c in _calls(a, "estimate_throughput")}
    assert gpus == {"h100-sxm", "h100-pcie"} and "faster" in _first(a.text)


def test_full_blood_means_the_native_format_and_nodes_are_counted():
    a = ENGINE.ask("部署deepseek r1 671b满血版，100并发，要几台8卡H200？")
    first = _first(a.text)
    assert "fp8" in first and "awq" not in first and "台" in first


def test_max_context_when_the_native_format_does_not_load():
    a = ENGINE.ask("What's the max context I can run Qwen2.5-7B at on a 16GB card?")
    assert _first(a.text).startswith("**Up to about") and "does not load" in _first(a.text)


def test_a_sizing_question_with_no_model_asks_for_one():
    for q in ("How many GPUs do I need?", "which gpu should i buy"):
        a = ENGINE.ask(q)
        assert "Tell me the model" in a.text and not a.calls


def test_fit_and_speed_in_one_answer_describe_one_setup():
    a = ENGINE.ask("Mac M4 Max 128G能跑llama3 70b吗？速度多少")
    fit = [c for c in _calls(a, "check_fit") if c.result.get("fits")][-1]
    speed = _calls(a, "estimate_throughput")[-1]
    assert speed.args.get("precision") == fit.result["memory"]["precision"]
    b = ENGINE.ask("M3 Ultra vs 2x 4090 for llama3 70b")
    assert len({c.args.get("precision") for c in _calls(b, "estimate_throughput")}) == 1  # like with like


def test_a_hub_id_of_a_catalog_model_is_that_model_and_on_16gb_is_a_card():
    a = ENGINE.ask("Can I QLoRA mistralai/Mistral-Nemo-Instruct-2407 on 16GB?")
    fit = _calls(a, "check_fit")[0].args
    assert fit["model"] == "mistral-nemo-12b" and fit["method"] == "qlora"
    assert _first(a.text).startswith(("**Yes", "**No")) and "Mistral Nemo" in _first(a.text)


def test_plural_unknown_gpu_and_negative_counts_are_refused():
    a = ENGINE.ask("How many RTX 9090s to serve Llama 3 8B?")
    assert "not in my GPU catalog" in _first(a.text) and not a.calls
    b = ENGINE.ask("Can I run Llama 3 70B on -2 GPUs?")
    assert "-2" in _first(b.text) and "out of range" in _first(b.text)


def test_a_large_training_batch_also_gets_the_micro_batch_figure():
    a = ENGINE.ask("How much memory to train a 1.5B model from scratch with seq len 4096 and batch 32?")
    batches = [c.args.get("batch") for c in _calls(a, "estimate_memory")]
    assert 32 in batches and 1 in batches and "gradient accumulation" in a.text


def test_people_online_at_once_are_concurrent_users():
    s = parse("我们公司想部署llama3 70b给500个员工用，同时在线大概50人，每人8k上下文，要几张H20？")
    assert s.users == 50 and s.context == 8192
    assert parse("同时用2张卡跑70b").users is None


def test_which_is_cheaper_for_serving_compares_cost_per_token_at_the_load():
    a = ENGINE.ask("Which is cheaper for serving Llama 3.1 8B to 100 users: L4 or L40S?")
    plans = _calls(a, "recommend_hardware")
    assert {c.args["gpus"][0] for c in plans} == {"l4", "l40s"} and all(c.args["concurrency"] == 100 for c in plans)
    assert _first(a.text).startswith("**NVIDIA L40S") and "per 1M output tokens" in _first(a.text)


def test_how_much_faster_is_one_format_compares_speeds_on_gpus_that_hold_both():
    a = ENGINE.ask("how much faster is fp8 than bf16 for serving llama 3.1 70b on h100")
    t = _calls(a, "estimate_throughput")
    assert {c.args["precision"] for c in t} == {"fp8", "bf16"} and len({c.args["gpu_count"] for c in t}) == 1
    assert _first(a.text).startswith("**fp8 is faster")


def test_a_team_size_is_the_users_and_is_80gb_enough_is_a_fit_on_an_80gb_card():
    assert parse("Can I run Qwen2.5-Coder-32B on two 3090s for my team of 5?").users == 5
    a = ENGINE.ask("Is 80GB enough to serve Llama 3.1 70B at fp8 with 16k context?")
    assert _first(a.text).startswith(("**Yes", "**No")) and _calls(a, "check_fit")


def test_enough_for_users_at_a_speed_checks_the_speed_too():
    a = ENGINE.ask("Is a single L40S enough to serve Mistral 7B to 50 users at 20 tokens/s each with 4k context?")
    per = _calls(a, "estimate_throughput")[-1].result["decode_tokens_per_s"]
    assert per < 20 and _first(a.text).startswith("**No - it fits in memory but is too slow")


def test_staff_using_it_at_once_are_concurrent_users():
    assert parse("我们有30个客服同时用，想部署Qwen2.5-32B，上下文16k").users == 30
