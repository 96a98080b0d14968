"""Concept questions ("what is a KV cache", "TP vs PP", "is NVLink required for tensor parallelism?", "显存不够怎么办"):
which guidance section answers them, and how its opening is quoted.

A section answers a concept question when its heading names what the question names: the question's own terms are
matched against the English heading of every section (a Chinese section by the English heading it translates, the
Chinese question by its English rendering, knowledge.zh.expand_query), on top of the search score. The form of the
question picks among sections on the same subject: a yes/no question prefers a section that opens with its verdict,
a "what is" question one that opens with a definition rather than a verdict."""

from __future__ import annotations

import re
from functools import lru_cache

# abbreviations a question uses for what the headings spell out
ABBREVIATIONS = {"tp": "tensor parallelism", "pp": "pipeline parallelism", "dp": "data parallelism",
                 "mfu": "mfu model flops utilization", "kv": "kv", "ep": "expert parallelism",
                 "moe": "moe mixture experts"}
_WORD = re.compile(r"[a-z][a-z0-9]*|\d+[a-z]+")
STOP = {"what", "whats", "what's", "the", "and", "is", "are", "does", "do", "did", "why", "how", "between", "difference",
        "differences", "of", "a", "an", "for", "use", "than", "less", "more", "with", "can", "it", "in", "on", "to",
        "explain", "tell", "me", "about", "my", "i", "we", "you", "your", "our", "which", "when", "should", "would",
        "could", "will", "be", "it's", "its", "there", "this", "that", "these", "those", "or", "vs", "versus", "really",
        "so", "at", "by", "from", "as", "into", "one", "each", "make", "makes", "get", "gets", "got", "any", "much",
        "many", "very", "still", "just", "only", "also", "need", "needs", "want", "wants", "say", "says", "said",
        "true", "misconception", "myth", "common", "mean", "means", "meaning", "define", "definition", "concept",
        "other", "their", "them", "they", "has", "have", "not", "no", "yes", "if", "up", "out", "way", "ways",
        "realistic", "typical", "number", "numbers", "value", "values", "good", "some", "all", "every", "us",
        "work", "works", "working", "thing", "things", "lot", "lots", "big", "actually",
        "required", "require", "requires", "necessary", "needed", "help", "helps", "go", "going", "am", "was",
        "were", "been", "being", "don't", "doesn't", "isn't", "aren't", "vs.", "llm", "llms", "model", "models",
        "gpu", "gpus", "x", "per", "across", "getting", "cards", "card", "two", "three", "four", "eight"}
_FORM_YES_NO = re.compile(r"^\s*(?:is|are|does|do|did|can|could|will|would|should|must|has|have)\b|"
                          r"是不是|吗[？?]?\s*$|对吗|对不对|是否|有没有必要|必须", re.I)
_FORM_DEFINE = re.compile(r"\bwhat(?:'s| is| are)\b|\bwhats\b|\bexplain\b|\bdefine\b|\bmeaning of\b|\bmean\b|"
                          r"是什么|什么是|什么叫|啥是|是啥|解释|含义|指的是", re.I)
_FORM_COMPARE = re.compile(r"\bdifference\b|\bvs\.?\b|\bversus\b|\bcompared?\b|区别|不同|差别|对比|比较", re.I)
VERDICT_OPENING = re.compile(r"^\s*(?:\*\*)?(?:yes|no|not)\b|^\s*(?:\*\*)?(?:是的|不是|不|是|可以|不行|不需要|需要)", re.I)


def _stem(word: str) -> str:
    return word[:5] if len(word) >= 5 else word


# phrasings of one idea, mapped to the word the headings use
PHRASES = [(re.compile(r"\bout of (?:gpu )?memory\b|\bnot enough (?:gpu )?(?:memory|vram)\b|\b(?:reduce|cut|lower|save|saving) "
                       r"(?:gpu )?(?:memory|vram)\b|爆显存"), " oom "),
           (re.compile(r"\b(?:more|multiple|several|two|three|four|eight|extra|additional|\d+x?)\s+(?:gpus|cards|graphics cards)\b|"
                       r"\bacross (?:two|several|multiple|\d+) gpus\b"), " multi "),
           (re.compile(r"\btoken generation\b|\bgenerating tokens\b"), " decoding "),
           (re.compile(r"\b(?:speed(?:s)? up|speedup|quicker|double|accelerate)\b"), " faster "),
           (re.compile(r"\b(?:memory|bandwidth|compute)[- ]bound\b"), " decoding bandwidth ")]
REPLACE = {" faster "}  # a synonym replaces the word; other phrases add the heading's word next to the question's


def terms(question: str) -> set[str]:
    """The question's content words (English; a Chinese question through its English rendering), stemmed, with a
    few phrasings mapped to the words the headings use ("out of memory" -> OOM, "two GPUs" -> multi-GPU)."""
    from knowledge.zh import expand_query

    text = expand_query(question).lower()
    for pattern, word in PHRASES:
        text = pattern.sub(lambda m, w=word: w if w in REPLACE else m.group(0) + w, text)
    text = text.replace("-", " ")
    words = []
    for w in _WORD.findall(text):
        words += ABBREVIATIONS.get(w, w).split()
    return {_stem(w) for w in words if w not in STOP and (len(w) > 2 or w in ABBREVIATIONS)}


def heading_terms(heading: str) -> set[str]:
    words = _WORD.findall(heading.lower().replace("-", " "))
    return {_stem(w) for w in words if w not in STOP and (len(w) > 2 or w in ABBREVIATIONS)}


def form(question: str) -> str:
    """'compare', 'yes_no', 'define' or 'other'."""
    if _FORM_COMPARE.search(question):
        return "compare"
    if _FORM_YES_NO.search(question):
        return "yes_no"
    if _FORM_DEFINE.search(question):
        return "define"
    return "other"


@lru_cache(maxsize=4)
def _sections(digest: tuple) -> tuple:
    """(chunk, English heading, English opening) of the first chunk of every section."""
    from knowledge.docs_loader import all_chunks

    chunks = all_chunks()
    english = {c.chunk_id: c for c in chunks if c.lang == "en"}
    out = []
    for c in chunks:
        if _first_piece(c.chunk_id, english) != c.chunk_id:
            continue  # a later piece of a long section: the heading belongs to its first piece
        en = english.get(c.chunk_id.removeprefix("zh/"), c)
        out.append((c, en.heading, en.text[:300]))
    return tuple(out)


def _first_piece(chunk_id: str, english: dict) -> str:
    """A long section is chunked as X, X-2, X-3 (a translation as zh/X, zh/X-2): the id of its first piece."""
    base = chunk_id.removeprefix("zh/")
    m = re.match(r"(.+)-\d+$", base)
    if m and m.group(1) in english and english[m.group(1)].heading == english.get(base, english[m.group(1)]).heading:
        return chunk_id[: len(chunk_id) - len(base)] + m.group(1)
    return chunk_id


def _digest() -> tuple:
    """Which version of the docs: their paths, sizes and modification times (a stat, not a read)."""
    from knowledge.docs_loader import DOCS_DIR, doc_paths

    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in doc_paths(DOCS_DIR))


def sections() -> tuple:
    return _sections(_digest())


def heading_hits(question: str, lang: str, limit: int = 6) -> list[dict]:
    """Sections whose English heading names at least 40% of the question's terms (by weight), best first, as search
    hits."""
    q = terms(question)
    if not q:
        return []
    scored, w = [], weights()
    for c, heading, _ in sections():
        if c.lang != lang:
            continue
        h = heading_terms(heading)
        recall = _share(h, q, w)
        if recall >= 0.4:
            scored.append((recall + 0.5 * _share(q, h, w), c))
    scored.sort(key=lambda x: -x[0])
    return [{"doc_id": c.doc_id, "title": c.title, "heading": c.heading, "text": c.text, "score": None,
             "path": c.path, "chunk_id": c.chunk_id, "lang": c.lang, "citation": f"{c.path} § {c.heading}"}
            for _, c in scored[:limit]]


@lru_cache(maxsize=4)
def _weights(digest: tuple) -> dict:
    """How specific a heading word is: log(headings / headings with the word), so 'NVLink' outweighs 'inference'."""
    import math

    heads = [heading_terms(h) for c, h, _ in _sections(digest) if c.lang == "en"]
    df: dict[str, int] = {}
    for h in heads:
        for t in h:
            df[t] = df.get(t, 0) + 1
    return {t: 1.0 + math.log(len(heads) / n) for t, n in df.items()} | {"": 1.0 + math.log(len(heads))}


def weights() -> dict:
    return _weights(_digest())


def _share(part: set[str], whole: set[str], w: dict) -> float:
    rare = w[""]
    total = sum(w.get(t, rare) for t in whole)
    return sum(w.get(t, rare) for t in part & whole) / total if total else 0.0


def rank(hits: list[dict], question: str, myths: bool = False) -> list[tuple[float, dict]]:
    """(key, hit) best first: the search score, plus how much of the question the section's heading (and opening)
    names and how little else it names, plus whether its opening has the form the question asks for; a
    myth-busting section leads only when the question states a claim."""
    q = terms(question)
    kind = form(question)
    english = {c.chunk_id: (heading, opening) for c, heading, opening in sections()}
    w = weights()
    claim = bool(re.search(r"\b(?:i (?:heard|read)|they say|people say|my friend|someone (?:said|told))\b|听说|据说|"
                           r"\breally\b|真的", question, re.I))
    first = {c.chunk_id: c for c, _, _ in sections()}
    out = []
    seen = set()
    for h in hits:
        cid = h.get("chunk_id") or ""
        if cid not in first:  # a later piece of a section: quote the section from its opening
            piece = next((c for fid, c in first.items() if cid.startswith(fid + "-")), None)
            if piece is not None:
                cid, h = piece.chunk_id, h | {"chunk_id": piece.chunk_id, "text": piece.text}
        if cid in seen:
            continue
        seen.add(cid)
        heading, opening = english.get(cid, (h["heading"], h["text"][:300]))
        ht = heading_terms(heading)
        subject = heading_terms(re.split(r"[:,?：，？]", heading)[0])  # what the section is about, before its qualifiers
        recall = _share(ht, q, w)
        precision = _share(q, subject, w)
        in_opening = _share(heading_terms(opening), q, w)
        verdict = bool(VERDICT_OPENING.match(h["text"].lstrip()))
        shape = 0.0
        if kind == "yes_no":
            shape = 0.25 if verdict else 0.0
        elif kind == "define":
            # sections that define a term are headed "What X is ..." (the guidance docs' convention)
            shape = (-0.15 if verdict else 0.0) + (0.25 if re.match(r"what\b", heading, re.I) else 0.0)
        elif kind == "compare":
            shape = (-0.15 if verdict else 0.0) + (0.15 if re.search(r"\bvs\.?\b|\bdifference\b", heading, re.I) else 0.0)
        # a myth-busting section (its heading quotes the claim) leads only when a claim is being checked, and never
        # answers "what is" or "what is the difference"
        myth = 0.0 if claim or myths else 0.5 if kind in ("define", "compare") and heading.startswith('"') else \
            0.3 if h.get("doc_id") == "misconceptions" else 0.0
        # the search score counts half: a keyword score is relative to the best match (1.0), a heading hit has none
        key = 0.5 * (h.get("score") or 0.0) + 0.5 * recall + 0.25 * precision + 0.15 * in_opening + shape - myth
        out.append((key, h))
    out.sort(key=lambda x: -x[0])
    return out


_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


# a question that asks a second thing about the concept ("what is MFU? is 40% good?", "difference between TP and PP,
# and which for inference?", "why is decode memory bound but prefill compute bound?"): the passage's next paragraph,
# where the guidance answers it, is quoted too
SECOND_ASK = re.compile(r"[?？].{4,}[?？]|[?？]\s*\S{4,}|\band (?:which|when|how|what|is|does|should|why)\b|\bbut\b|"
                        r"还是|该用|用哪|哪个|什么时候|算高|高还是低|好不好|正常吗|够不够|有没有用|有帮助吗|给.{0,4}(?:数|例子)|"
                        r"\bnumbers\b|\bexamples?\b|\bhelp\b|\bgood\b|\bhigh or low\b|\brealistic\b", re.I)


def quote(text: str, zh: bool, sentences: int = 3, more: bool = False) -> tuple[str, list[str]]:
    """(lead sentence, body lines) from a passage: the opening sentence and up to `sentences - 1` more from its
    paragraph; lists that follow the opening (a lead-in ending in ':' and its items) one line per item, never glued
    into the prose. `more`: the next paragraph's first sentences too (the question asked a second thing)."""
    from knowledge.sentences import clean, split_sentences

    paras = [p.strip() for p in re.split(r"\n\s*\n", re.sub(r"<!--.*?-->", "", text, flags=re.S)) if p.strip()]
    lead, body, lists = "", [], 0
    for para in paras:
        lines = [ln for ln in para.splitlines() if ln.strip() and not ln.lstrip().startswith("|")]
        prose = " ".join(ln.strip() for ln in lines if not _ITEM.match(ln))
        items = [clean(_ITEM.sub("", ln)) for ln in lines if _ITEM.match(ln)]
        if not lead:
            said = split_sentences(prose)
            if not said and items and clean(prose).endswith((":", "：")):
                said = [clean(prose)[:-1] + ("。" if zh else ".")]  # a lead-in and its list: the list is the answer
            if not said:
                continue
            lead, rest = said[0], said[1:sentences]
            if rest:
                body.append(("" if zh else " ").join(rest))
        elif items and lists < 2:
            intro = clean(prose)
            body.append("\n".join(([intro] if intro else []) + [f"- {it}" for it in items[:6]]))
            lists += 1
            continue
        elif more and prose:
            said = split_sentences(prose)
            if said:
                body.append(("" if zh else " ").join(said[:sentences]))
            more = False
            continue
        else:
            break
        if items:
            body.append("\n".join(f"- {it}" for it in items[:6]))
            lists += 1
    return lead, body


def format_topic(precision: str) -> str:
    """The guidance topic behind 'yes at <format>': the words of the heading of the section about that format."""
    p = (precision or "").lower()
    if re.match(r"q\d", p) or "gguf" in p:
        return "GGUF k-quants Q4_K_M"
    if "awq" in p or "gptq" in p:
        return "GPTQ AWQ 4-bit weights group scales"
    if "nf4" in p:
        return "bitsandbytes NF4 double quantization"
    if "fp4" in p:
        return "MXFP4 NVFP4 Blackwell"
    if "fp8" in p:
        return "FP8 E4M3 Ada Hopper"
    if "int8" in p:
        return "Weight-only INT8 quantization"
    return "quantization quality by bit width"
