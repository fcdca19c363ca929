"""Outlets: who published a report, and who owns them.

The registry (rashomon/data/outlets.tsv) lists news outlets worldwide with their domains,
country, languages, ownership and whether they are state-affiliated, with the basis and a public
source. `identify(url, outlet_text)` ties an article to its outlet by URL domain or signature
name; `profiles(articles)` does it for a batch and profiles the outlets the registry does not
list from what their articles show. See `rashomon.outlets.registry`.
"""

from __future__ import annotations

from rashomon.model import Outlet
from rashomon.outlets.registry import (
    COLUMNS,
    OWNERSHIP,
    Registry,
    RegistryError,
    default_registry,
    identify,
    load_registry,
    name_key,
    profiles,
    registered_domain,
)

__all__ = [
    "COLUMNS",
    "OWNERSHIP",
    "Outlet",
    "Registry",
    "RegistryError",
    "default_registry",
    "identify",
    "load_registry",
    "name_key",
    "profiles",
    "registered_domain",
]
