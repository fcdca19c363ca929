import dataclasses
import pickle
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest

import rashomon
from rashomon.errors import SettingsError
from rashomon.settings import SECTIONS, Settings, declared


def test_every_setting_has_a_default_and_help():
    for name, setting in declared().items():
        assert setting.help.strip(), f"{name} has no help"
        assert len(setting.help) > 20, f"{name}'s help says too little"
        # a text override (`--setting name=value`) can only be read into these kinds
        assert setting.kind in (bool, int, float, str, list), (name, setting.kind)


def _packaged() -> dict[str, object]:
    """The defaults as defaults.toml spells them, read here without rashomon.settings."""
    raw = tomllib.loads((Path(rashomon.__file__).parent / "defaults.toml").read_text("utf-8"))
    found: dict[str, object] = {}

    def walk(table: dict, prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict) and {"default", "help"} <= set(value):
                found[prefix + key] = value["default"]
            elif isinstance(value, dict):
                walk(value, f"{prefix}{key}.")

    walk(raw, "")
    return found


def test_defaults_are_the_packaged_values_whatever_the_user_file_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    user = tmp_path / "settings.toml"
    user.write_text("[clean]\nmin_chars = 7\n", "utf-8")
    monkeypatch.setenv("RASHOMON_SETTINGS", str(user))
    packaged = _packaged()
    assert len(packaged) > 50 and packaged["clean.min_chars"] != 7
    assert dict(Settings()) == packaged
    assert dict(Settings.load(use_default_file=False)) == packaged
    assert Settings.load()["clean.min_chars"] == 7  # the user file is read only when asked


def test_override_converts_to_the_declared_type():
    s = Settings.load(
        overrides=[
            "clean.min_chars=150",
            "fetch.allow_private=yes",
            "fetch.timeout_s=3",
            "language.languages=en, ru",
        ],
        use_default_file=False,
    )
    assert s["clean.min_chars"] == 150
    assert s["fetch.allow_private"] is True
    assert s["fetch.timeout_s"] == 3.0
    assert s["language.languages"] == ["en", "ru"]


def test_unknown_setting_is_an_error_with_a_suggestion():
    with pytest.raises(SettingsError, match="unknown setting 'min_chars'.*clean.min_chars"):
        Settings.load(overrides=["min_chars=3"], use_default_file=False)


def test_bad_value_names_the_setting_and_the_value():
    with pytest.raises(SettingsError, match="'clean.min_chars' must be int, got 'lots'"):
        Settings.load(overrides=["clean.min_chars=lots"], use_default_file=False)


def test_override_without_equals_sign_is_an_error():
    with pytest.raises(SettingsError, match="expected name=value"):
        Settings.load(overrides=["clean.min_chars"], use_default_file=False)


def test_user_file_overrides_only_what_it_sets(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("[clean]\nmin_chars = 99\n", "utf-8")
    s = Settings.load(path)
    assert s["clean.min_chars"] == 99
    assert s["clean.min_article_chars"] == declared()["clean.min_article_chars"].default


def test_command_line_beats_user_file(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("[clean]\nmin_chars = 99\n", "utf-8")
    assert Settings.load(path, ["clean.min_chars=7"])["clean.min_chars"] == 7


def test_user_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "env.toml"
    path.write_text("[fetch]\ntimeout_s = 2.5\n", "utf-8")
    monkeypatch.setenv("RASHOMON_SETTINGS", str(path))
    assert Settings.load()["fetch.timeout_s"] == 2.5


def test_unknown_name_in_user_file_names_the_file(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("[clean]\nmin_charz = 99\n", "utf-8")
    with pytest.raises(SettingsError, match=r"s\.toml: unknown setting 'clean.min_charz'"):
        Settings.load(path)


def test_invalid_toml_names_the_file(tmp_path: Path):
    path = tmp_path / "broken.toml"
    path.write_text("[clean\nmin_chars = ", "utf-8")
    with pytest.raises(SettingsError, match=r"broken\.toml: not valid TOML"):
        Settings.load(path)


def test_missing_user_file_is_an_error(tmp_path: Path):
    with pytest.raises(SettingsError, match="settings file not found"):
        Settings.load(tmp_path / "nope.toml")


def test_settings_are_read_only():
    s = Settings()
    with pytest.raises(TypeError):
        s["clean.min_chars"] = 1  # type: ignore[index]


def test_settings_reference_in_docs_is_current():
    from pathlib import Path

    from rashomon.settings import settings_markdown

    docs = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
    assert docs.read_text("utf-8") == settings_markdown(), "run: rashomon settings --markdown"


def _leaves(cls: type, prefix: str) -> dict[str, Any]:
    """Every setting a typed section names, with its declared type."""
    found: dict[str, Any] = {}
    for name, hint in typing.get_type_hints(cls).items():
        if dataclasses.is_dataclass(hint):
            found.update(_leaves(hint, f"{prefix}{name}."))  # type: ignore[arg-type]
        else:
            found[f"{prefix}{name}"] = hint
    return found


def test_typed_sections_name_every_declared_setting_once_with_its_type():
    named: dict[str, Any] = {}
    for section, cls in SECTIONS.items():
        named.update(_leaves(cls, f"{section}."))
    assert sorted(named) == sorted(declared())
    expected = {bool: bool, int: int, float: float, str: str, list: tuple[str, ...]}
    wrong = {n: h for n, h in named.items() if expected[type(declared()[n].default)] != h}
    assert wrong == {}


def test_typed_sections_read_the_resolved_values(tmp_path: Path):
    user = tmp_path / "s.toml"
    user.write_text('[clean.html]\nfallback = false\n[annotate]\nlanguages = ["en", "de"]\n')
    settings = Settings.load(user, ["stories.window_days=9"])
    assert settings.clean.html.fallback is False
    assert settings.annotate.languages == ("en", "de")
    assert settings.stories.window_days == 9
    assert settings.clean.min_chars == declared()["clean.min_chars"].default
    assert settings.replace(clean__html__fallback=True).clean.html.fallback is True


def test_typed_sections_are_frozen():
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.clean.min_chars = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(settings)).spark.chunk == settings.spark.chunk
