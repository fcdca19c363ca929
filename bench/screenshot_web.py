"""Screenshots of the web app's pages at a wide and a phone width, and how long each took.

Builds a store from examples/ and tests/fixtures/compare/ (or serves --db), serves it with
uvicorn on a free port in this process, and drives Debian's Chromium with Playwright (never a
downloaded browser) through the stories list, two stories (one filtered), an article, the
outlets, an outlet, a search and the API reference. Each page is shot whole at 1280 and 390 px
into --out (default /tmp/rashomon-web-shots/); the paths and the server's time to first byte
and the browser's time to load are printed.

    .venv/bin/python bench/screenshot_web.py [--db news.db] [--out DIR]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import uvicorn

from rashomon.report.browser import CHROMIUM, CHROMIUM_ARGS
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into
from rashomon.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = {"wide": (1280, 800), "phone": (390, 844)}  # name: viewport


def build_store(path: Path, settings: Settings) -> Store:
    store = Store(path, settings)
    inputs = [
        str(ROOT / "examples"),
        *sorted(str(p) for p in (ROOT / "tests/fixtures/compare").glob("*.txt")),
    ]
    ingest_into(store, inputs, settings)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(store: Store, settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(store, settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, thread, base
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def pages(store: Store) -> dict[str, str]:
    """The pages to shoot, by name: path."""
    listed = read.stories(store.db, sort="outlets", limit=100)
    seeds = next((s for s in listed if any("000_" in n for n in s.outlet_names)), listed[-1])
    widest = listed[0]
    story = read.story(store.db, seeds.id, with_docs=False)
    assert story is not None
    article = story.articles[0]
    outlet = next(
        (a.outlet for a in story.articles if not a.outlet.startswith("unknown")), article.outlet
    )
    return {
        "stories": "/?sort=agree",
        "story": f"/stories/{seeds.id}",
        "story-wide": f"/stories/{widest.id}",
        "story-filtered": f"/stories/{widest.id}?verdict=contradict#claims",
        "article": f"/articles/{article.id}",
        "outlets": "/outlets",
        "outlet": f"/outlets/{quote(outlet, safe='')}",
        "search": "/search?q=minister+talks",
        "docs": "/docs",
        "not-found": "/stories/no-such-story",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="serve this store instead of building one")
    parser.add_argument("--out", default="/tmp/rashomon-web-shots", help="where the PNGs go")
    parser.add_argument(
        "--slices",
        type=int,
        default=0,
        help="also save the first N screens of each page as NAME-WIDTH-K.png (to read a long one)",
    )
    parser.add_argument("--only", help="shoot only the pages whose name contains this")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    settings = Settings()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        store = Store(args.db, settings) if args.db else build_store(Path(tmp) / "web.db", settings)
        print(f"store ready in {time.perf_counter() - started:.1f}s: {store.counts()}")
        server, thread, base = serve(store, settings)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path in pages(store).items():
                    if args.only and args.only not in name:
                        continue
                    first = time.perf_counter()
                    httpx.get(base + path, timeout=30)
                    server_ms = 1000 * (time.perf_counter() - first)
                    for width, height in WIDTHS.values():
                        tab = browser.new_page(viewport={"width": width, "height": height})
                        loaded = time.perf_counter()
                        tab.goto(base + path)
                        tab.wait_for_load_state("load")
                        load_ms = 1000 * (time.perf_counter() - loaded)
                        shot = out / f"{name}-{width}.png"
                        tab.screenshot(path=str(shot), full_page=True)
                        print(f"{shot}  server {server_ms:6.1f} ms  browser load {load_ms:6.1f} ms")
                        full = tab.evaluate("document.documentElement.scrollHeight")
                        for k in range(min(args.slices, -(-full // height))):
                            clip = {"x": 0, "y": k * height, "width": width, "height": height}
                            part = out / f"{name}-{width}-{k + 1}.png"
                            tab.screenshot(path=str(part), full_page=True, clip=clip)
                        tab.close()
                browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
