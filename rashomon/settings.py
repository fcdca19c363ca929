"""Settings: every one declared once, in the packaged `defaults.toml`, with default and help.

Layers, later wins: packaged defaults < user file < `--setting name=value` overrides.
A user file sets plain values in TOML tables (`[clean]` / `min_chars = 150`); a name it sets
that is not declared is an error, not a silent no-op.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from rashomon.errors import SettingsError

T = TypeVar("T")

__all__ = [
    "SECTIONS",
    "AnnotateSettings",
    "CleanSettings",
    "CompareSettings",
    "FetchSettings",
    "HtmlCleanSettings",
    "IngestSettings",
    "LanguageSettings",
    "PipelineSettings",
    "ServeSettings",
    "Setting",
    "Settings",
    "SparkSettings",
    "StoreSettings",
    "StoriesSettings",
    "TextCleanSettings",
    "declared",
    "settings_markdown",
    "user_settings_path",
]


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


# ---------------------------------------------------------------- typed sections
#
# Each stage reads its own section as a frozen, typed record (`settings.clean.html.fallback`
# is a bool to mypy and to the reader). The defaults and help stay declared once, in
# defaults.toml; the records only name and type them, and `tests/test_settings.py` fails if
# a record and the declarations ever differ by one name or one type.


@dataclass(frozen=True, slots=True)
class HtmlCleanSettings:
    """The `clean.html.*` settings, typed."""

    comments: bool
    fallback: bool
    refine: bool
    cross_check: bool
    rerun_below: float
    audit: bool
    audit_max_blocks: int
    max_attributes: int
    max_depth: int


@dataclass(frozen=True, slots=True)
class TextCleanSettings:
    """The `clean.text.*` settings, typed."""

    templates: str
    template_min_docs: int
    max_short_line_words: int
    template_max_lines: int
    template_max_line_chars: int
    foreign_language: bool
    learn_first: bool


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """The `ingest.*` settings, typed."""

    max_bytes: int
    max_jsonl_line_bytes: int
    follow_symlinks: bool


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """The `fetch.*` settings, typed."""

    allow_private: bool
    timeout_s: float
    max_bytes: int
    max_redirects: int
    user_agent: str
    content_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """The `clean.*` settings, typed."""

    min_chars: int
    outlet: str
    min_article_chars: int
    html: HtmlCleanSettings
    text: TextCleanSettings


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """The `language.*` settings, typed."""

    languages: tuple[str, ...]
    min_paragraph_chars: int
    min_confidence: float
    high_accuracy: bool


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """The `pipeline.*` settings, typed."""

    batch_size: int
    workers: int


@dataclass(frozen=True, slots=True)
class AnnotateSettings:
    """The `annotate.*` settings, typed."""

    model: str
    attribution_model: str
    batch_size: int
    n_process: int
    multiprocess_min: int
    max_chars: int
    max_punctuation_run: int
    resolve_window: int
    zone_size: int
    languages: tuple[str, ...]
    natasha_languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoriesSettings:
    """The `stories.*` settings, typed."""

    encoder: str
    encoder_threads: int
    lead_chars: int
    model: str
    link_threshold: float
    window_days: int
    max_candidates: int
    postings: int
    name_keys: int
    vector_bands: int
    vector_bits: int
    duplicate_jaccard: float
    num_perm: int
    encode_batch: int


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """The `compare.*` settings, typed."""

    link_threshold: float
    strong_threshold: float
    fact_rules: bool
    headline_supported: float
    headline_partly: float
    comparable_share: float
    encode_batch: int
    only_in_shown: int


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The `store.*` settings, typed."""

    batch_size: int
    vector_memo: int
    compare_growth: float
    compare_small: int


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """The `serve.*` settings, typed."""

    max_body_bytes: int
    token: str
    allowed_hosts: tuple[str, ...]
    show_paths: bool
    page_size: int
    story_texts: int


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """The `spark.*` settings, typed."""

    master: str
    partitions: int
    chunk: int
    split_bytes: int
    files_per_run: int
    block_docs: int
    copy_candidates: int


SECTIONS: dict[str, type] = {
    "ingest": IngestSettings,
    "fetch": FetchSettings,
    "clean": CleanSettings,
    "language": LanguageSettings,
    "pipeline": PipelineSettings,
    "annotate": AnnotateSettings,
    "stories": StoriesSettings,
    "compare": CompareSettings,
    "store": StoreSettings,
    "serve": ServeSettings,
    "spark": SparkSettings,
}


def _section(cls: type[T], values: Mapping[str, Any], prefix: str) -> T:
    """The `cls` record of the settings named `prefix` + field (nested records recurse)."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[field.name]
        name = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(hint):
            fields[field.name] = _section(hint, values, f"{name}.")  # type: ignore[arg-type]
        elif typing.get_origin(hint) is tuple:
            fields[field.name] = tuple(values[name])
        else:
            fields[field.name] = values[name]
    return cls(**fields)


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
        self._sections: dict[str, Any] = {}

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

    def _typed(self, name: str, cls: type[T]) -> T:
        found = self._sections.get(name)
        if found is None:
            found = self._sections[name] = _section(cls, self._values, f"{name}.")
        return found

    @property
    def ingest(self) -> IngestSettings:
        return self._typed("ingest", IngestSettings)

    @property
    def fetch(self) -> FetchSettings:
        return self._typed("fetch", FetchSettings)

    @property
    def clean(self) -> CleanSettings:
        return self._typed("clean", CleanSettings)

    @property
    def language(self) -> LanguageSettings:
        return self._typed("language", LanguageSettings)

    @property
    def pipeline(self) -> PipelineSettings:
        return self._typed("pipeline", PipelineSettings)

    @property
    def annotate(self) -> AnnotateSettings:
        return self._typed("annotate", AnnotateSettings)

    @property
    def stories(self) -> StoriesSettings:
        return self._typed("stories", StoriesSettings)

    @property
    def compare(self) -> CompareSettings:
        return self._typed("compare", CompareSettings)

    @property
    def store(self) -> StoreSettings:
        return self._typed("store", StoreSettings)

    @property
    def serve(self) -> ServeSettings:
        return self._typed("serve", ServeSettings)

    @property
    def spark(self) -> SparkSettings:
        return self._typed("spark", SparkSettings)

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
