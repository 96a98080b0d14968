"""The guidance index shared by several processes: concurrent builds, readers during a rebuild, a read-only
data folder, and Chroma failures as fix-it messages. Real Chroma and the real CLI in subprocesses; only the
embedding model is swapped for an instant hashing one, so the tests cost little CPU."""

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_EMBEDDER = textwrap.dedent('''
    import hashlib

    class HashEmbedder:
        """Bag-of-words vectors by hashing: deterministic and instant."""
        name = "hash-test"

        def _vec(self, text):
            v = [0.0] * 64
            for w in text.lower().split():
                v[int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
            n = sum(x * x for x in v) ** 0.5 or 1.0
            return [x / n for x in v]

        def embed(self, texts, batch_size=16):
            return [self._vec(t) for t in texts]

        def embed_query(self, text):
            return self._vec(text)
''')

RUNNER = FAKE_EMBEDDER + textwrap.dedent('''
    import sys
    import knowledge.embed as embed
    embed.get_embedder = lambda name=None: HashEmbedder()
    from advisor.cli import main
    sys.exit(main(sys.argv[1:]))
''')


@pytest.fixture
def runner(tmp_path):
    script = tmp_path / "run_cli.py"
    script.write_text(RUNNER, encoding="utf-8")
    (tmp_path / "fake_embedder.py").write_text(FAKE_EMBEDDER, encoding="utf-8")
    return script


def _env(data: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT", "GPU_ADVISOR_DEBUG")}
    env.update(ADVISOR_DATA_DIR=str(data), PYTHONPATH=str(ROOT), **extra)
    return env


def _start(runner: Path, data: Path, *args: str, prefix: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([*(prefix or []), sys.executable, str(runner), *args], env=_env(data),
                            cwd=runner.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def _hash_index(data: Path, monkeypatch):
    sys.path.insert(0, str(data.parent))
    try:
        from fake_embedder import HashEmbedder
    finally:
        sys.path.remove(str(data.parent))
    from knowledge.index import GuidanceIndex

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data))
    return GuidanceIndex(embedder=HashEmbedder())


def test_concurrent_index_runs_all_succeed(runner, tmp_path):
    data = tmp_path / "data"
    procs = [_start(runner, data, "index"), _start(runner, data, "index", "--force"),
             _start(runner, data, "index", "--force")]
    results = [_finish(p) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "passages from" in out and "Traceback" not in err
    actions = sorted(out.split(":")[0] for _, out, _ in results)
    assert actions.count("built") <= 1  # exactly one built from scratch unless a forced run got there first
    code, out, err = _finish(_start(runner, data, "search", "what does ZeRO-3 shard", "-k", "2"))
    assert code == 0 and "knowledge/docs/" in out, err


def test_a_reader_keeps_working_while_another_process_rebuilds(runner, tmp_path, monkeypatch):
    data = tmp_path / "data"
    idx = _hash_index(data, monkeypatch)
    assert idx.ensure().action == "built"
    before = idx.search("tensor parallel NVLink", k=3)
    code, _, err = _finish(_start(runner, data, "index", "--force"))
    assert code == 0, err
    after = idx.search("tensor parallel NVLink", k=3)  # the old collection is gone: reopened, not rebuilt
    assert [p.chunk_id for p in after] == [p.chunk_id for p in before]
    assert idx.ensure().action == "up to date"


def test_a_search_waits_for_a_build_in_flight_instead_of_deleting_it(runner, tmp_path, monkeypatch):
    from filelock import FileLock

    import knowledge.index as ki

    data = tmp_path / "data"
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data))
    client, _ = ki.make_client()
    in_flight = client.create_collection("guidance-hash-test-building-other", embedding_function=None)
    lock = FileLock(str(ki._lock_path()))
    lock.acquire()
    err_file = tmp_path / "reader.err"
    try:
        with open(err_file, "w") as err_out:
            reader = subprocess.Popen([sys.executable, str(runner), "search", "gradient checkpointing"],
                                      env=_env(data), cwd=tmp_path, stdout=subprocess.PIPE, stderr=err_out, text=True)
        deadline = time.time() + 60
        while "waiting" not in err_file.read_text() and time.time() < deadline and reader.poll() is None:
            time.sleep(0.2)
        time.sleep(1)
        assert reader.poll() is None  # waiting for the lock, not building over (or deleting) the other build
        assert "waiting" in err_file.read_text()
        assert in_flight.name in {c.name for c in client.list_collections()}
    finally:
        lock.release()
    out, _ = reader.communicate(timeout=120)
    assert reader.returncode == 0 and "knowledge/docs/" in out, err_file.read_text()


def _read_only_prefix(data: Path) -> list[str] | None:
    """Run a command with `data` read-only: a read-only bind mount (root ignores file modes), else chmod."""
    if os.geteuid() != 0:
        for p in [data, *data.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        return []
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind -o ro {data} {data} && ! touch {data}/x"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    script = f'mount --bind -o ro "{data}" "{data}" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh"]


def test_a_read_only_data_folder_is_searchable(runner, tmp_path, monkeypatch):
    data = tmp_path / "data"
    assert _hash_index(data, monkeypatch).ensure().action == "built"
    stored = sorted(p.name for p in (data / "chroma").iterdir())
    prefix = _read_only_prefix(data)
    if prefix is None:
        pytest.skip("cannot make a folder read-only for root here (no unshare / bind mounts)")
    try:
        code, out, err = _finish(_start(runner, data, "search", "what does ZeRO-3 shard", "-k", "2", prefix=prefix))
        icode, iout, ierr = _finish(_start(runner, data, "index", prefix=prefix))
    finally:
        for p in [data, *data.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
    assert code == 0 and "knowledge/docs/distributed-training.md" in out, err
    assert "read-only" in err and "Traceback" not in err
    assert icode == 0 and "up to date" in iout and f"a private copy: {data} is read-only" in iout, ierr
    assert sorted(p.name for p in (data / "chroma").iterdir()) == stored  # nothing written there


def test_an_unreachable_chroma_server_is_a_fix_it_message(runner, tmp_path):
    from tests.fakes import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, str(runner), "search", "ZeRO-3"], cwd=tmp_path, text=True,
                            env=_env(tmp_path / "data", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    code, out, err = _finish(proc)
    assert code == 2, err
    assert err.count("\n") == 1 and "CHROMA_HOST" in err and f"127.0.0.1:{port}" in err and "internal" not in err


def test_a_bad_chroma_port_is_a_fix_it_message(tmp_path, monkeypatch, capsys):
    import knowledge
    from advisor.cli import main

    monkeypatch.setattr(knowledge, "_DEFAULT", None)  # a fresh default index that has to connect
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "eighty")
    assert main(["search", "ZeRO-3"]) == 2
    err = capsys.readouterr().err
    assert "CHROMA_PORT" in err and err.count("\n") == 1


def test_a_search_names_each_cited_section_once(runner, tmp_path, monkeypatch):
    from knowledge.docs_loader import DOCS_DIR, all_chunks
    from knowledge.keyword import keyword_search

    split = [c for c in all_chunks(DOCS_DIR) if c.chunk_id.endswith("-2")]  # sections embedded as 2+ chunks
    assert split, "the docs should have a section long enough to be split"
    idx = _hash_index(tmp_path / "data", monkeypatch)
    for chunk in split[:4]:
        for hits in (idx.search(chunk.heading + " " + chunk.text[:200], k=10),
                     keyword_search(chunk.heading + " " + chunk.text[:200], 10)):
            citations = [h.citation for h in hits]
            assert len(citations) == len(set(citations)) and len(citations) >= 5
            assert any(chunk.heading in c for c in citations)
