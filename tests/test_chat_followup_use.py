"""A follow-up that changes only the hours or the price re-asks the part of the last question they change."""

import re

from advisor.offline.engine import _use_asks
from advisor.offline.parse import parse

from .chat_helpers import chat, first_line

STAFF = "40 个客服同时用 Qwen2.5-32B，上下文 16k，每人 15 token/s，需要几张 L40S？月租多少（每卡每小时 ¥6）？"


def _cards() -> int:
    """The L40S count the first turn sized (the rent below is for those cards)."""
    return int(re.match(r"\*\*(\d+) 张", first_line(chat(STAFF).text)).group(1))


def test_hours_said_after_a_count_and_rent_reprice_the_rent():
    a = chat(STAFF, "那如果只在白天用 10 小时呢？")
    lead = first_line(a.text)
    rent = _cards() * 6 * 10 * 365 / 12  # cards x ¥6 x 10 h x 365 / 12 (6 cards: ¥10,950)
    assert lead.startswith(f"**每月约 ¥{rent:,.0f}**") and "和上面一样" not in a.text, lead


def test_a_rephrased_hours_follow_up_does_the_same():
    a = chat(STAFF, "如果每天只开 12 小时，月租多少？")
    assert first_line(a.text).startswith(f"**每月约 ¥{_cards() * 6 * 12 * 365 / 12:,.0f}**"), first_line(a.text)


def test_a_follow_up_that_changes_the_setup_re_asks_the_first_part():
    a = chat(STAFF, "那换成 80 个客服呢？")
    assert "张" in first_line(a.text) and not first_line(a.text).startswith("**每月"), first_line(a.text)


def test_only_use_facts_pick_a_use_ask():
    parts = ["how_many", "cost"]
    assert _use_asks(parse("那如果只在白天用 10 小时呢？"), parts) == ["cost"]
    assert _use_asks(parse("what about $1.80 per GPU-hour?"), parts) == ["cost"]
    assert _use_asks(parse("what if 80 users?"), parts) == []
    assert _use_asks(parse("那如果只在白天用 10 小时呢？"), ["how_many"]) == []


SERVE = "How many H100s to serve Llama 3.1 70B to 100 users at 20 tok/s each?"


def _h100s() -> int:
    return int(re.match(r"\*\*(\d+)x NVIDIA H100", first_line(chat(SERVE).text)).group(1))


def test_a_clock_span_with_weekdays_prices_those_hours_for_the_planned_cards():
    # 9am-6pm is 9 hours; weekdays are 5/7 of the days: cards x $2.20 x 9 h x 730 h / 24 h x 5/7
    lead = first_line(chat(SERVE, "What would that cost running 9am-6pm weekdays at $2.20/GPU-hour?").text)
    usd = float(re.search(r"\$([\d,]+)", lead).group(1).replace(",", ""))
    assert abs(usd - _h100s() * 2.2 * 9 * 730 / 24 * 5 / 7) < 0.01 * usd, lead


def test_the_one_hours_parser_reads_clock_spans():
    from advisor.offline.parse import find_hours_per_day

    assert find_hours_per_day("running 9am-6pm weekdays") == round(9 * 5 / 7, 1)
    assert find_hours_per_day("9-to-6 every day") == 9.0
    assert find_hours_per_day("只在工作时间 9 点到 18 点用") == round(9 * 5 / 7, 1)
    assert find_hours_per_day("朝九晚六") == 9.0
