"""Whole sentences out of a guidance passage, for quoting in an answer.

`first_sentences(text, n, max_chars)` returns the first n whole sentences of a passage's prose: never a
table row, a heading or a list lead-in ending in ":", never cut mid-sentence, with [source-id] citation
markers and Markdown emphasis removed. English sentences end at . ! ? followed by a space (not after
"e.g." or "et al."); Chinese ones at 。！？ (with or without a space).
"""

from __future__ import annotations

import re

_CITE = re.compile(r"\s*\[[a-z0-9][\w.-]*\]")  # [zero], [ddp-notes], [h100-datasheet]
_EMPH = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# a sentence ends at . ! ? (then a space) or at 。！？ (then anything), closing quotes/brackets included
_END = re.compile(r"(?:[.!?][\"'”’)\]]*(?=\s|$)|[。！？][”’」』）)]*)")
_ABBREV = ("e.g.", "i.e.", "et al.", "vs.", "etc.", "approx.", "cf.", "Fig.", "No.", "Dr.", "Mr.", "Ms.", "U.S.")
_TERMINAL = re.compile(r"[.!?。！？][\"'”’」』）)\]]*$")


def clean(text: str) -> str:
    """Prose without citation markers, comments, links or emphasis (inline code keeps its text)."""
    text = _COMMENT.sub("", text)
    text = _CITE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPH.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)
    text = _CODE.sub(r"\1", text)
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r" ([。！？，；：、）])", r"\1", text).strip()  # no space before Chinese punctuation


def _blocks(text: str) -> list[str]:
    """Prose blocks: paragraphs joined into one line each, list items on their own, no tables or headings."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        cur: list[str] = []
        for line in para.splitlines():
            s = line.strip()
            if not s or s.startswith("|") or s.startswith("#") or s.startswith("```"):
                if cur:
                    out.append(" ".join(cur))
                    cur = []
                continue
            if _BULLET.match(s):
                if cur:
                    out.append(" ".join(cur))
                cur = [_BULLET.sub("", s)]
            else:
                cur.append(s)
        if cur:
            out.append(" ".join(cur))
    return out


def split_sentences(text: str) -> list[str]:
    """The whole sentences of a passage, in order, cleaned; fragments without an end mark are dropped."""
    out = []
    for block in _blocks(text):
        block = clean(block)
        start = 0
        for m in _END.finditer(block):
            cand = block[start:m.end()]
            if cand.rstrip().endswith(_ABBREV) or re.search(r"\b[A-Z]\.$", cand.rstrip()):
                continue  # "e.g." or an initial, not the end of a sentence
            out.append(cand.strip())
            start = m.end()
        # whatever is left has no end mark (a list lead-in "...:" or an item ending in ";"): not a sentence
    return [s for s in out if _TERMINAL.search(s) and len(s) > 1]


def first_sentences(text: str, n: int = 1, max_chars: int = 300) -> str:
    """Up to n whole sentences from the start of the passage's prose, together at most max_chars long.
    Returns "" when even the first sentence is longer than max_chars (a quote is never cut)."""
    picked: list[str] = []
    for s in split_sentences(text):
        if len(picked) >= n:
            break
        joined = _join(picked + [s])
        if len(joined) > max_chars:
            break
        picked.append(s)
    return _join(picked)


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if out and not re.search(r"[。！？][”’」』）)]*$", out):
            out += " "
        out += p
    return out
