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
