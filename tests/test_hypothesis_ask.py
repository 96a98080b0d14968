"""Property test over Advisor.ask: any question and any history (text, numbers, digit walls, malformed
turns) gets an Answer - never an exception, never inf/NaN - within a time bound."""

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.core import Advisor

ADVISOR = Advisor(engine="offline", quick_start=True)
WORDS = st.sampled_from(["Can I run", "fine-tune", "serve", "pretrain", "Llama 3.1 70B", "13B", "Qwen2.5-32B",
                         "on", "4090", "H100s", "A100 80GB", "with", "LoRA", "QLoRA", "users", "tokens", "context",
                         "batch", "k", "B", "T", "1e308", "-5", "0", "nan", "inf", "9" * 400, "一张", "能跑", "吗?",
                         "<script>", "what about two of them?", "$", "hours", "days", "for", "1,000,000"])
QUESTIONS = st.one_of(st.lists(WORDS, max_size=14).map(" ".join), st.text(max_size=300))
TURNS = st.one_of(QUESTIONS, st.none(), st.integers(), st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", 5]), "content": st.one_of(QUESTIONS, st.none(),
                                                                                     st.integers())}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=QUESTIONS, history=st.one_of(st.none(), st.lists(TURNS, max_size=6), st.text(max_size=20)))
def test_ask_always_answers_quickly_and_finitely(question, history):
    start = time.perf_counter()
    answer = ADVISOR.ask(question, history)
    assert time.perf_counter() - start < 5.0, question
    assert answer.text.strip() and answer.engine == "offline"
    assert not re.search(r"(?<![\w-])(inf|nan)(?![\w-])", answer.text.lower().replace(question.lower(), "")), \
        (question, answer.text[:300])
