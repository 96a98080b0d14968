"""The README stays true: its generated headline is what the command prints now, the figure it quotes for the named
model is the calculator's, and the files it links exist (issue 26: a README 582 lines long with stale counts)."""

import re
from pathlib import Path

from bench.readme_numbers import HEADLINE_QUESTION, README, headline, replace_block
from tools.fit import FitRequest, check_fit

ROOT = Path(__file__).resolve().parents[1]


def test_headline_block_is_current_and_is_the_apps_first_example():
    import app

    text = README.read_text(encoding="utf-8")
    assert replace_block(text, "headline", headline()) == text, "run python bench/readme_numbers.py --skip-tests"
    assert app.EXAMPLES[0] == HEADLINE_QUESTION


def test_quoted_figure_and_links_and_length():
    text = README.read_text(encoding="utf-8")
    qlora = check_fit(FitRequest(model="llama-2-13b", gpu="rtx-4090", method="qlora")).required_gib
    assert f"Llama 2 13B needs {qlora:.2f} GiB with QLoRA" in text
    for path in re.findall(r"\b((?:docs|knowledge|tests|bench)/[\w./-]+\.(?:md|png|py))", text) + ["LICENSE"]:
        assert (ROOT / path).exists(), path
    assert len(text.splitlines()) <= 200
