"""App polish from issue 26: "Show work" and the charts in the answer's language, the chart of a "No" shows the fix
the answer recommends, the engine banner says its hint once, bold text in one typeface, the phone's scroll arrow
clear of the text."""

import json

import pytest

import app
from advisor.charts import _cjk_font, chart_for
from advisor.core import Advisor


def _texts(fig) -> list[str]:
    ax = fig.axes[0]
    return [ax.get_title(), ax.get_xlabel()] + [t.get_text() for t in ax.get_legend().get_texts()] + \
        [t.get_text() for t in ax.get_yticklabels()]


def test_the_memory_chart_of_a_no_shows_the_recommended_fix():
    answer = Advisor(engine="offline").ask("Can I fine-tune 13B with LoRA on one 4090?")
    assert answer.text.startswith("**No**") and "QLoRA" in answer.text
    texts = _texts(chart_for(answer))
    assert "the recommended fix" in texts and any(t.startswith("fix: qlora") for t in texts)


@pytest.mark.skipif(_cjk_font() is None, reason="no CJK font for matplotlib (apt-get install fonts-noto-cjk)")
def test_a_chinese_answer_gets_a_chinese_chart_and_show_work():
    answer = Advisor(engine="offline").ask("一张4090能用LoRA微调13B吗？")
    texts = _texts(chart_for(answer))
    assert "每卡 GiB" in texts and "推荐改法" in texts and any("GPU 可用" in t for t in texts)
    work = app.work_markdown(answer)
    assert work.startswith("**引擎:**") and "**来源**" in work


def test_the_banner_says_the_llm_hint_once():
    config = json.dumps(app.create_app(Advisor(engine="offline")).get_config_file(), default=str)
    assert config.count("OPENAI_BASE_URL") == 1 and "offline engine" in config


def test_bold_uses_the_complete_bold_face_and_the_scroll_arrow_moves_on_a_phone():
    assert "font-weight: 700" in app.PAGE_CSS and ".scroll-down-button-container" in app.PAGE_CSS
