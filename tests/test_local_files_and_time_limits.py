"""Local config paths are read only as small regular files, and every tool call has a time limit."""

import contextvars
import dataclasses
import os
import threading
import time

import pytest

from advisor import registry as reg
from advisor.tool_limits import ToolTimeoutError, run_with_time_limit, time_limit_s
from tools.catalog_io import read_local_json
from tools.errors import AdvisorInputError


def _refused_quickly(path, match: str, seconds: float = 2.0) -> None:
    """read_local_json(path) raises AdvisorInputError matching `match`, in a thread we can abandon if it hangs."""
    outcome = {}

    def work():
        try:
            read_local_json(path)
            outcome["error"] = None
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(seconds)
    assert "error" in outcome, f"reading {path} did not return within {seconds} s"
    assert isinstance(outcome["error"], AdvisorInputError), outcome["error"]
    assert match in str(outcome["error"])


def test_device_files_fifos_and_folders_are_refused_at_once(tmp_path):
    if os.path.exists("/dev/zero"):
        _refused_quickly("/dev/zero", "not a regular file")
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)  # nobody ever writes: a plain open() would block forever
    _refused_quickly(fifo, "not a regular file")
    _refused_quickly(tmp_path, "not a regular file")
    _refused_quickly(tmp_path / "missing.json", "No file")


def test_big_and_non_json_files_are_refused(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(5 * 2**20)  # sparse: costs no disk
    _refused_quickly(big, "MiB")
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    _refused_quickly(binary, "as JSON")
    good = tmp_path / "config.json"
    good.write_text('{"hidden_size": 4096}', encoding="utf-8")
    assert read_local_json(good) == {"hidden_size": 4096}


def test_a_slow_call_is_stopped_waiting_for_at_its_limit():
    start = time.perf_counter()
    with pytest.raises(ToolTimeoutError, match="within 0.3 s"):
        run_with_time_limit("check_fit", time.sleep, 5, limit_s=0.3)
    assert time.perf_counter() - start < 3


def test_results_errors_and_context_pass_through():
    assert run_with_time_limit("lookup_gpu", lambda x: x * 2, 21) == 42
    with pytest.raises(AdvisorInputError, match="bad input"):
        run_with_time_limit("lookup_gpu", lambda: (_ for _ in ()).throw(AdvisorInputError("bad input")))
    flag = contextvars.ContextVar("flag", default="unset")
    token = flag.set("set by the caller")
    try:
        assert run_with_time_limit("lookup_model", flag.get) == "set by the caller"
    finally:
        flag.reset(token)


def test_every_registered_tool_runs_under_a_limit(monkeypatch):
    assert all(0 < time_limit_s(name) <= 120 for name in reg.registry())
    slow = dataclasses.replace(reg.registry()["lookup_gpu"], run=lambda req: time.sleep(5))
    monkeypatch.setitem(reg.registry(), "lookup_gpu", slow)
    monkeypatch.setitem(__import__("advisor.tool_limits", fromlist=["x"]).TIME_LIMITS_S, "lookup_gpu", 0.3)
    start = time.perf_counter()
    with pytest.raises(ToolTimeoutError):
        reg.run_tool("lookup_gpu", {"name": "h100"})
    assert time.perf_counter() - start < 3
