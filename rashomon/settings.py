"""Settings: every one declared once, in the packaged `defaults.toml`, with default and help.

Layers, later wins: packaged defaults < user file < `--setting name=value` overrides.
A user file sets plain values in TOML tables (`[clean]` / `min_chars = 150`); a name it sets
that is not declared is an error, not a silent no-op.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rashomon.errors import SettingsError

__all__ = ["Setting", "Settings", "declared", "settings_markdown", "user_settings_path"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def kind(self) -> type:
        return type(self.default)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def _read_declarations() -> dict[str, Setting]:
    text = resources.files("rashomon").joinpath("defaults.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    found: dict[str, Setting] = {}

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        if "default" in table and "help" in table:
            name = prefix.rstrip(".")
            found[name] = Setting(name, table["default"], str(table["help"]))
            return
        for key, value in table.items():
            if isinstance(value, Mapping):
                walk(value, f"{prefix}{key}.")

    walk(raw, "")
    return found


_DECLARED: dict[str, Setting] | None = None


def declared() -> dict[str, Setting]:
    """Every declared setting by name (read once from the packaged defaults file)."""
    global _DECLARED
    if _DECLARED is None:
        _DECLARED = _read_declarations()
    return _DECLARED


def user_settings_path() -> Path | None:
    """The user's settings file: $RASHOMON_SETTINGS, else ~/.config/rashomon/settings.toml if
    it exists, else None."""
    env = os.environ.get("RASHOMON_SETTINGS")
    if env:
        return Path(env)
    home = Path.home() / ".config" / "rashomon" / "settings.toml"
    return home if home.is_file() else None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    """Convert `value` to the type of the setting's default, or say what is wrong."""
    kind = setting.kind
    if isinstance(value, str) and kind is not str:
        value = _parse_text(setting, value, origin)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is list and isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(
            f"{origin}: setting {setting.name!r} must be {kind.__name__}, got {value!r}"
        )
    return value


def _parse_text(setting: Setting, text: str, origin: str) -> Any:
    kind = setting.kind
    lowered = text.strip().lower()
    if kind is bool:
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    elif kind is int:
        try:
            return int(text.replace("_", ""))
        except ValueError:
            pass
    elif kind is float:
        try:
            return float(text)
        except ValueError:
            pass
    elif kind is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    raise SettingsError(f"{origin}: setting {setting.name!r} must be {kind.__name__}, got {text!r}")


class Settings(Mapping[str, Any]):
    """Resolved settings: a read-only mapping from name to value."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        decl = declared()
        merged = {name: s.default for name, s in decl.items()}
        for name, value in (values or {}).items():
            merged[name] = _coerce(_lookup(name, "settings"), value, "settings")
        self._values = merged

    @classmethod
    def load(
        cls,
        user_file: str | Path | None = None,
        overrides: Iterable[str] = (),
        *,
        use_default_file: bool = True,
    ) -> Settings:
        """Packaged defaults, then the user file, then `name=value` overrides."""
        values: dict[str, Any] = {}
        path = (
            Path(user_file) if user_file else (user_settings_path() if use_default_file else None)
        )
        if path is not None:
            values.update(_read_user_file(path))
        for item in overrides:
            name, value = _split_override(item)
            values[name] = _coerce(_lookup(name, "--setting"), value, "--setting")
        return cls(values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed; names use `__` for dots (clean__min_chars)."""
        values = dict(self._values)
        for key, value in changes.items():
            values[key.replace("__", ".")] = value
        return Settings(values)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            _lookup(name, "code")
            raise

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != declared()[k].default}
        return f"Settings({changed!r})"


def _lookup(name: str, origin: str) -> Setting:
    try:
        return declared()[name]
    except KeyError:
        close = [n for n in declared() if n.split(".")[-1] == name.split(".")[-1]]
        hint = f"; did you mean {close[0]!r}?" if close else "; `rashomon settings` lists them"
        raise SettingsError(f"{origin}: unknown setting {name!r}{hint}") from None


def _split_override(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise SettingsError(f"--setting: expected name=value, got {item!r}")
    return name.strip(), value


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    values = {}
    for name, value in _flatten(raw):
        values[name] = _coerce(_lookup(name, str(path)), value, str(path))
    return values


def settings_markdown() -> str:
    """docs/settings.md: every setting with its default and help (a test keeps it current)."""
    lines = [
        "# Settings",
        "",
        "Every setting, declared once in `rashomon/defaults.toml`. Override in a TOML file",
        "(`--settings FILE`, `$RASHOMON_SETTINGS`, or `~/.config/rashomon/settings.toml`) or on",
        "the command line with `-s NAME=VALUE`. Generated by `rashomon settings --markdown`.",
        "",
        "| setting | default | what it does |",
        "|---|---|---|",
    ]
    for name, setting in sorted(declared().items()):
        default = repr(setting.default).replace("|", "\\|")
        lines.append(f"| `{name}` | `{default}` | {setting.help} |")
    return "\n".join(lines) + "\n"
