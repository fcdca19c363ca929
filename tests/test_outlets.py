"""The outlet registry: the packaged table, lookups by URL and by name, unknown outlets' profiles,
and the errors a malformed registry file gives."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from rashomon.clean.metadata import outlet_from_url
from rashomon.model import Article
from rashomon.outlets import (
    COLUMNS,
    OWNERSHIP,
    Outlet,
    Registry,
    RegistryError,
    default_registry,
    identify,
    load_registry,
    name_key,
    profiles,
    registered_domain,
)

HEADER = "\t".join(COLUMNS)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


def _data_rows() -> list[list[str]]:
    text = resources.files("rashomon").joinpath("data", "outlets.tsv").read_text("utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert rows[0] == list(COLUMNS)
    return rows[1:]


def _article(id_: str, url: str | None = None, outlet: str | None = None, **kw: object) -> Article:
    return Article(id=id_, origin=id_, text="Body.", url=url, outlet=outlet, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the packaged table


def test_packaged_registry_lists_at_least_300_outlets(registry: Registry) -> None:
    assert len(registry) >= 300
    assert len(_data_rows()) == len(registry)
    assert all(outlet.known for outlet in registry)


def test_every_row_has_nine_columns_and_valid_values() -> None:
    for row in _data_rows():
        assert len(row) == len(COLUMNS), row
        name, domains, country, languages, ownership, affiliated, basis, source, _ = row
        assert name.strip(), row
        assert re.fullmatch(r"[A-Z]{2}|INT", country), row
        assert all(re.fullmatch(r"[a-z]{2}", lang) for lang in languages.split(";")), row
        assert ownership in OWNERSHIP, row
        assert affiliated in ("yes", "no"), row
        for domain in domains.split(";"):
            assert domain == domain.strip().lower() and "." in domain, row
            assert not domain.startswith("www.") and "/" not in domain, row


def test_no_domain_or_name_is_listed_twice(registry: Registry) -> None:
    domains = Counter(d for outlet in registry for d in outlet.domains)
    assert [d for d, n in domains.items() if n > 1] == []
    names = Counter(outlet.name for outlet in registry)
    assert [n for n, c in names.items() if c > 1] == []


def test_state_affiliated_outlets_have_a_basis_and_a_public_source(registry: Registry) -> None:
    affiliated = [outlet for outlet in registry if outlet.state_affiliated]
    assert len(affiliated) >= 50
    for outlet in affiliated:
        assert outlet.basis, outlet.name
        assert re.fullmatch(r"https?://\S+", outlet.source), outlet.name


def test_registry_covers_every_continent_and_the_named_state_media(registry: Registry) -> None:
    countries = {outlet.country for outlet in registry}
    assert {"US", "GB", "DE", "BR", "NG", "ZA", "IN", "JP", "AU", "RU", "CN", "EG"} <= countries
    for name in ("RT", "Sputnik", "CGTN", "China Daily", "Global Times", "Press TV", "TRT World"):
        outlet = registry.by_name(name)
        assert outlet is not None and outlet.state_affiliated, name
    bbc = registry.by_name("BBC")
    assert bbc is not None and bbc.ownership == "public" and bbc.state_affiliated is False


# ---------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.bbc.co.uk/news/world-europe-123", "BBC"),
        ("https://www.bbc.com/news/x", "BBC"),
        ("https://edition.cnn.com/2024/01/01/politics/x/index.html", "CNN"),
        ("https://sputniknews.com/20220301/x.html", "Sputnik"),
        ("https://sputnikglobe.com/20230101/x.html", "Sputnik"),
        ("https://www1.folha.uol.com.br/mundo/x.shtml", "Folha de S.Paulo"),
        ("https://www.uol.com.br/x", "UOL"),
        ("reuters.com", "Reuters"),
        ("HTTPS://WWW.NYTIMES.COM/2024/x", "The New York Times"),
    ],
)
def test_by_url_matches_the_domain_or_a_sub_domain(registry: Registry, url: str, name: str) -> None:
    outlet = registry.by_url(url)
    assert outlet is not None and outlet.name == name


@pytest.mark.parametrize(
    "url", ["https://unknown-paper.example/a", "https://sky.com/x", "not a url", "", None]
)
def test_by_url_is_none_for_an_unlisted_address(registry: Registry, url: str | None) -> None:
    assert registry.by_url(url) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sputnik International", "Sputnik"),
        ("REUTERS", "Reuters"),
        ("(Reuters)", "Reuters"),
        ("The Associated Press", "Associated Press"),
        ("AP", "Associated Press"),
        ("Agence France Presse", "Agence France-Presse"),
        ("AFP", "Agence France-Presse"),
        ("Russia Today", "RT"),
        ("РИА Новости", "RIA Novosti"),
        ("Liberation", "Libération"),
        ("  bbc   news ", "BBC"),
    ],
)
def test_by_name_ignores_case_punctuation_accents_and_the(
    registry: Registry, text: str, name: str
) -> None:
    outlet = registry.by_name(text)
    assert outlet is not None and outlet.name == name


def test_by_name_is_none_for_an_unknown_or_shared_name(registry: Registry) -> None:
    assert registry.by_name("Jornal do Vale") is None
    assert registry.by_name("The Standard") is None  # Evening Standard and Der Standard
    assert registry.by_name("") is None


def test_name_key() -> None:
    assert name_key("The Associated Press") == name_key("ASSOCIATED-PRESS") == "associatedpress"
    assert name_key("Süddeutsche Zeitung") == "suddeutschezeitung"
    assert name_key(None) == ""


def test_identify_tries_the_url_then_the_name(registry: Registry) -> None:
    assert registry.identify("https://www.bbc.co.uk/news/x", "Sputnik").name == "BBC"
    assert registry.identify("https://unknown-paper.example/a", "REUTERS").name == "Reuters"
    assert registry.identify(None, "bbc.co.uk").name == "BBC"
    assert identify(None, "Sputnik International").name == "Sputnik"


def test_an_unknown_outlet_is_named_by_its_domain(registry: Registry) -> None:
    outlet = registry.identify("https://www.unknown-paper.example/news/1", "Unknown Paper")
    assert outlet.known is False
    assert outlet.name == "unknown-paper.example"
    assert outlet.domains == ("unknown-paper.example",)
    assert outlet.aliases == ("Unknown Paper",)
    assert outlet.ownership is None and outlet.state_affiliated is None


def test_an_unknown_outlet_without_url_is_named_by_its_text(registry: Registry) -> None:
    outlet = registry.identify(None, "Jornal do Vale")
    assert outlet == Outlet(name="Jornal do Vale")
    assert registry.identify(None, "dailyledger.com").name == "dailyledger.com"


def test_registered_domain_is_the_cleaners_function() -> None:
    assert registered_domain("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert registered_domain("http://news.sky.com/story/1") == "sky.com"
    assert registered_domain("https://www.courier.example/a") == "courier.example"
    assert registered_domain("http://localhost:8000/x") is None
    assert registered_domain("Sputnik International") is None
    assert registered_domain("https://x.example/") == outlet_from_url("https://x.example/")


# ---------------------------------------------------------------- profiles


def test_profiles_map_each_article_and_profile_unknown_outlets(registry: Registry) -> None:
    articles = [
        _article("a1", "https://www.bbc.co.uk/news/1", "bbc.co.uk", language="en"),
        _article("a2", None, "Sputnik International", language="en"),
        _article("u1", "https://coastalherald.example/a", "coastalherald.example", language="en"),
        _article("u2", "https://news.coastalherald.example/b", "Coastal Herald", language="en"),
        _article("u3", "https://coastalherald.example/c", None, language="de"),
        _article("u4", None, "Coastal Herald", language="en"),
        _article("t1", None, "Jornal do Vale", language="pt"),
        _article("t2", None, "JORNAL DO VALE", language="pt", site_name="Jornal do Vale"),
        _article("n1"),
    ]
    found = profiles(articles, registry)
    assert set(found) == {a.id for a in articles}
    assert found["a1"].name == "BBC" and found["a1"].known
    assert found["a2"].name == "Sputnik" and found["a2"].state_affiliated

    herald = found["u1"]
    assert herald is found["u2"] is found["u3"] is found["u4"]
    assert herald.known is False
    assert herald.name == "coastalherald.example"
    assert herald.domains == ("coastalherald.example",)
    assert herald.articles == 4
    assert herald.languages == ("en", "de")
    assert herald.aliases == ("Coastal Herald",)

    vale = found["t1"]
    assert vale is found["t2"]
    assert (vale.name, vale.articles, vale.languages, vale.domains) == (
        "Jornal do Vale",
        2,
        ("pt",),
        (),
    )
    assert found["n1"] == Outlet(name="", articles=1)


def test_profiles_use_the_site_name_when_the_domain_is_unknown(registry: Registry) -> None:
    article = _article("s1", "https://syndication.example/x", None, site_name="Reuters")
    assert profiles([article], registry)["s1"].name == "Reuters"


# ---------------------------------------------------------------- malformed files


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "outlets.tsv"
    path.write_text("# a comment\n" + HEADER + "\n" + "\n".join(rows) + "\n", "utf-8")
    return path


GOOD = "\t".join(["Good Paper", "good.example", "GB", "en", "private", "no", "", "", "Good"])


def test_a_registry_file_loads_from_a_path(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path, GOOD))
    assert len(reg) == 1
    outlet = reg.by_url("https://www.good.example/x")
    assert outlet is not None and outlet is reg.by_name("GOOD")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Bad\tbad.example\tGB\ten\tprivate\tno", "expected 9 tab-separated columns"),
        ("Bad\tbad.example\tGB\ten\tgovernment\tno\t\t\t", "ownership must be state, public or"),
        ("Bad\tbad.example\tGB\ten\tstate\tyes\t\thttps://x.example/\t", "needs a basis"),
        ("Bad\tbad.example\tGB\ten\tstate\tyes\tfunded by X\t\t", "source must be an http(s) URL"),
        ("Bad\tbad.example\tGB\ten\tstate\tmaybe\t\t\t", "state_affiliated must be yes or no"),
        ("Bad\tBad.Example\tGB\ten\tprivate\tno\t\t\t", "is not a domain"),
        ("Bad\tbad.example\tUK1\ten\tprivate\tno\t\t\t", "country must be"),
        ("Bad\tbad.example\tGB\teng\tprivate\tno\t\t\t", "not an ISO 639-1"),
        ("Bad\tgood.example\tGB\ten\tprivate\tno\t\t\t", "'good.example' is already listed"),
        (GOOD, "'Good Paper' is already listed"),
    ],
)
def test_a_malformed_row_names_the_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _write(tmp_path, GOOD, row)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert f"{path}, line 4:" in str(caught.value)
    assert message in str(caught.value)


def test_a_registry_without_its_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outlets.tsv"
    path.write_text(GOOD + "\n", "utf-8")
    with pytest.raises(RegistryError, match=r"line 1: expected the header row"):
        load_registry(path)


def test_a_missing_registry_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the outlet registry"):
        load_registry(tmp_path / "nowhere.tsv")
