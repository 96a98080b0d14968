"""The length of each training example, however a person writes it, is the sequence the run is sized at
(a stranger's "50k examples of 1,000 tokens" was sized at the 2,048-token default, twice the compute)."""

import pytest

from advisor.offline.parse import parse

PHRASINGS = [
    "fine-tune Mistral 7B with LoRA on 50k examples of 1,000 tokens, 3 epochs, on one A100",
    "fine-tune Mistral 7B with LoRA on 50k samples with about 1000 tokens, 3 epochs, on one A100",
    "fine-tune Mistral 7B with LoRA on 50k 1,000-token examples, 3 epochs, on one A100",
    "fine-tune Mistral 7B with LoRA on 50k conversations averaging 1000 tokens, 3 epochs, on one A100",
    "fine-tune Mistral 7B with LoRA on 50k examples, 1000 tokens each, 3 epochs, on one A100",
    "用一张A100 LoRA 微调 Mistral 7B，5万条数据，每条1000 token，3个epoch",
]


@pytest.mark.parametrize("question", PHRASINGS)
def test_tokens_per_example_is_read(question):
    s = parse(question)
    assert s.examples == 50_000
    assert s.epochs == 3
    assert s.context == 1000


def test_the_training_answer_uses_the_example_length():
    from advisor import Advisor

    answer = Advisor().ask("How long would it take to fine-tune Mistral 7B with LoRA on 50k examples of 1,000 "
                           "tokens, 3 epochs, on one A100 80GB, and what will it cost at $1.60/hour?")
    train = [c for c in answer.calls if c.tool == "estimate_training"]
    assert train and train[-1].args["tokens"] == pytest.approx(150e6, rel=0.01)
    assert "Not used in this answer: '1,000 tokens'" not in answer.text
    assert "$1.60" in answer.text
