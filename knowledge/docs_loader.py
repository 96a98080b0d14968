"""Reading the guidance docs: front matter, and chunks split by heading (small enough to embed whole)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent / "docs"
MAX_WORDS = 170  # all-MiniLM-L6-v2 reads 256 word pieces; longer sections are split at paragraphs
_CHECK = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Doc:
    doc_id: str
    path: str  # relative to the repository root, for citations
    title: str
    tags: tuple[str, ...]
    last_reviewed: str
    sources: tuple[dict, ...]
    body: str


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    heading: str
    path: str
    text: str
    tags: tuple[str, ...] = field(default=())

    @property
    def embed_text(self) -> str:
        """What gets embedded: the section named by its document and heading."""
        return f"{self.title}. {self.heading}. {self.text}"


def parse_doc(path: Path) -> Doc:
    import yaml

    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---"):
        raise ValueError(f"{path.name}: missing front matter")
    _, front, body = raw.split("---", 2)
    meta = yaml.safe_load(front) or {}
    return Doc(doc_id=path.stem, path=f"knowledge/docs/{path.name}", title=str(meta["title"]),
               tags=tuple(meta.get("tags") or ()), last_reviewed=str(meta.get("last_reviewed", "")),
               sources=tuple(meta.get("sources") or ()), body=body.strip())


def load_docs(folder: Path = DOCS_DIR) -> list[Doc]:
    return [parse_doc(p) for p in sorted(folder.glob("*.md"))]


def _split_long(text: str) -> list[str]:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out, cur = [], []
    for p in paras:
        if cur and len(" ".join(cur + [p]).split()) > MAX_WORDS:
            out.append("\n\n".join(cur))
            cur = []
        cur.append(p)
    if cur:
        out.append("\n\n".join(cur))
    return out


def chunk_doc(doc: Doc) -> list[Chunk]:
    """One chunk per ## section (the text before the first one is the introduction)."""
    body = _CHECK.sub("", doc.body)
    parts = re.split(r"^##\s+(.+)$", body, flags=re.M)
    sections = [("Introduction", parts[0].split("\n", 1)[1] if parts[0].lstrip().startswith("# ") else parts[0])]
    sections += list(zip(parts[1::2], parts[2::2], strict=False))
    chunks = []
    for heading, text in sections:
        text = text.strip()
        if len(text.split()) < 12:
            continue
        for i, piece in enumerate(_split_long(text)):
            cid = f"{doc.doc_id}#{_slug(heading)}" + (f"-{i + 1}" if i else "")
            chunks.append(Chunk(chunk_id=cid, doc_id=doc.doc_id, title=doc.title, heading=heading.strip(),
                                path=doc.path, text=piece, tags=doc.tags))
    return chunks


def all_chunks(folder: Path = DOCS_DIR) -> list[Chunk]:
    return [c for d in load_docs(folder) for c in chunk_doc(d)]


def content_hash(folder: Path = DOCS_DIR) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.md")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
