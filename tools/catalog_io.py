"""Loading the JSON data files shipped in tools/data (read once per process)."""

from __future__ import annotations

import json
import os
import re
import stat
from functools import cache, lru_cache
from pathlib import Path

from .errors import AdvisorInputError

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCAL_JSON_MAX_BYTES = 4 * 2**20  # a Hugging Face config.json is a few KiB; 4 MiB is far past any real one


@cache
def load_json(relative: str) -> dict:
    with open(DATA_DIR / relative, encoding="utf-8") as fh:
        return json.load(fh)


def data_files(folder: str) -> list[Path]:
    return sorted((DATA_DIR / folder).glob("*.json"))


_DROP_WORDS = re.compile(r"\b(nvidia|geforce|amd|instinct|apple|google|cloud|tesla|the)\b")
# CJK ideographs are kept, so Chinese names ("通义千问72B") are keys of their own, not just "72b"
_NON_ALNUM = re.compile(r"[^a-z0-9.\u3400-\u9fff]+")


@lru_cache(maxsize=65536)  # parsing looks up every word run of a question; long or repetitive ones repeat runs
def norm_key(name: str) -> str:
    """A forgiving key: 'NVIDIA GeForce RTX 4090 24GB' -> 'rtx409024gb'."""
    key = _DROP_WORDS.sub(" ", name.lower())
    key = _NON_ALNUM.sub("", key)
    return key.replace("..", ".").strip(".")


def read_local_json(path: str | Path, max_bytes: int = LOCAL_JSON_MAX_BYTES) -> object:
    """A user's local JSON file (the CLI's --model PATH/config.json), read safely: only a regular file
    (not a FIFO that would block forever, not /dev/zero that would grow without end, not a directory),
    at most `max_bytes`, UTF-8 JSON. The type is checked on the opened descriptor (no swap after the
    check), and the open does not block on a FIFO. Raises AdvisorInputError with the fix."""
    shown = str(path)[:200]
    try:
        fd = os.open(os.fspath(Path(path).expanduser()), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise AdvisorInputError(f"No file at '{shown}'. Give the path to a Hugging Face config.json.") from None
    except OSError as exc:
        raise AdvisorInputError(f"Cannot open '{shown}' ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AdvisorInputError(f"'{shown}' is not a regular file; give the path to a config.json file.")
        if info.st_size > max_bytes:
            raise AdvisorInputError(f"'{shown}' is {info.st_size / 2**20:.1f} MiB; a config.json is a few KiB "
                                    f"(limit {max_bytes / 2**20:g} MiB).")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while we read it
        raise AdvisorInputError(f"'{shown}' is over {max_bytes / 2**20:g} MiB; a config.json is a few KiB.")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdvisorInputError(f"Could not read '{shown}' as JSON ({str(exc)[:100]}).") from None
