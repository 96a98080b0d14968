"""Credentials in endpoint URLs are never shown or logged: advisor.config.redact_url / redact_text."""

import pytest

from advisor.config import Settings, redact_text, redact_url


@pytest.mark.parametrize("url, secrets, kept", [
    ("http://user:s3cret@llm.internal:8000/v1", ["user", "s3cret"], "llm.internal:8000/v1"),
    ("https://tokenonly@host/v1", ["tokenonly"], "host/v1"),
    ("https://host/v1?api_key=K123&api-version=2024-10-01", ["K123"], "api-version=2024-10-01"),
    ("https://host/v1?access_token=T9&X-Amz-Signature=S8&Password=P7", ["T9", "S8", "P7"], "host/v1"),
    ("u:pw9@host:1234/v1", ["pw9"], "host:1234/v1"),
])
def test_redact_url_removes_credentials_and_keeps_the_host(url, secrets, kept):
    out = redact_url(url)
    assert kept in out and "***" in out
    for s in secrets:
        assert s not in out


def test_plain_urls_are_unchanged_and_unparseable_ones_hidden():
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    assert redact_url(None) == ""
    assert "secret" not in redact_url("http://a:secret@[::1")


def test_redact_text_handles_urls_inside_messages():
    msg = "Connection error: http://bob:hunter2@10.0.0.5:8000/v1/chat/completions?key=abc: refused"
    out = redact_text(msg)
    assert "hunter2" not in out and "bob" not in out and "abc" not in out
    assert out.startswith("Connection error: http://***@10.0.0.5:8000/v1/chat/completions") and out.endswith(": refused")


def test_the_engine_description_never_shows_the_password():
    text = Settings(openai_base_url="http://user:pass@host:8000/v1").describe_llm()
    assert "pass" not in text.replace("***", "") and "host:8000/v1" in text


@pytest.mark.parametrize("url, secret", [
    ("http://127.0.0.1:9/sk-pathtoken123/v1", "sk-pathtoken123"),
    ("https://gw.example/v1/hf_abcdefghijklmn/chat", "hf_abcdefghijklmn"),
    ("https://gw.example/t/0123456789abcdef0123456789abcdef01/v1", "0123456789abcdef0123456789abcdef01"),
    ("https://gw.example/v1?x=sk-ant-abcdefghij&v=2", "sk-ant-abcdefghij"),
])
def test_credential_shaped_path_segments_and_query_values_are_redacted(url, secret):
    out = redact_url(url)
    assert secret not in out and "***" in out and ("gw.example" in out or "127.0.0.1:9" in out)


def test_ordinary_paths_and_words_are_kept():
    url = "http://h/openai/deployments/gpt-4o-mini-2024-07-18/chat/completions?api-version=2024-10-21"
    assert redact_url(url) == url
    text = "per token throughput of qwen2.5-72b-instruct-awq at 8,192 tokens"
    assert redact_text(text) == text
    assert redact_text("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"


def test_log_lines_of_one_kind_are_bounded_and_say_how_many_were_left_out():
    import logging

    from advisor.config import RepeatFilter

    f = RepeatFilter(burst=5, window_s=0.2)
    logger = logging.getLogger("t")

    def record():
        return logger.makeRecord("t", logging.WARNING, "x.py", 7, "bad turn %d", (1,), None)

    kept = [f.filter(record()) for _ in range(1000)]
    assert sum(kept) == 5
    import time

    time.sleep(0.25)
    r = record()
    assert f.filter(r) and "995 more like it" in r.getMessage()
