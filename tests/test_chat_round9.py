"""Blind round 9 (docs/blind-rounds/round9): causes fixed after grading, each checked on a rephrasing as well."""
from advisor.offline.engine import OfflineEngine
from advisor.offline.parse import find_formats, find_users, parse

ENGINE = OfflineEngine(quick=True)


def _first(text: str) -> str:
    return text.strip().splitlines()[0]


def _chat(*turns):
    history, answer = [], None
    for t in turns:
        answer = ENGINE.ask(t, history=history)
        history += [{"role": "user", "content": t}, {"role": "assistant", "content": answer.text}]
    return answer


def test_ollama_means_a_gguf_format():
    a = ENGINE.ask("4060ti 16g 跑 qwen3 14b 能行吗 ollama")
    assert _first(a.text).startswith("**可以") and "q4_k_m" in _first(a.text)


def test_gguf_names_the_file_type_and_q8_0_the_format():
    assert find_formats("qwen2.5-7b-instruct gguf q8_0") == ["q8_0"]
    assert find_formats("a gguf of llama 8b") == ["q4_k_m"]


def test_users_online_at_once_in_chinese():
    assert find_users("峰值 500 个同时在线对话，每个回复 200 token 左右")[0] == 500
    assert find_users("同时在线 30 人")[0] == 30


def test_a_head_count_is_sized_at_a_stated_share_and_a_later_share_resizes():
    a = ENGINE.ask("internal RAG assistant, 1500 employees, Llama 3.3 70B. how many H100s?")
    assert "75 concurrent users" in _first(a.text) and "5% of the 1,500" in a.text
    a = _chat("internal RAG assistant, 1500 employees, Llama 3.3 70B. how many H100s?", "what if only 2% are active at once?")
    assert "30 concurrent users" in _first(a.text)


def test_many_users_on_a_big_moe_model_are_served_past_one_server():
    a = ENGINE.ask("Which GPUs for 50 concurrent users on Qwen3-235B-A22B at ~30 tok/s each?")
    assert "Nothing" not in _first(a.text)
