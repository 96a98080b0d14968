"""Loading the JSON data files shipped in tools/data (read once per process)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load_json(relative: str) -> dict:
    with open(DATA_DIR / relative, encoding="utf-8") as fh:
        return json.load(fh)


def data_files(folder: str) -> list[Path]:
    return sorted((DATA_DIR / folder).glob("*.json"))


_DROP_WORDS = re.compile(r"\b(nvidia|geforce|amd|instinct|apple|google|cloud|tesla|the)\b")
# CJK ideographs are kept, so Chinese names ("通义千问72B") are keys of their own, not just "72b"
_NON_ALNUM = re.compile(r"[^a-z0-9.\u3400-\u9fff]+")


def norm_key(name: str) -> str:
    """A forgiving key: 'NVIDIA GeForce RTX 4090 24GB' -> 'rtx409024gb'."""
    key = _DROP_WORDS.sub(" ", name.lower())
    key = _NON_ALNUM.sub("", key)
    return key.replace("..", ".").strip(".")
