"""Debian's Chromium as the tests and the screenshot benchmarks drive it through Playwright.

rashomon never lets a tool download a browser: it uses the one the system installed
(`apt-get install chromium`), with the flags without which it keeps trying the network.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
