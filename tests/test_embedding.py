"""Embedding jobs (tools/embedding.py): one forward pass per token, from the encoder's shape."""
import re

import pytest

from tools.embedding import ENCODER_EFFICIENCY, embedding_job, encoder_params, find_encoder, flops_per_token
from tools.errors import AdvisorInputError

from .chat_helpers import chat, first_line


def test_bge_m3_parameter_count_from_its_shape_matches_the_published_count():
    total, nonembed = encoder_params(find_encoder("bge-m3"))
    assert abs(total - 567_754_752) / 567_754_752 < 0.01  # BAAI/bge-m3: 568M (XLM-R large, 250k vocab)
    assert 290e6 < nonembed < 310e6  # the embedding table is a lookup, not arithmetic


def test_flops_per_token_is_twice_the_non_embedding_weights_plus_attention():
    m = find_encoder("bge-m3")
    short, long = flops_per_token(m, 128), flops_per_token(m, 4096)
    assert abs(short - 2 * encoder_params(m)[1]) / short < 0.03 and long > short * 1.5


def test_a_corpus_takes_its_flops_over_the_efficient_peak():
    r = embedding_job("bge-m3", "rtx-4090", 4, total_tokens=2e10, tokens_per_text=200)
    expect_s = 2e10 * flops_per_token(find_encoder("bge-m3"), 200) / (4 * 165.2e12 * ENCODER_EFFICIENCY)
    assert abs(r["hours"] * 3600 - expect_s) / expect_s < 0.01 and r["hours_low"] < r["hours"] < r["hours_high"]


def test_a_rate_is_a_share_of_the_card():
    r = embedding_job("bge-m3", "l4", texts_per_s=100, tokens_per_text=512)
    assert 0.5 < r["load_share"] < 0.9 and abs(r["tflops_needed"] - 51_200 * r["flops_per_token"] / 1e12) < 1e-6


def test_bad_input_says_what_is_valid():
    with pytest.raises(AdvisorInputError, match="1-8,192"):
        embedding_job("bge-m3", "l4", total_tokens=1e9, tokens_per_text=20_000)
    with pytest.raises(AdvisorInputError, match="not an encoder"):
        embedding_job("llama 3.1 8b", "l4", total_tokens=1e9)


def test_the_chat_sizes_an_embedding_corpus_and_a_sustained_rate():
    a = chat("用bge-m3给1亿条文本做embedding，平均200 token，4张4090大概多久")
    assert re.match(r"\*\*约 1\d\.\d 小时", first_line(a.text)) and "（假设）" not in a.text.split("假设：")[1][:20]
    b = chat("embeding service w/ bge-m3 — need ~100 docs/sec sustained, avg 512 tokens each. what gpu do i need?")
    assert "L4" in first_line(b.text) and "34 TFLOPS" in first_line(b.text)
