import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_LOOPBACK = ("127.", "::1", "localhost")
_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if isinstance(host, str) and not host.startswith(_LOOPBACK) and self.family in (socket.AF_INET, socket.AF_INET6):
        raise ConnectionRefusedError(f"tests may not reach the network ({host}); stub the LLM instead")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network_and_no_real_llm(monkeypatch, tmp_path_factory):
    """No test reaches a real model (or anything off this machine), and none reads the user's settings
    or cache: the LLM variables are cleared and the index lives in a per-session temp dir."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ADVISOR_MODEL", "CHROMA_HOST", "CHROMA_PORT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(_shared_data_dir(tmp_path_factory)))
    monkeypatch.setenv("ADVISOR_HUB", "off")  # repo ids fall back without a lookup; tests/test_hub.py turns it on
    monkeypatch.chdir(tmp_path_factory.getbasetemp())  # no stray .env from the working directory


_DATA: list[Path] = []


def _shared_data_dir(factory) -> Path:
    if not _DATA:
        _DATA.append(factory.mktemp("advisor-data"))
    return _DATA[0]
