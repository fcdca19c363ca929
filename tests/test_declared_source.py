"""A plain-text report's declared URL and outlet (its first lines), and --outlet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.clean import clean
from rashomon.clean.declared import declared_source
from rashomon.cli import app
from rashomon.model import RawDoc
from rashomon.settings import Settings

BODY = (
    "Talks resume in Geneva after a week of delays\n\n"
    "The delegations returned to the table on Monday after a week in which both sides traded "
    "accusations over the ceasefire terms and the order of prisoner releases.\n\n"
    "Officials said the first session lasted four hours and ended without a joint statement, "
    "though both teams agreed to meet again on Tuesday morning.\n"
)


@pytest.mark.parametrize(
    ("head", "url", "outlet"),
    [
        (
            "https://www.example-news.org/world/talks/\n",
            "https://www.example-news.org/world/talks/",
            None,
        ),
        ("URL: <https://news.example.com/a>\n", "https://news.example.com/a", None),
        ("Source: Deutsche Welle\n", None, "Deutsche Welle"),
        ("PUBLISHER:   The Daily Example\n", None, "The Daily Example"),
        ("Source: https://news.example.com/a\n", "https://news.example.com/a", None),
        ("", None, None),
        ("The source: a long sentence that only mentions a source in passing.\n", None, None),
    ],
)
def test_the_first_lines_declare_url_and_outlet(head, url, outlet):
    found = declared_source(head + BODY)
    assert (found.url, found.outlet) == (url, outlet)


def test_a_label_far_down_the_text_is_not_a_declaration():
    text = BODY + "\n".join(f"Paragraph {k} of the story goes on." for k in range(10))
    assert declared_source(text + "\nSource: Nobody\n").outlet is None


def _cleaned(text: str, settings: Settings | None = None):
    raw = RawDoc.from_bytes(text.encode("utf-8"), "text/plain", "report.txt")
    return clean(raw, settings or Settings())


def test_a_cleaned_text_takes_its_declared_outlet_and_url_out_of_the_body():
    article = _cleaned("Source: Deutsche Welle\n" + BODY)
    assert article.outlet == "Deutsche Welle" and "Source:" not in article.text
    linked = _cleaned("https://www.example-news.org/world/talks/\n" + BODY)
    assert linked.url == "https://www.example-news.org/world/talks/"
    assert linked.outlet == "example-news.org" and "https://" not in linked.text


def test_the_outlet_setting_names_every_document():
    settings = Settings().replace(**{"clean.outlet": "Field Notes"})
    assert _cleaned("Source: Deutsche Welle\n" + BODY, settings).outlet == "Field Notes"
    assert _cleaned(BODY, settings).outlet == "Field Notes"


def test_outlet_option_on_the_command_line(tmp_path: Path):
    report = tmp_path / "report.txt"
    report.write_text(BODY, "utf-8")
    result = CliRunner().invoke(
        app, ["clean", "--outlet", "Field Notes", str(report), "-f", "jsonl"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["outlet"] == "Field Notes"
