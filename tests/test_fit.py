"""check_fit: verdicts, limits and ranked suggestions for the issue's must-come-out-right cases."""

import pytest

from tools.defaults import TIGHT_HEADROOM
from tools.errors import UnknownNameError
from tools.fit import FitRequest, check_fit


def fit(**kw):
    return check_fit(FitRequest(**kw))


def test_13b_lora_on_one_4090_does_not_fit_and_qlora_is_the_top_suggestion():
    r = fit(model="llama-2-13b", gpu="rtx-4090", workload="training", method="lora")
    assert not r.fits and r.verdict == "does not fit"
    # the 16-bit base weights alone: 13,015,864,320 x 2 B = 24.25 GiB > 23.99 GiB on a 4090
    assert r.memory.weights_gib == pytest.approx(24.2, abs=0.1)
    assert r.available_gib == pytest.approx(23.99, abs=0.01)
    top = r.suggestions[0]
    assert top.action == "qlora" and top.fits
    assert 9 <= top.required_gib <= 13
    assert [s.fits for s in r.suggestions] == sorted((s.fits for s in r.suggestions), reverse=True)


def test_13b_qlora_fits_on_a_4090_with_room_for_a_bigger_batch():
    r = fit(model="llama-2-13b", gpu="rtx-4090", method="qlora")
    assert r.fits and 9 <= r.required_gib <= 13
    assert r.max_batch and r.max_batch > 1
    assert r.max_context == 4096  # Llama 2's limit; it fits all the way


def test_405b_on_8_h100_fits_in_fp8_not_in_bf16():
    fp8 = fit(model="llama-3.1-405b", gpu="h100-sxm", gpu_count=8, workload="inference", precision="fp8")
    assert fp8.fits
    bf16 = fit(model="llama-3.1-405b", gpu="h100-sxm", gpu_count=8, workload="inference", precision="bf16")
    assert not bf16.fits
    actions = [s.action for s in bf16.suggestions if s.fits]
    assert actions[0] == "quantize" and bf16.suggestions[0].changes == {"precision": "fp8"}
    assert "more-gpus" in actions


def test_quantize_suggestion_respects_the_gpu():
    # no FP8 on Ampere: the suggestion must be INT8 or 4-bit, not FP8
    r = fit(model="llama-3.1-70b", gpu="a100-80gb-sxm", precision="bf16")
    q = [s for s in r.suggestions if s.action == "quantize"][0]
    assert q.changes["precision"] in ("int8", "awq-4bit")


def test_max_context_is_the_largest_that_fits():
    r = fit(model="llama-3.1-8b", gpu="rtx-4090", precision="bf16", context=4096)
    assert r.fits and r.max_context
    over = fit(model="llama-3.1-8b", gpu="rtx-4090", precision="bf16", context=min(r.max_context + 2048, 131072))
    assert not over.fits or r.max_context == 131072


def test_vllm_available_memory_is_its_utilisation_share():
    r = fit(model="llama-3.1-8b", gpu="h100-sxm", framework="vllm")
    assert r.available_gib == pytest.approx(0.9 * 79.65, abs=0.01)


def test_apple_uses_the_default_gpu_share_of_unified_memory():
    r = fit(model="llama-3-70b", gpu="m3-max", precision="q4_k_m")
    assert r.available_gib == pytest.approx(96.0, abs=0.1)
    assert any("unified memory" in n for n in r.notes)


def test_tight_fits_are_flagged_on_both_sides_of_the_margin():
    roomy = fit(model="llama-3.1-8b", gpu="h100-sxm", precision="bf16", context=4096)
    assert roomy.verdict == "fits" and roomy.headroom_pct >= 100 * TIGHT_HEADROOM and not roomy.suggestions
    # the longest context that fits leaves less than the margin free: tight, with ways to make room
    edge = fit(model="llama-3.1-8b", gpu="rtx-4090", precision="bf16", context=None)
    edge = fit(model="llama-3.1-8b", gpu="rtx-4090", precision="bf16", context=edge.max_context)
    assert edge.fits and edge.headroom_pct < 100 * TIGHT_HEADROOM
    assert edge.verdict == "fits (tight)" and edge.suggestions


def test_unknown_gpu_in_fit():
    with pytest.raises(UnknownNameError, match="Did you mean"):
        fit(model="llama-2-7b", gpu="h1000")
