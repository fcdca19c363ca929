"""The outlet registry: who published a report, and who owns them.

`rashomon/data/outlets.tsv` lists news outlets worldwide with their domains, country, languages,
ownership (state / public / private) and whether they are state-affiliated, with the basis and a
public source for it; the file's opening comment defines every column. `default_registry()` loads it
once; `load_registry(path)` reads another file in the same format and says which line is wrong
when one is.

An article is tied to its outlet by its URL (the registered domain, or a listed sub-domain such as
folha.uol.com.br) and otherwise by the name it signs with ("Agence France-Presse", "REUTERS",
"The Associated Press"). An outlet the registry does not list gets a profile built from what is
observed: the domains, languages and names seen and the number of articles (`profiles`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from rashomon.clean.metadata import outlet_from_url
from rashomon.datafile import read_table
from rashomon.errors import RegistryError
from rashomon.model import Article, Outlet

__all__ = [
    "COLUMNS",
    "OWNERSHIP",
    "Registry",
    "RegistryError",
    "default_registry",
    "identify",
    "load_registry",
    "name_key",
    "profiles",
    "registered_domain",
]

COLUMNS = (
    "name",
    "domains",
    "country",
    "languages",
    "ownership",
    "state_affiliated",
    "basis",
    "source",
    "aliases",
)
OWNERSHIP = frozenset({"state", "public", "private"})

_COUNTRY = re.compile(r"[A-Z]{2}|INT")
_LANGUAGE = re.compile(r"[a-z]{2}")
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.[a-z]{2,}")
_SOURCE = re.compile(r"https?://\S+")
_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)


def registered_domain(url: str | None) -> str | None:
    """The registered domain of a URL, host or domain ("https://www.bbc.co.uk/news/x" ->
    "bbc.co.uk"); None when it has none. The same function the cleaners use
    (`rashomon.clean.metadata.outlet_from_url`)."""
    return outlet_from_url(url)


def name_key(text: str | None) -> str:
    """`text` as the registry compares names: without a leading "The", accents, case, spaces or
    punctuation ("The Associated Press" and "ASSOCIATED-PRESS" -> "associatedpress")."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", _THE.sub("", text))
    return "".join(ch for ch in folded.casefold() if ch.isalnum())


def _host(url: str) -> str | None:
    candidate = url.strip()
    if "://" not in candidate:
        candidate = "http://" + candidate.lstrip("/")
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


class Registry:
    """Known outlets, looked up by URL or by name. `load_registry` reads one from a file."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets = tuple(outlets)
        self._domains: dict[str, Outlet] = {}
        self._names: dict[str, Outlet] = {}
        aliases: dict[str, dict[str, Outlet]] = {}
        for outlet in self.outlets:
            for domain in outlet.domains:
                self._domains.setdefault(domain, outlet)
            self._names.setdefault(name_key(outlet.name), outlet)
            for alias in outlet.aliases:
                aliases.setdefault(name_key(alias), {})[outlet.name] = outlet
        # An alias that two outlets share ("The Standard") names neither of them.
        for key, owners in aliases.items():
            if key and key not in self._names and len(owners) == 1:
                self._names[key] = next(iter(owners.values()))
        self._names.pop("", None)

    def __repr__(self) -> str:
        return f"<Registry of {len(self.outlets)} outlets>"

    def __len__(self) -> int:
        return len(self.outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets)

    def by_url(self, url: str | None) -> Outlet | None:
        """The outlet whose listed domain is the URL's host or a parent of it
        ("https://edition.cnn.com/x" -> CNN); a bare domain works too. None when unlisted."""
        host = _host(url) if url else None
        if not host:
            return None
        labels = host.split(".")
        for start in range(len(labels) - 1):
            found = self._domains.get(".".join(labels[start:]))
            if found is not None:
                return found
        return None

    def by_name(self, text: str | None) -> Outlet | None:
        """The outlet whose name or alias is `text`, compared without case, accents,
        punctuation or a leading "The" ("REUTERS", "The Associated Press"). None when no
        outlet, or more than one, goes by it."""
        key = name_key(text)
        return self._names.get(key) if key else None

    def identify(self, url: str | None, outlet_text: str | None = None) -> Outlet:
        """The outlet of an article: by its URL, then by `outlet_text` (a signature name such
        as "Agence France-Presse", or a domain). An outlet the registry does not list comes
        back as an unknown profile (`known` False) named by the URL's registered domain, or by
        the text when there is no domain; the text is kept among its aliases."""
        found = self.by_url(url)
        if found is not None:
            return found
        text = " ".join((outlet_text or "").split())
        if text:
            found = self.by_name(text)
            if found is None and " " not in text:
                found = self.by_url(text)
            if found is not None:
                return found
        domain = registered_domain(url) if url else None
        if domain is None and text and " " not in text:
            domain = registered_domain(text)
        name = domain or text
        aliases = (text,) if text and name_key(text) != name_key(name) else ()
        return Outlet(name=name, domains=(domain,) if domain else (), aliases=aliases)


def load_registry(path: str | os.PathLike[str] | None = None) -> Registry:
    """Read a registry file (by default the packaged rashomon/data/outlets.tsv). Raises
    RegistryError naming the file and line when the file cannot be read or a row is wrong."""
    text, label = read_table("outlets.tsv", path, "outlet registry")
    return Registry(tuple(_parse(text, label)))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The packaged registry, loaded once."""
    return load_registry()


def identify(url: str | None, outlet_text: str | None = None) -> Outlet:
    """`Registry.identify` on the packaged registry."""
    return default_registry().identify(url, outlet_text)


# ---------------------------------------------------------------- reading the file


def _parse(text: str, label: str) -> Iterator[Outlet]:
    header_seen = False
    names: dict[str, int] = {}
    domains: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{label}, line {number}"
        if not header_seen:
            if tuple(c.strip() for c in cells) != COLUMNS:
                raise RegistryError(
                    f"{where}: expected the header row {' | '.join(COLUMNS)} (tab separated)"
                )
            header_seen = True
            continue
        outlet = _row(cells, where)
        if outlet.name in names:
            raise RegistryError(
                f"{where}: outlet {outlet.name!r} is already listed on line {names[outlet.name]}"
            )
        names[outlet.name] = number
        for domain in outlet.domains:
            if domain in domains:
                other, line_no = domains[domain]
                raise RegistryError(
                    f"{where}: domain {domain!r} is already listed for {other!r} on line {line_no}"
                )
            domains[domain] = (outlet.name, number)
        yield outlet
    if not header_seen:
        raise RegistryError(f"{label}: no header row and no outlets")


def _row(cells: list[str], where: str) -> Outlet:
    if len(cells) != len(COLUMNS):
        raise RegistryError(
            f"{where}: expected {len(COLUMNS)} tab-separated columns "
            f"({', '.join(COLUMNS)}), found {len(cells)}"
        )
    name, domains, country, languages, ownership, affiliated, basis, source, aliases = (
        c.strip() for c in cells
    )
    if not name:
        raise RegistryError(f"{where}: the outlet has no name")
    domain_list = _split(domains)
    for domain in domain_list:
        if not _DOMAIN.fullmatch(domain) or domain.startswith("www."):
            raise RegistryError(
                f"{where}: {domain!r} is not a domain (lower case, no scheme, no www.)"
            )
    if not _COUNTRY.fullmatch(country):
        raise RegistryError(
            f"{where}: country must be an ISO 3166-1 alpha-2 code or INT, not {country!r}"
        )
    language_list = _split(languages)
    for language in language_list:
        if not _LANGUAGE.fullmatch(language):
            raise RegistryError(f"{where}: {language!r} is not an ISO 639-1 language code")
    if ownership not in OWNERSHIP:
        raise RegistryError(
            f"{where}: ownership must be state, public or private, not {ownership!r}"
        )
    if affiliated not in ("yes", "no"):
        raise RegistryError(f"{where}: state_affiliated must be yes or no, not {affiliated!r}")
    if affiliated == "yes" and not basis:
        raise RegistryError(f"{where}: a state-affiliated outlet needs a basis")
    if (affiliated == "yes" or source) and not _SOURCE.fullmatch(source):
        raise RegistryError(
            f"{where}: source must be an http(s) URL"
            + (" (required for a state-affiliated outlet)" if affiliated == "yes" else "")
            + f", not {source!r}"
        )
    return Outlet(
        name=name,
        domains=tuple(domain_list),
        country=country,
        languages=tuple(language_list),
        ownership=ownership,
        state_affiliated=affiliated == "yes",
        basis=basis,
        source=source,
        aliases=tuple(_split(aliases)),
        known=True,
    )


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


# ---------------------------------------------------------------- observed outlets


@dataclass
class _Seen:
    name: str
    domains: dict[str, None] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    aliases: dict[str, str] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)

    def add(self, article: Article, outlet: Outlet) -> None:
        for domain in outlet.domains:
            self.domains.setdefault(domain, None)
        for alias in (*outlet.aliases, article.site_name):
            key = name_key(alias)
            if alias and key and key != name_key(self.name):
                self.aliases.setdefault(key, " ".join(alias.split()))
        if article.language:
            self.languages[article.language] += 1
        self.articles.append(article.id)

    def profile(self) -> Outlet:
        return Outlet(
            name=self.name,
            domains=tuple(self.domains),
            languages=tuple(lang for lang, _ in self.languages.most_common()),
            aliases=tuple(self.aliases.values()),
            known=False,
            articles=len(self.articles),
        )


def profiles(articles: Iterable[Article], registry: Registry | None = None) -> dict[str, Outlet]:
    """The outlet of each article, by article id.

    A known outlet is the registry's record. Articles of an outlet the registry does not list
    share one profile built from what they show: the domains seen, the languages seen (most
    frequent first), the names signed with, and the number of articles. An article known only
    by a signature name joins the profile of a domain whose articles signed with that name.
    An article with neither URL nor outlet name gets a nameless profile of its own.
    """
    reg = registry if registry is not None else default_registry()
    found: dict[str, Outlet] = {}
    by_domain: dict[str, _Seen] = {}
    by_text: dict[str, _Seen] = {}
    nameless: list[tuple[Article, Outlet]] = []
    for article in articles:
        outlet = reg.identify(article.url or article.canonical_url, article.outlet)
        if not outlet.known and article.site_name:
            outlet = reg.by_name(article.site_name) or outlet
        if outlet.known:
            found[article.id] = outlet
        elif outlet.domains:
            key = outlet.domains[0]
            by_domain.setdefault(key, _Seen(key)).add(article, outlet)
        elif outlet.name:
            key = name_key(outlet.name)
            by_text.setdefault(key, _Seen(outlet.name)).add(article, outlet)
        else:
            nameless.append((article, outlet))
    # A name first seen alone and then as the signature of a domain is that domain's outlet.
    signatures = {key: seen for seen in by_domain.values() for key in seen.aliases}
    for key, seen in list(by_text.items()):
        owner = signatures.get(key)
        if owner is not None:
            owner.aliases.setdefault(key, seen.name)
            owner.languages.update(seen.languages)
            owner.articles.extend(seen.articles)
            del by_text[key]
    for seen in (*by_domain.values(), *by_text.values()):
        profile = seen.profile()
        for article_id in seen.articles:
            found[article_id] = profile
    for article, _ in nameless:
        alone = _Seen("")
        alone.add(article, Outlet(name=""))
        found[article.id] = alone.profile()
    return found
