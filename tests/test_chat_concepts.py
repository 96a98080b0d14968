"""Concept and misconception questions in the offline chat: the first line answers what was asked (a definition for
"what is", a yes/no for a yes/no question, the difference for a comparison), in the asker's language, from the
guidance section that is about it -- not a neighbouring passage (KV-cache quantization for "what is a KV cache", the
3D-parallelism table for "TP vs PP", GGUF text for "what is MFU"). Phrasings differ from the reviewer's on purpose:
the routing and retrieval must generalise (knowledge/docs headings name what a section answers; see
advisor/offline/concepts.py). Both retrieval paths are checked: keywords (one-shot CLI) and the vector index (app)."""

import re

import pytest

from advisor.offline.engine import OfflineEngine

QUICK = OfflineEngine(quick=True)

# (question, phrases of which the first line must hold at least one, phrases the whole answer must not hold)
CASES = [
    # what is a KV cache -> its definition, not KV-cache quantization
    ("what's a KV cache", ["KV cache is the key and value vectors"], ["Rules of thumb", "quantization"]),
    ("explain the KV cache", ["KV cache is the key and value vectors"], ["Rules of thumb"]),
    ("什么是KV cache", ["KV cache 是生成时"], ["经验法则", "量化"]),
    ("KV缓存是什么？", ["KV cache 是生成时"], ["经验法则"]),
    # tensor vs pipeline parallelism -> the difference
    ("whats the difference between tensor parallel and pipeline parallel",
     ["Tensor parallelism splits every layer", "pipeline parallelism gives whole layers"], ["ConnectX"]),
    ("TP vs PP - which splits what?", ["Tensor parallelism splits every layer"], ["ConnectX"]),
    ("张量并行和流水线并行有什么区别？", ["张量并行把每一层切分"], []),
    # what is tensor parallelism -> a definition first, not "it needs NVLink"
    ("what does tensor parallelism mean?", ["Tensor parallelism (TP) splits the weight matrices"], []),
    ("什么是张量并行？", ["张量并行（TP）把每层内部的权重矩阵切分"], []),
    # is NVLink required -> No
    ("Is NVLink required for tensor parallelism on 2x 3090?", ["**No"], ["936 GB/s"]),
    ("can tensor parallelism run over PCIe without nvlink?", ["**No, NVLink is not required"], []),
    ("两张4090没有NVLink能做张量并行吗", ["不需要 NVLink"], []),
    # MFU -> definition and published values
    ("explain MFU", ["MFU (model FLOPs utilization) is"], ["imatrix", "GGUF"]),
    ("what is MFU and what's a realistic number for llama training", ["MFU (model FLOPs utilization) is"], ["imatrix"]),
    ("MFU一般能到多少？", ["MFU（模型 FLOPs 利用率）是"], []),
    # why decoding is bandwidth-bound -> the decode explanation, not only prefill
    ("why is LLM decoding memory bandwidth bound?", ["reads every weight"], ["Apple Silicon"]),
    ("why is token generation limited by memory bandwidth rather than compute?", ["reads every weight"], []),
    ("为什么解码受显存带宽限制？", ["都要从显存读取全部权重"], []),
    # LoRA faster? -> not much
    ("is LoRA faster than full fine-tuning", ["**Not much faster"], []),
    ("LoRA训练是不是比全参数微调快很多？", ["快不了多少"], []),
    # more GPUs for one user -> yes with TP, no with a layer split
    ("does adding more GPUs make single-user inference faster?", ["**Yes with tensor parallelism"], []),
    ("will 2 GPUs double my tokens per second?", ["**Yes with tensor parallelism"], []),
    ("多卡能让单用户推理更快吗", ["是，但只限张量并行"], ["Triton"]),
    # out of memory -> the ranked levers
    ("I'm getting CUDA out of memory, what do I do?", ["Cut the largest item first"], ["nvidia-smi"]),
    ("显存不够怎么办？", ["先削减最大的那一项"], ["Apple Silicon", "Metal"]),
]


def _first(text: str) -> str:
    return text.strip().splitlines()[0]


def _check(answer, question, firsts, absent):
    first = _first(answer.text)
    assert any(p in first for p in firsts), answer.text
    assert not [a for a in absent if a in answer.text], answer.text
    zh = bool(re.search(r"[\u4e00-\u9fff]", question))
    assert answer.language == ("zh" if zh else "en")
    if zh:  # Chinese all the way: every line that is prose is Chinese
        prose = [ln for ln in answer.text.splitlines() if ln.strip()]
        assert all(re.search(r"[\u4e00-\u9fff]", ln) for ln in prose), answer.text
    # list items on their own lines, never glued into the lead
    assert " - " not in first.replace("**", "") or not re.search(r"[.:：。] - ", first), first
    assert answer.sources, "a concept answer names the section it quotes"


@pytest.mark.parametrize("question,firsts,absent", CASES, ids=[c[0][:50] for c in CASES])
def test_concept_answers_lead_with_the_answer(question, firsts, absent):
    _check(QUICK.ask(question), question, firsts, absent)


@pytest.fixture(scope="module")
def indexed():
    """The app's engine: concept questions searched in the vector index (built once in the session's temp dir)."""
    return OfflineEngine(quick=False)


@pytest.mark.parametrize("question,firsts,absent", CASES, ids=[c[0][:50] for c in CASES])
def test_concept_answers_through_the_vector_index(indexed, question, firsts, absent):
    _check(indexed.ask(question), question, firsts, absent)


CLAIMS = [
    # (question, first-line start, a phrase the answer must hold)
    ("does 70B at 4-bit need 17.5 GB? my friend says so", "**No", "2.0 bits per parameter"),
    ("is 35 GB right for a 70B at 4-bit?", "**No", "not 35 GB"),
    ("my colleague says llama 3 8b needs 4 GB at 4-bit, right?", "**No", "not 4 GB"),
    ("70B模型4bit只要17.5G显存对吗", "**不是", "2.0 位"),
]


@pytest.mark.parametrize("question,start,phrase", CLAIMS, ids=[c[0][:40] for c in CLAIMS])
def test_a_stated_figure_gets_a_verdict(question, start, phrase):
    a = QUICK.ask(question)
    assert _first(a.text).startswith(start), a.text
    assert phrase in a.text
    assert any(c.tool == "estimate_memory" for c in a.calls)  # the real figure comes from the calculator


def test_the_17_5_figure_is_explained_from_the_calculator():
    a = QUICK.ask("does 70B at 4-bit need 17.5 GB?")
    m = next(c for c in a.calls if c.tool == "estimate_memory")
    bits = 17.5 * 8 / (m.result["params_b"])
    assert f"{bits:.1f} bits per parameter" in a.text


@pytest.mark.parametrize("question,ask", [
    ("Can I run Llama 3.1 8B on a 4090?", "fit"),  # a model to size: not a concept question
    ("How much VRAM does Llama 3.1 8B need with LoRA?", "memory"),
    ("Is the 4090 faster than the 3090?", "gpu_specs"),
])
def test_sizing_questions_are_not_taken_for_concepts(question, ask):
    from advisor.offline.asks import detect
    from advisor.offline.parse import parse

    now = parse(question)
    assert ask in detect(question, now, now, None)


@pytest.mark.parametrize("question,must,never", [
    ("gemma 3 27b on a 5090?", "GGUF", "GPTQ"),  # a GGUF fit is not explained with GPTQ's algorithm
    ("单卡4090跑qwen2.5 32b可以吗", "GGUF", "它利用"),  # a whole Chinese sentence, not one cut from its context
])
def test_the_why_line_is_about_the_format_chosen(question, must, never):
    a = QUICK.ask(question)
    why = [ln for ln in a.text.splitlines() if ln.startswith(("Why:", "依据："))]
    assert why and must in why[0] and never not in a.text, a.text


@pytest.mark.parametrize("question", ["单卡能支持多少并发，取决于什么？", "一张卡能撑多少并发由什么决定？",
                                      "What determines how many concurrent users a GPU can serve?"])
def test_what_sets_the_users_a_card_serves_is_explained_in_either_language(question):
    # a concurrency question with no model is a concept (the KV-cache headroom section), in Chinese too: "并发" is
    # a serving word, not an unknown one that leaves only a clarifying question
    lead = QUICK.ask(question).text.splitlines()[0]
    assert "KV cache" in lead, lead
