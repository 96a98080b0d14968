"""A socket guard for the no-outbound test: every DNS lookup or connection to a host off this
machine is refused and written to a log file. `python -c "from tests.outbound_guard import run; run(LOG, ...)"`
runs a program under it."""

from __future__ import annotations

import socket
import sys


def _loopback(host) -> bool:
    host = str(host or "").lower().strip("[]")
    return host in ("", "localhost", "::1", "0.0.0.0", "::") or host.startswith(("127.", "::ffff:127."))


def install(log_path: str) -> None:
    real_getaddrinfo, real_connect, real_connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex
    real_byname, real_byname_ex = socket.gethostbyname, socket.gethostbyname_ex

    def note(kind: str, host) -> None:
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(f"{kind} {host}\n")

    def getaddrinfo(host, *args, **kwargs):
        if not _loopback(host.decode() if isinstance(host, bytes) else host):
            note("dns", host)
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the no-outbound guard")
        return real_getaddrinfo(host, *args, **kwargs)

    def byname(host, *args):
        if not _loopback(host):
            note("dns", host)
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the no-outbound guard")
        return (real_byname_ex if args == ("ex",) else real_byname)(host)

    def _check(sock, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            note("connect", address[0])
            raise ConnectionRefusedError("blocked by the no-outbound guard")

    def connect(self, address):
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = byname
    socket.gethostbyname_ex = lambda host: byname(host, "ex")
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def run(log_path: str, argv: list[str]) -> None:
    """Run `argv` (a script path, or '-m module') under the guard, as `python ARGV` would."""
    import runpy

    install(log_path)
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")
