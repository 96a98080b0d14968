"""Causes found by asking the product ten stranger questions before a resolve (docs/offline-engine.md)."""
from advisor.offline.engine import OfflineEngine
from advisor.offline.parse import find_users

ENGINE = OfflineEngine(quick=True)


def test_people_at_once_outrank_the_head_count():
    assert find_users("我们公司大概 200 人用，高峰时 20 人同时提问") == (20, None)
    assert find_users("200 employees, about 20 concurrent users at peak") == (20, None)
    assert find_users("3000 users total, 150 users at once") == (150, None)
    assert find_users("1000 concurrent chat users") == (1000, None)
    assert find_users("serve 100 chat users") == (100, None)


def test_capacity_answer_sizes_the_peak_not_the_head_count():
    a = ENGINE.ask("我们公司想做内部知识库问答，大概 200 人用，高峰时 20 人同时提问，模型用 Qwen2.5-32B，需要几张 L40S？")
    first = a.text.splitlines()[0]
    assert "20 个并发用户" in first and "200 个并发" not in first
    assert "不是这次回答用到的数字" not in a.text
