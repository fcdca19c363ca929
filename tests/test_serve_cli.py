"""`rashomon serve` as a user runs it: a real server process (one, or several workers on one
store), its refusals, and a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.ingest import ingest_into

pytestmark = pytest.mark.skipif(os.name != "posix", reason="stops the server with SIGINT")
runner = CliRunner()
SEEDS = sorted(EXAMPLES.glob("0*.txt"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "news.db"
    settings = Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(SEEDS[0])], settings)
    return path


def _serve(db: Path, *extra: str) -> Iterator[str]:
    """Run `rashomon serve` on a free port until the caller is done, then stop it with
    SIGINT (Ctrl-C) and check it stopped cleanly."""
    port = _free_port()
    script = Path(sys.executable).with_name("rashomon")
    command = [str(script), "serve", "--db", str(db), "--port", str(port), *extra]
    log = db.with_suffix(".log")
    with log.open("w") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("the server did not answer within 90 s")
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("the server did not stop on SIGINT within 30 s")
    assert process.returncode == 0, log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_served_store_answers_pages_and_api_and_a_post_is_seen_by_every_worker(
    tmp_path, stored, workers
):
    db = tmp_path / "news.db"
    db.write_bytes(stored.read_bytes())
    for base in _serve(db, "--workers", workers, "--threads", "4"):
        listed = httpx.get(f"{base}/api/v1/stories", timeout=30).json()
        assert listed["total"] == 1
        home = httpx.get(f"{base}/", timeout=30)
        assert home.status_code == 200 and "Content-Security-Policy" in home.headers
        port = int(base.rpartition(":")[2])
        for host in ("rebound.example", f"localhost:{port + 1}"):  # the port reached the workers
            refused = httpx.get(f"{base}/api/v1/stories", headers={"Host": host}, timeout=30)
            assert refused.status_code == 421, host
        posted = httpx.post(
            f"{base}/api/v1/articles", json={"text": SEEDS[1].read_text("utf-8")}, timeout=120
        )
        assert posted.status_code == 201, posted.text
        article = posted.json()["id"]
        for _ in range(12):  # several connections: with two workers, both answer some
            with httpx.Client(timeout=30) as client:
                found = client.get(f"{base}/api/v1/articles/{article}")
                assert found.status_code == 200
                assert client.get(f"{base}/api/v1/stories").json()["total"] == 1
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_serve_beyond_loopback_without_a_token_is_refused_before_listening(stored, monkeypatch):
    monkeypatch.delenv("RASHOMON_TOKEN", raising=False)
    result = runner.invoke(app, ["serve", "--db", str(stored), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "needs a write token" in result.output


def test_serve_a_missing_store_is_refused_naming_it(tmp_path):
    missing = tmp_path / "none.db"
    result = runner.invoke(app, ["serve", "--db", str(missing), "--workers", "2"])
    assert result.exit_code == 2
    assert f"{missing}: no such store" in result.output and not missing.exists()


def test_a_worker_without_its_spec_says_how_to_start_it(monkeypatch):
    from rashomon.errors import RashomonError
    from rashomon.web.app import SERVE_ENV, app_from_environment

    monkeypatch.delenv(SERVE_ENV, raising=False)
    with pytest.raises(RashomonError, match="rashomon serve"):
        app_from_environment()
