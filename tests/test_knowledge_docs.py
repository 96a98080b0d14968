"""The guidance docs: front matter, a source behind every citation, and every example figure checked
against the calculators (docs explain; tools/ computes) -- in English and in the Chinese translations,
which must mirror the English section by section so each Chinese chunk pairs with its original."""

import re
from collections import Counter

import pytest

from knowledge.docs_loader import DOCS_DIR, all_chunks, chunk_doc, load_docs, paragraphs, parse_doc, sections

EN_DOCS = sorted(DOCS_DIR.glob("*.md"))
ZH_DOCS = sorted((DOCS_DIR / "zh").glob("*.md"))
DOCS = EN_DOCS + ZH_DOCS
REQUIRED_TOPICS = ["choosing-gpus-by-model-size", "gpu-memory-anatomy", "fine-tuning-methods", "distributed-training",
                   "quantization", "serving", "gpu-generations", "costs", "advice-by-situation", "misconceptions"]
CHECK = re.compile(r"<!--\s*check:\s*(.+?)\s*==\s*([-\d.eE+]+)\s*\+-\s*([\d.eE+-]+)\s*-->")


def test_all_topics_are_written_in_both_languages():
    assert {p.stem for p in EN_DOCS} >= set(REQUIRED_TOPICS)
    assert {p.stem for p in ZH_DOCS} == {p.stem for p in EN_DOCS}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_doc_has_front_matter_sources_and_sections(path):
    doc = parse_doc(path)
    assert doc.title and doc.tags and doc.last_reviewed
    assert doc.lang == ("zh" if path.parent.name == "zh" else "en")
    ids = {s["id"] for s in doc.sources}
    assert ids and all(s.get("url") for s in doc.sources)
    cited = set(re.findall(r"\[([a-z0-9][\w.-]*)\]", re.sub(r"<!--.*?-->", "", doc.body, flags=re.S)))
    assert cited, "factual claims carry citations"
    assert cited <= ids, f"citations without a source: {cited - ids}"
    chunks = chunk_doc(doc)
    assert len(chunks) >= 4
    assert all(len(c.text.split()) <= 260 for c in chunks)


def _helpers():
    from tools.fit import FitRequest, check_fit
    from tools.formats import weight_bytes, weight_format
    from tools.gpus import get_gpu
    from tools.memory import MemoryRequest, estimate_memory
    from tools.memory_inference import kv_bytes_per_token
    from tools.models import get_model
    from tools.params import count_params
    from tools.throughput import ThroughputRequest, estimate_throughput

    return {
        "memory": lambda **kw: estimate_memory(MemoryRequest(**kw)),
        "fit": lambda **kw: check_fit(FitRequest(**kw)),
        "weights_gb": lambda model, precision: weight_bytes(get_model(model), weight_format(precision)) / 1e9,
        "weights_gib": lambda model, precision: weight_bytes(get_model(model), weight_format(precision)) / 2**30,
        "params_b": lambda model: count_params(get_model(model)).total / 1e9,
        "kv_bytes_per_token": lambda model: kv_bytes_per_token(get_model(model), 4096, "bf16"),
        "gpu": lambda name: get_gpu(name),
        "tps": lambda **kw: estimate_throughput(ThroughputRequest(**kw)).decode_tokens_per_s,
    }


CHECKS = [(f"{p.parent.name}/{p.stem}", *m.groups()) for p in DOCS for m in CHECK.finditer(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("doc,expr,value,tol", CHECKS, ids=[f"{c[0]}:{c[1][:40]}" for c in CHECKS])
def test_example_figures_match_the_calculators(doc, expr, value, tol):
    got = eval(expr, {"__builtins__": {}}, _helpers())  # noqa: S307 - expressions are our own docs'
    assert float(got) == pytest.approx(float(value), abs=float(tol)), f"{doc}: {expr} = {got}"


def test_every_doc_parses():
    assert len(load_docs()) == len(DOCS)


def _cites(body: str) -> Counter:
    return Counter(re.findall(r"\[([a-z0-9][\w.-]*)\]", re.sub(r"<!--.*?-->", "", body, flags=re.S)))


@pytest.mark.parametrize("path", ZH_DOCS, ids=lambda p: p.stem)
def test_translation_mirrors_its_original(path):
    """Same sources, same citations, same checked figures, same sections and paragraphs: a translation
    adds no claim and drops none, and each of its chunks pairs with the English chunk it translates."""
    zh, en = parse_doc(path), parse_doc(DOCS_DIR / path.name)
    assert zh.sources == en.sources and zh.tags == en.tags
    assert _cites(zh.body) == _cites(en.body)
    assert re.findall(r"<!--.*?-->", zh.body, flags=re.S) == re.findall(r"<!--.*?-->", en.body, flags=re.S)
    assert [len(paragraphs(t)) for _, t in sections(zh)] == [len(paragraphs(t)) for _, t in sections(en)]
    assert re.search(r"[\u4e00-\u9fff]", zh.title) and all(re.search(r"[\u3000-\u9fff\uff00-\uffef]", h) for h, _ in sections(zh))
    zh_chunks, en_chunks = chunk_doc(zh, en), chunk_doc(en)
    assert [c.chunk_id for c in zh_chunks] == [f"zh/{c.chunk_id}" for c in en_chunks]
    assert [c.embed_text for c in zh_chunks] == [c.embed_text for c in en_chunks]
    assert all(c.lang == "zh" and c.path == f"knowledge/docs/zh/{path.name}" for c in zh_chunks)
    assert not [c.chunk_id for c in zh_chunks if re.search(r" [。，；：）]", c.text)]  # a removed check left no gap


def test_chunks_carry_their_language():
    chunks = all_chunks()
    langs = Counter(c.lang for c in chunks)
    assert set(langs) == {"en", "zh"} and langs["en"] == langs["zh"]
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_a_translation_without_an_original_is_embedded_as_written(tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "extra.md").write_text(
        "---\ntitle: 额外\nlang: zh\ntags: [x]\nlast_reviewed: 2026-11-30\nsources: []\n---\n# 额外\n\n"
        "## 一节\n这是一段足够长的中文文字，用来检查没有英文原文的译文也会被切块并按原文嵌入。\n", encoding="utf-8")
    [chunk] = all_chunks(tmp_path)
    assert chunk.lang == "zh" and chunk.parallel == "" and "中文文字" in chunk.embed_text


def test_an_unknown_lang_is_refused(tmp_path):
    bad = tmp_path / "x.md"
    bad.write_text("---\ntitle: X\nlang: fr\n---\n# X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        parse_doc(bad)


# Sections a chat answer quotes first: each opens with a sentence that answers the question by itself.
ANSWER_FIRST = [
    ("distributed-training", "fsdp-vs-ddp", ["DDP keeps a full copy", "FSDP shards them"]),
    ("distributed-training", "deepspeed-zero-stages", ["ZeRO-2 also shards the gradients", "ZeRO-3 also shards the parameters"]),
    ("misconceptions", "a-7b-model-at-4-bit-needs-only-3-5-gb", ["No: 3.5 GB is only the 4-bit weight payload"]),
    ("misconceptions", "introduction", ["4-bit quantization compresses a model 8x", "a 7B model at 4-bit needs only 3.5 GB"]),
]


@pytest.mark.parametrize("doc,section,phrases", ANSWER_FIRST, ids=[a[1] for a in ANSWER_FIRST])
def test_concept_sections_state_the_answer_first(doc, section, phrases):
    from knowledge.sentences import first_sentences

    [chunk] = [c for c in all_chunks() if c.lang == "en" and c.chunk_id.startswith(f"{doc}#{section}")][:1]
    lead = first_sentences(chunk.text, n=1, max_chars=600)
    assert all(p in lead for p in phrases), lead
    zh = next(c for c in all_chunks() if c.chunk_id == f"zh/{chunk.chunk_id}")
    assert first_sentences(zh.text, n=1, max_chars=600).endswith("。")


def test_first_sentences_are_whole_and_clean():
    from knowledge.index import Passage

    text = ("DDP keeps a full copy on every GPU [ddp-notes]; FSDP shards it, e.g. FULL_SHARD [fsdp-api]. "
            "It costs about 1.5x the traffic [zero]. A third sentence.\n\n| Link | Bandwidth |\n|---|---|\n")
    p = Passage(doc_id="d", title="t", heading="h", text=text, score=0.5, path="knowledge/docs/d.md")
    assert p.first_sentences() == "DDP keeps a full copy on every GPU; FSDP shards it, e.g. FULL_SHARD."
    assert p.first_sentences(n=2) == ("DDP keeps a full copy on every GPU; FSDP shards it, e.g. FULL_SHARD. "
                                      "It costs about 1.5x the traffic.")
    assert p.first_sentences(n=3, max_chars=80) == p.first_sentences()  # the second would not fit whole
    assert p.first_sentences(max_chars=20) == ""  # never cut mid-sentence


def test_first_sentences_skip_tables_lead_ins_and_fragments():
    from knowledge.sentences import first_sentences, split_sentences

    table_first = "| Type | Bits |\n|---|---|\n| Q4_K | 4.5 |\n\nQ4_K_M mixes **Q4_K** and `Q6_K` [kquants-pr]."
    assert first_sentences(table_first) == "Q4_K_M mixes Q4_K and Q6_K."
    lead_in = "Beyond that, torchrun [torchrun]:\n- sets `RANK` automatically;\n- restarts workers.\n"
    assert split_sentences(lead_in) == ["restarts workers."]
    assert first_sentences("a heading without an end mark") == ""


def test_first_sentences_in_chinese():
    from knowledge.sentences import first_sentences

    text = "DDP 在每张 GPU 上保留完整副本 [ddp-notes]；FSDP 把它们切分 [fsdp-api]。代价是通信！为什么？因为要收集参数。"
    assert first_sentences(text) == "DDP 在每张 GPU 上保留完整副本；FSDP 把它们切分。"
    assert first_sentences(text, n=3) == "DDP 在每张 GPU 上保留完整副本；FSDP 把它们切分。代价是通信！为什么？"
    assert first_sentences("约 3.5 GB。第二句。", n=1) == "约 3.5 GB。"


@pytest.mark.parametrize("chunk", [c for c in all_chunks() if c.chunk_id.endswith(("fsdp-vs-ddp-what-each-gpu-holds",
                                                                                   "3d-parallelism-and-interconnects-nvlink-pcie-infiniband-2",
                                                                                   "quality-impact-by-bit-width"))],
                         ids=lambda c: c.chunk_id)
def test_quotes_from_real_passages_never_hold_a_table_or_a_marker(chunk):
    from knowledge.sentences import first_sentences

    quote = first_sentences(chunk.text, n=3, max_chars=500)
    assert quote and "|" not in quote and "[" not in quote and "<!--" not in quote
    assert quote[-1] in ".!?。！？"


def test_keyword_search_in_each_language_and_its_relevance_floor():
    from knowledge.keyword import KEYWORD_MIN_SHARE, keyword_search
    from knowledge.zh import expand_query

    zh = keyword_search("FSDP 和 DDP 有什么区别？", k=2)
    assert zh and all(p.lang == "zh" and p.path.startswith("knowledge/docs/zh/") for p in zh)
    en = keyword_search(expand_query("FSDP 和 DDP 有什么区别？"), k=2, lang="en")
    assert [f"zh/{p.chunk_id}" for p in en] == [p.chunk_id for p in zh]  # a translation matches like its original
    assert keyword_search("How do I center a div in CSS?", k=3, min_share=KEYWORD_MIN_SHARE) == []
    assert keyword_search("What does ZeRO-3 shard across GPUs?", k=1, min_share=KEYWORD_MIN_SHARE)
