"""Computed parameter counts against figures read from model cards (issue 12, checked 2026-11-30).

Tolerances were fixed before the figures were compared: 1% of the published figure for numbers a card
prints rounded (e.g. "7.61B"), and an exact match for numbers a card prints to the unit. Active-parameter
figures of MoE models are covered by tests/test_catalogs.py::test_moe_active_parameters (3%).
Published figures that disagree beyond the tolerance are kept as strict xfails (DISAGREEING below).
Non-embedding = total - input embedding - untied output head (Qwen and Pythia both exclude the output head
when it is a separate matrix; for tied embeddings the one shared matrix is excluded once).
"""

import pytest

from tools.models import get_model
from tools.params import count_params

ROUNDED = 0.01

QWEN2_TABLE = ("Qwen2 release table (qwenlm.github.io/blog/qwen2) as summarised at besthub.dev 'What's New in "
               "Qwen2?': 0.49B/0.35B, 1.54B/1.31B, 7.07B/5.98B, 72.71B/70.21B total/non-embedding [secondary copy]")
GPT2_EXACT = ("transformers num_parameters() recorded in backprop-ai/backprop "
              "backprop/models/hf_causallm_tg_model/models_list.py (third-party; an older version of that file "
              "lists 407,344,131 for both, a copy slip)")

# (model id, which count, published figure, source read with the search tool on 2026-11-30)
PUBLISHED = [
    ("qwen2.5-coder-1.5b", "total", 1.54e9,
     "Qwen2.5-Coder-1.5B card ('Number of Parameters: 1.54B'), quoted in huggingface.co/duyntnet/"
     "Qwen2.5-Coder-1.5B-imatrix-GGUF and Qwen/Qwen2.5-Coder-1.5B-Instruct-GPTQ-Int8@254c229"),
    ("qwen2.5-coder-1.5b", "non_embedding", 1.31e9, "same card ('Number of Parameters (Non-Embedding): 1.31B')"),
    ("qwen2.5-coder-7b", "total", 7.61e9, "huggingface.co/Qwen/Qwen2.5-Coder-7B README @097b213 ('7.61B')"),
    ("qwen2.5-coder-7b", "non_embedding", 6.53e9, "same README ('Non-Embedding: 6.53B')"),
    ("qwen2.5-coder-14b", "total", 14.7e9, "huggingface.co/Qwen/Qwen2.5-Coder-14B-Instruct card ('14.7B')"),
    ("qwen2.5-coder-14b", "non_embedding", 13.1e9, "same card ('Non-Embedding: 13.1B')"),
    ("qwen3-coder-30b-a3b", "total", 30.5e9,
     "docs.vllm.ai/projects/ascend/en/latest/tutorials/models/Qwen3-Coder-30B-A3B/ ('30.5B in total')"),
    ("qwen2-0.5b", "total", 0.49e9, QWEN2_TABLE),
    ("qwen2-1.5b", "total", 1.54e9, QWEN2_TABLE),
    ("qwen2-1.5b", "non_embedding", 1.31e9, QWEN2_TABLE),
    ("qwen2-72b", "total", 72.71e9, QWEN2_TABLE),
    ("qwen2-72b", "non_embedding", 70.21e9, QWEN2_TABLE),
    ("qwen1.5-moe-a2.7b", "total", 14.3e9,
     "huggingface.co/Qwen/Qwen1.5-MoE-A2.7B README ('14.3B parameters in total and 2.7B activated')"),
    ("deepseek-coder-v2", "total", 236e9,
     "DeepSeek-Coder-V2-Base README 'Model Downloads' table ('#Total Params 236B, #Active Params 21B'), copy in "
     "ZHUI/paddlenlp_model_readme deepseek-ai/DeepSeek-Coder-V2-Base/index.md @0abc042"),
    ("gpt2-medium", "total", 355e6,
     "gpt2-medium card ('the 355M parameter version of GPT-2'), copy in Azure/azureml-assets "
     "assets/models/system/gpt2-medium/description.md"),
    ("gpt2-medium", "total_exact", 354_823_168, GPT2_EXACT),
    ("gpt2-large", "total_exact", 774_030_080, GPT2_EXACT),
    ("pythia-70m", "non_embedding_exact", 18_915_328,
     "huggingface.co/EleutherAI/pythia-1b-deduped README @46811f6, table 'Non-Embedding Params'"),
    ("pythia-160m", "non_embedding_exact", 85_056_000, "same table"),
    ("pythia-410m", "non_embedding_exact", 302_311_424, "same table"),
]


def _non_embedding(c) -> int:
    return c.total - c.embedding - c.lm_head


@pytest.mark.parametrize("model_id, which, published, source", PUBLISHED,
                         ids=[f"{r[0]}-{r[1]}" for r in PUBLISHED])
def test_computed_count_matches_published_figure(model_id, which, published, source):
    assert source
    c = count_params(get_model(model_id))
    if which == "total":
        assert c.total == pytest.approx(published, rel=ROUNDED)
    elif which == "total_exact":
        assert c.total == published
    elif which == "non_embedding":
        assert _non_embedding(c) == pytest.approx(published, rel=ROUNDED)
    else:
        assert _non_embedding(c) == published


# Published figures that disagree with the count from the verified config by more than the tolerance.
# strict xfail: the disagreement is recorded, and the test fails if it ever goes away.
DISAGREEING = [
    ("qwen2-7b", "total", 7.07e9, "Qwen2 table says 7.07B; the verified config (hidden 3584, 28 layers, "
     "intermediate 18944, vocab 152064, untied) gives 7.62B, as HF's safetensors size does"),
    ("qwen2-7b", "non_embedding", 5.98e9, "Qwen2 table says 5.98B; the config gives 6.53B"),
    ("qwen2-0.5b", "non_embedding", 0.35e9, "Qwen2 table says 0.35B; the config gives 0.358B (+2.3%)"),
]


@pytest.mark.parametrize("model_id, which, published, why", DISAGREEING,
                         ids=[f"{r[0]}-{r[1]}" for r in DISAGREEING])
@pytest.mark.xfail(strict=True, reason="published figure disagrees with the verified config; recorded in the data")
def test_recorded_disagreements(model_id, which, published, why):
    c = count_params(get_model(model_id))
    got = c.total if which == "total" else _non_embedding(c)
    assert got == pytest.approx(published, rel=ROUNDED), why
