"""Shared fixtures: where the shared benchmark data lives, the seed reports, settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rashomon.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "data" / "seeds"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's own settings file."""
    monkeypatch.delenv("RASHOMON_SETTINGS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def expected() -> dict:
    path = SEEDS / "expected.json"
    if not path.is_file():
        pytest.skip(f"shared data not found at {SEEDS}")
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    """The seed reports as shipped in examples/ (identical to the shared seeds)."""
    return sorted(EXAMPLES.glob("0*.txt"))


@pytest.fixture(scope="session")
def nlp():
    """The default spaCy pipeline, loaded once for the whole test run."""
    from rashomon.annotate.nlp import load

    return load(Settings()["annotate.model"])


@pytest.fixture(scope="session")
def seed_docs():
    """The two seed reports, cleaned and annotated, keyed by file name."""
    from rashomon.annotate import annotate_many
    from rashomon.clean import clean
    from rashomon.model import RawDoc

    settings = Settings()
    articles = []
    for path in sorted(EXAMPLES.glob("0*.txt")):
        raw = RawDoc.from_bytes(path.read_bytes(), "text/plain", str(path))
        articles.append(clean(raw, settings))
    docs = list(annotate_many(articles, settings))
    return {Path(d.article.origin).name: d for d in docs}
