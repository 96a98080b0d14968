"""GGUF i-quants (IQ1_S .. IQ4_NL): sizes follow llama.cpp's per-tensor mix and match its published Llama-3-8B
scoreboard; each carries its measured quality; the quantize tool compares them on request."""

import pytest

from tools.formats import FORMATS, weight_bytes, weight_format
from tools.models import get_model
from tools.quantization import QuantizationRequest, compare_quantization, quality_entry

IQ = ["iq1_s", "iq1_m", "iq2_xxs", "iq2_xs", "iq2_s", "iq2_m", "iq3_xxs", "iq3_s", "iq3_m", "iq4_xs", "iq4_nl"]


@pytest.mark.parametrize("key", IQ)
def test_iq_format_exists_with_measured_quality(key):
    assert FORMATS[key].family == "gguf"
    entry = quality_entry(key)
    assert entry["impact"] in ("moderate", "large") and "llama.cpp" in entry["figures"][0]["source"]


# llama.cpp tools/perplexity/README.md 'LLaMA 3 8b Scoreboard': model size in GiB of each file
@pytest.mark.parametrize("key,gib", [("iq1_s", 1.88), ("iq1_m", 2.01), ("iq2_xxs", 2.24), ("iq2_xs", 2.43),
                                     ("iq2_s", 2.56), ("iq2_m", 2.74), ("iq3_xxs", 3.05), ("iq3_s", 3.42),
                                     ("iq3_m", 3.53), ("iq4_xs", 4.14), ("iq4_nl", 4.35)])
def test_llama3_8b_sizes_match_llama_cpp_scoreboard(key, gib):
    size = weight_bytes(get_model("llama-3-8b"), weight_format(key)) / 2**30
    assert size == pytest.approx(gib, rel=0.025)


def test_iq_sizes_are_ordered_by_bits():
    m = get_model("llama-3-70b")
    sizes = [weight_bytes(m, weight_format(k)) for k in IQ[:-2]]
    assert sizes == sorted(sizes)


def test_quantize_tool_compares_iq_formats_on_request():
    r = compare_quantization(QuantizationRequest(model="llama-3-70b", gpu="rtx-4090", formats=["iq2_xs", "IQ2_M", "iq3_m"]))
    by = {o.format: o for o in r.options}
    assert set(by) == {"iq2_xs", "iq2_m", "iq3_m"}
    assert by["iq2_xs"].fits and not by["iq3_m"].fits  # 19.7 GiB of weights fit 24 GB; 29.7 GiB do not
    assert by["iq2_m"].quality_impact == "large"


@pytest.mark.parametrize("question,expected", [
    ("Can I run llama 3 70B at IQ2_XS on a 4090?", ["iq2_xs"]), ("iq4_xs or q4_k_m?", ["iq4_xs", "q4_k_m"]),
    ("Llama 3 70B IQ3-XXS", ["iq3_xxs"]), ("iq1_m on a 3090", ["iq1_m"])])
def test_chat_reads_iq_formats(question, expected):
    from advisor.offline.parse import find_formats

    assert find_formats(question) == expected


def test_chat_sizes_an_iq_quant_not_bf16():
    from advisor.offline.engine import OfflineEngine

    first = OfflineEngine(quick=True).ask("Can I run llama 3 70B at IQ2_XS on a 4090?").text.splitlines()[0]
    assert "Yes" in first and "(iq2_xs)" in first and "bf16" not in first, first
