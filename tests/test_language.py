import pytest

from rashomon.clean.language import article_languages, detect
from rashomon.errors import SettingsError
from rashomon.settings import Settings

ENGLISH = (
    "China will not give up on its support for Russia on the Ukraine issue regardless "
    "of Western pressure, the minister said during the talks."
)
RUSSIAN = (
    "Министр обороны Китая заявил, что Пекин не откажется от поддержки России "
    "несмотря на давление Запада."
)
GERMAN = (
    "Der chinesische Verteidigungsminister sagte, Peking werde Russland trotz des "
    "Drucks aus dem Westen weiter unterstützen."
)


def test_detects_the_language_of_an_article(settings):
    assert detect(ENGLISH, settings)[0] == "en"
    assert detect(RUSSIAN, settings)[0] == "ru"
    assert detect(GERMAN, settings)[0] == "de"


def test_empty_text_has_no_language(settings):
    assert detect("   ", settings) == (None, 0.0)


def test_a_paragraph_in_another_language_is_flagged(settings):
    language, flagged = article_languages([ENGLISH, GERMAN, ENGLISH], settings)
    assert language == "en"
    assert [(p.index, p.language) for p in flagged] == [(1, "de")]


def test_short_paragraphs_are_not_flagged(settings):
    assert article_languages([ENGLISH, "Hallo Welt"], settings) == ("en", ())


def test_the_language_set_is_a_setting():
    only = Settings().replace(language__languages=["en", "fr"])
    assert detect(GERMAN, only)[0] in {"en", "fr"}


def test_an_unknown_language_code_is_a_settings_error():
    with pytest.raises(SettingsError, match="'xx' is not an ISO 639-1 code"):
        detect(ENGLISH, Settings().replace(language__languages=["en", "xx"]))


def test_the_article_language_is_the_one_most_of_its_text_is_in(settings):
    # lingua on the whole text would say German: umlauts outweigh two English paragraphs
    language, flagged = article_languages([ENGLISH, GERMAN, ENGLISH[:90] + "."], settings)
    assert language == "en"
    assert [p.language for p in flagged] == ["de"]


def test_an_article_of_short_lines_still_gets_a_language(settings):
    assert article_languages(["Министр обороны Китая", "заявил о поддержке"], settings)[0] == "ru"


def test_a_chinese_paragraph_in_an_english_article_is_flagged(settings):
    chinese = (
        "中国国防部长董军周三与俄罗斯国防部长绍伊古举行视频通话，双方表示将推动两军关系迈上新台阶。"
    )
    language, flagged = article_languages([ENGLISH, chinese, ENGLISH], settings)
    assert language == "en"
    assert [(p.index, p.language) for p in flagged] == [(1, "zh")]


def test_names_and_table_rows_are_never_flagged(settings):
    rows = ["Sierra Nevada Corporation, Louisville, Colorado", "Viera (4-0): K. Hupfer 1 goal."]
    assert article_languages([ENGLISH, *rows, ENGLISH], settings)[1] == ()
