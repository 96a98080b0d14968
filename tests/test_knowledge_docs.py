"""The guidance docs: front matter, a source behind every citation, and every example figure checked
against the calculators (docs explain; tools/ computes)."""

import re

import pytest

from knowledge.docs_loader import DOCS_DIR, chunk_doc, load_docs, parse_doc

DOCS = sorted(DOCS_DIR.glob("*.md"))
REQUIRED_TOPICS = ["choosing-gpus-by-model-size", "gpu-memory-anatomy", "fine-tuning-methods", "distributed-training",
                   "quantization", "serving", "gpu-generations", "costs", "advice-by-situation", "misconceptions"]
CHECK = re.compile(r"<!--\s*check:\s*(.+?)\s*==\s*([-\d.eE+]+)\s*\+-\s*([\d.eE+-]+)\s*-->")


def test_all_topics_are_written():
    assert {p.stem for p in DOCS} >= set(REQUIRED_TOPICS)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_doc_has_front_matter_sources_and_sections(path):
    doc = parse_doc(path)
    assert doc.title and doc.tags and doc.last_reviewed
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

    return {
        "memory": lambda **kw: estimate_memory(MemoryRequest(**kw)),
        "fit": lambda **kw: check_fit(FitRequest(**kw)),
        "weights_gb": lambda model, precision: weight_bytes(get_model(model), weight_format(precision)) / 1e9,
        "weights_gib": lambda model, precision: weight_bytes(get_model(model), weight_format(precision)) / 2**30,
        "params_b": lambda model: count_params(get_model(model)).total / 1e9,
        "kv_bytes_per_token": lambda model: kv_bytes_per_token(get_model(model), 4096, "bf16"),
        "gpu": lambda name: get_gpu(name),
    }


CHECKS = [(p.stem, *m.groups()) for p in DOCS for m in CHECK.finditer(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("doc,expr,value,tol", CHECKS, ids=[f"{c[0]}:{c[1][:40]}" for c in CHECKS])
def test_example_figures_match_the_calculators(doc, expr, value, tol):
    got = eval(expr, {"__builtins__": {}}, _helpers())  # noqa: S307 - expressions are our own docs'
    assert float(got) == pytest.approx(float(value), abs=float(tol)), f"{doc}: {expr} = {got}"


def test_every_doc_parses():
    assert len(load_docs()) == len(DOCS)
