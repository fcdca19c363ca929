"""The same outputs as an earlier revision: run `rashomon clean / annotate / stories / compare`
of this checkout and of REV (a git worktree made for the run) on the seeds and on the first N
AEB pages, and print, per output, whether the two are byte for byte the same (and where they
first differ when not). A refactor that claims to change no behaviour shows "same" on every
row.

    .venv/bin/python bench/bench_same_outputs.py [--rev HEAD~1] [--pages 80]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "data" / "extraction" / "aeb" / "html"
COMMANDS = (
    ("seeds clean", "clean", "seeds"),
    ("seeds annotate", "annotate", "seeds"),
    ("seeds stories", "stories", "seeds"),
    ("seeds compare", "compare", "seeds"),
    ("AEB pages compare", "compare", "aeb"),
)


def run(tree: Path, command: str, inputs: list[str]) -> tuple[bytes, float]:
    """The JSON output of one command run from `tree`'s code, and its seconds."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "rashomon.cli", command, *inputs, "--format", "json"],
        cwd=tree,
        env=env,
        capture_output=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"{tree}: rashomon {command} failed ({done.returncode}): {done.stderr[-400:]!r}")
    return done.stdout, time.perf_counter() - started


def first_difference(a: bytes, b: bytes) -> str:
    """Where two outputs part, with a little of each side."""
    pairs = enumerate(zip(a, b, strict=False))
    at = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    return f"byte {at}: {a[at : at + 60]!r} vs {b[at : at + 60]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="HEAD~1", help="the revision to compare against")
    parser.add_argument("--pages", type=int, default=80, help="AEB pages compared as one corpus")
    args = parser.parse_args()
    rev = subprocess.run(
        ["git", "rev-parse", "--short", args.rev], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    if not rev:
        sys.exit(f"no revision {args.rev!r} in {ROOT}")
    pages = sorted(str(p) for p in AEB.glob("*.html.gz"))[: args.pages]
    inputs = {"seeds": ["examples/"], "aeb": pages}
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), rev], cwd=ROOT)
        try:
            print(f"outputs of this checkout against {rev} ({len(pages)} AEB pages)")
            print(f"{'output':<20} {'bytes':>10} {rev + ' s':>9} {'now s':>7}  same?")
            for label, command, corpus in COMMANDS:
                before, t0 = run(base, command, inputs[corpus])
                after, t1 = run(ROOT, command, inputs[corpus])
                verdict = "same" if before == after else first_difference(before, after)
                print(f"{label:<20} {len(after):>10,} {t0:>9.1f} {t1:>7.1f}  {verdict}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)


if __name__ == "__main__":
    main()
