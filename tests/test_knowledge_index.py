"""Indexing and retrieval: offline embeddings, Chroma (embedded and server), rebuilds, recall."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from knowledge.docs_loader import DOCS_DIR
from knowledge.index import GuidanceIndex, make_client
from tests.fakes import free_port

EVAL_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "eval"


def _queries() -> list[dict]:
    out = []
    for p in sorted(EVAL_DIR.glob("*.json")):
        out += json.loads(p.read_text(encoding="utf-8"))["queries"]
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("ADVISOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.delenv("CHROMA_HOST", raising=False)
    idx = GuidanceIndex()
    status = idx.ensure()
    yield idx, status
    mp.undo()


def test_embeddings_are_offline_and_checked():
    from knowledge.embed import MODEL_SHA256, TOKENIZER, TOKENIZER_SHA256, _model_path, _sha256, get_embedder

    assert _sha256(_model_path()) == MODEL_SHA256 and _sha256(TOKENIZER) == TOKENIZER_SHA256
    e = get_embedder()
    a, b, c = e.embed(["QLoRA trains adapters on a 4-bit base", "LoRA adapters on a quantized model",
                       "NVLink connects GPUs"])
    dot = lambda x, y: sum(i * j for i, j in zip(x, y, strict=True))  # noqa: E731
    assert dot(a, a) == pytest.approx(1.0, abs=1e-4)
    assert dot(a, b) > dot(a, c)


def test_index_builds_under_the_data_dir(index):
    idx, status = index
    assert status.action == "built" and status.chunks >= 80 and status.docs >= 20  # English + Chinese
    assert "chroma" in status.location


def test_passages_carry_citations(index):
    idx, _ = index
    hits = idx.search("what does ZeRO-3 shard across GPUs", k=3)
    assert len(hits) == 3 and hits[0].score >= hits[-1].score
    top = hits[0]
    assert top.doc_id and top.title and top.heading and top.text
    assert top.citation.startswith("knowledge/docs/") and " § " in top.citation


def test_retrieval_recall_at_3(index):
    idx, _ = index
    qs = [q for q in _queries() if q["doc"]]  # "doc": null marks an off-topic question
    assert len(qs) >= 40 and sum(q["lang"] == "zh" for q in qs) >= 10
    # a hit is a passage of the expected doc in the question's own language
    hits = [(q["doc"], q["lang"]) in {(p.doc_id, p.lang) for p in idx.search(q["q"], k=3)} for q in qs]
    zh = [h for h, q in zip(hits, qs, strict=True) if q["lang"] == "zh"]
    assert sum(hits) / len(hits) >= 0.9, f"recall@3 = {sum(hits) / len(hits):.2f}"
    assert sum(zh) / len(zh) >= 0.8, f"Chinese recall@3 = {sum(zh) / len(zh):.2f}"


def test_unchanged_docs_are_not_reindexed_and_changed_docs_are(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    docs = tmp_path / "docs"
    shutil.copytree(DOCS_DIR, docs)
    first = GuidanceIndex(docs_dir=docs).ensure()
    assert first.action == "built"
    assert GuidanceIndex(docs_dir=docs).ensure().action == "up to date"
    page = next(docs.glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\n## Added section\nA new paragraph about NVLink bridges "
                    "and how they pair two cards for tensor parallel inference.\n", encoding="utf-8")
    again = GuidanceIndex(docs_dir=docs).ensure()
    assert again.action == "rebuilt (docs changed)" and again.chunks == first.chunks + 1


def test_a_corrupt_store_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    GuidanceIndex().ensure()
    for f in (tmp_path / "chroma").rglob("*"):
        if f.is_file():
            f.write_bytes(b"garbage" * 10)
    status = GuidanceIndex().ensure()
    assert status.action.startswith("rebuilt") and status.chunks > 0
    assert GuidanceIndex().search("gradient checkpointing", k=1)



def test_chinese_questions_get_chinese_passages(index):
    idx, _ = index
    hits = idx.search("FSDP 和 DDP 有什么区别？", k=3)
    assert hits and all(p.lang == "zh" for p in hits)
    assert hits[0].chunk_id.startswith("zh/distributed-training#fsdp-vs-ddp")
    assert hits[0].citation.startswith("knowledge/docs/zh/distributed-training.md § ")
    assert hits[0].first_sentences().startswith("DDP 在每张 GPU 上都保留")


def test_lang_picks_the_language_and_scores_are_language_neutral(index):
    idx, _ = index
    q = "What's the difference between FSDP and DDP?"
    en, zh = idx.search(q, k=2), idx.search(q, k=2, lang="zh")
    assert [p.lang for p in en] == ["en", "en"] and [p.lang for p in zh] == ["zh", "zh"]
    assert [f"zh/{p.chunk_id}" for p in en] == [p.chunk_id for p in zh]
    assert [p.score for p in en] == pytest.approx([p.score for p in zh], abs=1e-3)  # one vector per section pair
    assert idx.search("张量并行为什么需要 NVLink？", k=1, lang="en")[0].lang == "en"
    with pytest.raises(ValueError, match="lang must be one of"):
        idx.search(q, lang="fr")


def test_min_score_drops_off_topic_questions(index):
    from knowledge import CITE_MIN_SCORE

    idx, _ = index
    for q in ("How do I bake sourdough bread at home?", "明天北京天气怎么样？"):
        assert idx.search(q, k=3, min_score=CITE_MIN_SCORE) == [], q
        assert all(0.0 <= p.score < CITE_MIN_SCORE for p in idx.search(q, k=3))
    kept = idx.search("Does a 7B model at 4-bit really need only 3.5 GB?", k=3, min_score=CITE_MIN_SCORE)
    assert kept and kept[0].chunk_id == "misconceptions#a-7b-model-at-4-bit-needs-only-3-5-gb"
    assert all(p.score >= CITE_MIN_SCORE for p in kept)


def test_a_language_without_passages_falls_back_to_the_other(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS_DIR / "misconceptions.md", docs)  # English only
    idx = GuidanceIndex(docs_dir=docs)
    hits = idx.search("7B 模型 4-bit 真的只要 3.5 GB 吗？", k=2)
    assert hits and all(p.lang == "en" and p.doc_id == "misconceptions" for p in hits)


@pytest.mark.skipif(shutil.which("chroma") is None, reason="the chroma CLI comes with chromadb")
def test_chroma_server_path(tmp_path, monkeypatch):
    port = free_port()
    proc = subprocess.Popen([shutil.which("chroma"), "run", "--host", "127.0.0.1", "--port", str(port), "--path",
                             str(tmp_path / "server")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("CHROMA_PORT", str(port))
        monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "unused"))
        deadline = time.time() + 30
        while True:
            try:
                client, where = make_client()
                client.heartbeat()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        assert where == f"chroma server 127.0.0.1:{port}"
        idx = GuidanceIndex()
        assert idx.ensure().action == "built"
        assert GuidanceIndex().ensure().action == "up to date"  # the hash lives on the server
        assert idx.search("PagedAttention KV cache blocks", k=1)[0].doc_id == "serving"
        assert not (tmp_path / "unused" / "chroma").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
