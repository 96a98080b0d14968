"""Reading the guidance docs: front matter, and chunks split by heading (small enough to embed whole).

English docs live in knowledge/docs/*.md, their Chinese translations in knowledge/docs/zh/*.md (same file
names, same sections in the same order, front matter `lang: zh`). A Chinese chunk is paired with the English
chunk at the same place (same file, same section index, same paragraphs) and embedded with that English
text: the embedding model is English-only, and the pair then sits at one point of the vector space, so a
question finds the section in either language with the same score.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent / "docs"
ZH_DIR = "zh"  # the Chinese translations, a sub-folder of the docs folder
LANGS = ("en", "zh")
MAX_WORDS = 170  # all-MiniLM-L6-v2 reads 256 word pieces; longer sections are split at paragraphs
_CHECK = re.compile(r"[ \t]*<!--.*?-->", re.S)  # with the space before it ("3.9 GB 。" otherwise)


@dataclass(frozen=True)
class Doc:
    doc_id: str
    path: str  # relative to the repository root, for citations
    title: str
    tags: tuple[str, ...]
    last_reviewed: str
    sources: tuple[dict, ...]
    body: str
    lang: str = "en"


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    heading: str
    path: str
    text: str
    tags: tuple[str, ...] = field(default=())
    lang: str = "en"
    parallel: str = ""  # for a translation: the embed text of the English chunk it translates
    parallel_heading: str = ""  # ... and that chunk's heading

    @property
    def embed_text(self) -> str:
        """What gets embedded: the section named by its document and heading (for a translation, the
        English original of the same section, so both languages share one vector)."""
        return self.parallel or f"{self.title}. {self.heading}. {self.text}"

    @property
    def search_text(self) -> str:
        """What the keyword matcher reads: the section, plus its English original for a translation."""
        return f"{self.text} {self.parallel}"


def parse_doc(path: Path) -> Doc:
    import yaml

    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---"):
        raise ValueError(f"{path.name}: missing front matter")
    _, front, body = raw.split("---", 2)
    meta = yaml.safe_load(front) or {}
    lang = str(meta.get("lang", "en"))
    if lang not in LANGS:
        raise ValueError(f"{path.name}: lang must be one of {', '.join(LANGS)}, not {lang!r}")
    rel = f"knowledge/docs/{ZH_DIR}/{path.name}" if lang == "zh" else f"knowledge/docs/{path.name}"
    return Doc(doc_id=path.stem, path=rel, title=str(meta["title"]),
               tags=tuple(meta.get("tags") or ()), last_reviewed=str(meta.get("last_reviewed", "")),
               sources=tuple(meta.get("sources") or ()), body=body.strip(), lang=lang)


def doc_paths(folder: Path = DOCS_DIR) -> list[Path]:
    """The English docs, then their Chinese translations."""
    return sorted(folder.glob("*.md")) + sorted((folder / ZH_DIR).glob("*.md"))


def load_docs(folder: Path = DOCS_DIR) -> list[Doc]:
    return [parse_doc(p) for p in doc_paths(folder)]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _groups(paras: list[str]) -> list[range]:
    """Consecutive paragraphs grouped into pieces of at most MAX_WORDS words (one piece per group)."""
    out, start, words = [], 0, 0
    for i, p in enumerate(paras):
        n = len(p.split())
        if i > start and words + n > MAX_WORDS:
            out.append(range(start, i))
            start, words = i, 0
        words += n
    if paras:
        out.append(range(start, len(paras)))
    return out


def sections(doc: Doc) -> list[tuple[str, str]]:
    """(heading, text) per ## section, in order; the text before the first one is the introduction."""
    body = _CHECK.sub("", doc.body)
    parts = re.split(r"^##\s+(.+)$", body, flags=re.M)
    intro = parts[0].split("\n", 1)[1] if parts[0].lstrip().startswith("# ") else parts[0]
    out = [("Introduction" if doc.lang == "en" else "简介", intro)]
    out += list(zip(parts[1::2], parts[2::2], strict=False))
    return [(h.strip(), t.strip()) for h, t in out]


def _too_short(text: str) -> bool:
    return len(text.split()) < 12 and len(re.findall(r"[\u3400-\u9fff]", text)) < 24


def chunk_doc(doc: Doc, original: Doc | None = None) -> list[Chunk]:
    """One chunk per ## section, longer sections split at paragraphs. A translation passes its English
    `original`: each section pairs with the original's section at the same index and is split at the
    same paragraphs, its chunk id is "zh/" + the original chunk's id, and it is embedded with the
    original's text. Sections without a counterpart (or with other paragraphs) are embedded as written."""
    ref = chunk_layout(original) if original is not None and doc.lang != "en" else []
    chunks = []
    for n, (heading, text) in enumerate(sections(doc)):
        pair = ref[n] if n < len(ref) else None
        if (pair is None and _too_short(text)) or (pair is not None and not pair[2]):
            continue
        paras = paragraphs(text)
        if pair is not None and len(paras) == pair[1]:
            pieces = [(pair[2][i][0], "\n\n".join(paras[j] for j in g)) for i, g in enumerate(pair[3])]
        elif pair is not None:  # paragraphs differ: the whole section against the whole original
            pieces = [(pair[2][0][0], text)]
        else:
            pieces = [(f"{doc.doc_id}#{_slug(heading) or n}" + (f"-{i + 1}" if i else ""),
                       "\n\n".join(paras[j] for j in g)) for i, g in enumerate(_groups(paras))]
        for i, (cid, piece) in enumerate(pieces):
            parallel, parallel_heading = "", ""
            if pair is not None:
                parallel_heading = pair[0]
                parallel = pair[2][i][1] if len(pieces) == len(pair[2]) else " ".join(e for _, e in pair[2])
            prefix = f"{doc.lang}/" if doc.lang != "en" else ""
            chunks.append(Chunk(chunk_id=prefix + cid, doc_id=doc.doc_id, title=doc.title, heading=heading,
                                path=doc.path, text=piece, tags=doc.tags, lang=doc.lang, parallel=parallel,
                                parallel_heading=parallel_heading))
    return chunks


def chunk_layout(doc: Doc) -> list[tuple[str, int, list[tuple[str, str]], list[range]]]:
    """Per section of an English doc: heading, paragraph count, its chunks as (chunk id, embed text)
    (empty when the section is too short to index), and the paragraph groups behind them."""
    by_heading: dict[str, list[Chunk]] = {}
    for c in chunk_doc(doc):
        by_heading.setdefault(c.heading, []).append(c)
    out = []
    for heading, text in sections(doc):
        paras = paragraphs(text)
        got = by_heading.get(heading, [])
        out.append((heading, len(paras), [(c.chunk_id, c.embed_text) for c in got], _groups(paras) if got else []))
    return out


def all_chunks(folder: Path = DOCS_DIR) -> list[Chunk]:
    docs = load_docs(folder)
    english = {d.doc_id: d for d in docs if d.lang == "en"}
    return [c for d in docs for c in chunk_doc(d, None if d.lang == "en" else english.get(d.doc_id))]


SCHEMA = b"chunks-v3: lang metadata, translations embedded with their English original, no space before checks"


def content_hash(folder: Path = DOCS_DIR) -> str:
    """Changes whenever a doc or the way chunks are made changes (the index is then rebuilt)."""
    h = hashlib.sha256(SCHEMA)
    for p in doc_paths(folder):
        h.update(str(p.relative_to(folder)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
