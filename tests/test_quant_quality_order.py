"""'Least lossy format that fits' is ranked by measured quality (tools/data/quant_quality.json), not by list order,
and the CLI (`quantize`) and the chat name the same format (issue 26: quantize picked gptq-3bit, quality loss
'large', while 4-bit formats also fit)."""

from advisor.core import Advisor
from tools.quantization import (
    QuantizationRequest,
    compare_quantization,
    measured_loss_pct,
    quality_entry,
    quality_order,
)


def key(fmt: str):
    return quality_order(fmt, 4.5)


def test_order_follows_the_measured_figures():
    assert key("bf16") < key("q8_0") < key("q5_k_m") < key("q4_k_m") < key("q3_k_m") < key("q2_k")
    assert key("awq-4bit") < key("q4_k_m") < key("iq4_xs") < key("gptq-4bit-g128") < key("gptq-3bit-g128")
    # the loss figures the order rests on, as the data file states them
    assert measured_loss_pct(quality_entry("q5_k_m")) == 0.914  # dPPL 0.056974 over F16 PPL 6.2316
    assert measured_loss_pct(quality_entry("gptq-3bit-g128")) == 17.55
    assert measured_loss_pct(quality_entry("fp8")) == 0.47  # 100 - 99.53 % recovery


def test_the_pick_is_the_least_lossy_fitting_format_not_the_first_in_the_list():
    r = compare_quantization(QuantizationRequest(model="llama-2-70b", gpu="rtx-4090", gpu_count=2))
    fitting = {o.format for o in r.options if o.fits}
    assert {"gptq-4bit-g128", "gptq-3bit-g128", "q5_k_m"} <= fitting
    assert r.smallest_that_fits == min(fitting, key=lambda f: quality_order(
        f, next(o.bits_per_weight for o in r.options if o.format == f)))
    assert r.smallest_that_fits not in ("gptq-4bit-g128", "gptq-3bit-g128")  # list order would give gptq-4bit


def test_cli_and_chat_name_the_same_format():
    r = compare_quantization(QuantizationRequest(model="llama-2-13b", gpu="rtx-4090"))
    a = Advisor(engine="offline").ask("Which quantization format should I use for Llama 2 13B on a 4090?")
    assert a.text.startswith(f"**{r.smallest_that_fits}** is the least lossy format")
