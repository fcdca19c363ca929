"""Reading the data tables rashomon ships (rashomon/data/) or a user's replacement for one."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from rashomon.errors import RegistryError

__all__ = ["read_table"]


def read_table(name: str, path: str | os.PathLike[str] | None, what: str) -> tuple[str, str]:
    """The text of the packaged table rashomon/data/`name`, or of the file at `path`, with
    the label its errors name it by. Raises RegistryError ("cannot read the `what`") when the
    file cannot be read."""
    if path is None:
        text = resources.files("rashomon").joinpath("data", name).read_text("utf-8")
        return text, f"rashomon/data/{name}"
    label = os.fspath(path)
    try:
        return Path(path).read_text("utf-8"), label
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{label}: cannot read the {what}: {exc}") from exc
