"""The plain-text cleaner: seeds (read from the shared data at run time), synthetic scraped
pages, and a property test that nothing is silently lost."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rashomon.clean.reasons import REASONS
from rashomon.clean.text import EXTRACTOR, clean_text
from rashomon.clean.text_cues import find_dates
from rashomon.model import Hints

SHARED = Path(os.environ.get("RASHOMON_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEEDS = SHARED / "data" / "seeds"


def _lines_between(text: str, first: str, last: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if last in line and i >= start)
    return [line.rstrip() for line in lines[start : end + 1] if line.strip()]


def _removed_texts(cleaned) -> set[str]:
    return {r.text.strip() for r in cleaned.removed}


# -- the seed reports ---------------------------------------------------------------------------


def _seed_documents(expected: dict) -> list[tuple[dict, str]]:
    out = []
    for doc in expected["documents"]:
        path = SEEDS / doc["file"]
        if not path.is_file():
            pytest.skip(f"seed {path} not found")
        out.append((doc, path.read_text("utf-8")))
    return out


def test_seeds_boilerplate_removed_and_body_kept(expected: dict) -> None:
    for doc, text in _seed_documents(expected):
        cleaned = clean_text(text)
        removed = _removed_texts(cleaned)
        for line in doc["boilerplate"]:
            assert line.strip() in removed, (doc["file"], line)
            assert all(line.strip() != p.strip() for p in cleaned.paragraphs), (doc["file"], line)
        body = _lines_between(text, doc["body_starts"], doc["body_ends"])
        assert list(cleaned.paragraphs) == body, doc["file"]


def test_seeds_metadata(expected: dict) -> None:
    for doc, text in _seed_documents(expected):
        cleaned = clean_text(text)
        assert cleaned.extractor == EXTRACTOR
        assert cleaned.title == doc["title"]
        assert cleaned.outlet == doc["outlet"]
        want = date.fromisoformat(doc["published"]) if doc["published"] else None
        assert cleaned.published == want, doc["file"]
        if doc.get("not_published"):
            assert cleaned.published != date.fromisoformat(doc["not_published"])


def test_seed_title_removed_with_reason_title(expected: dict) -> None:
    for doc, text in _seed_documents(expected):
        cleaned = clean_text(text)
        titles = [r for r in cleaned.removed if r.reason == "title"]
        assert [r.text.strip() for r in titles] == [doc["title"]]


def test_seed_other_script_line_is_foreign_script(expected: dict) -> None:
    for _doc, text in _seed_documents(expected):
        cleaned = clean_text(text)
        for r in cleaned.removed:
            if any("\u0400" <= ch <= "\u04ff" for ch in r.text):
                assert r.reason == "foreign-script"


def test_seed_related_date_is_not_the_publication_date(expected: dict) -> None:
    """The related item's date comes after the body with a headline: it must not win even
    when it is the only date left."""
    for doc, text in _seed_documents(expected):
        if not doc.get("not_published"):
            continue
        lines = [
            line
            for line in text.splitlines()
            if not (doc["published"][:4] in line and doc["published"][-2:] + "." in line)
        ]
        cleaned = clean_text("\n".join(lines))
        assert cleaned.published != date.fromisoformat(doc["not_published"])


# -- synthetic scraped pages --------------------------------------------------------------------

SPORTS_PAGE = "\n".join(
    [
        "Skip to main content",
        "Home",
        "Football",
        "Cricket",
        "Tennis",
        "Sign in",
        "We use cookies to give you the best experience on our website. By continuing to "
        "browse you agree to our cookie policy.",
        "Accept",
        "Football",
        "Harbour City edge Riverside in a five-goal thriller",
        "By Jane Doe",
        "Published 14 March 2023, 21:45 GMT",
        "Share on Facebook",
        "Share on Twitter",
        "Email",
        "The home side celebrate the late winner at Harbour Park on Tuesday night. (Getty Images)",
        "LONDON (Reuters) - Harbour City came from behind twice to beat Riverside 3-2 on "
        "Tuesday, with a stoppage-time header from their captain sending the home crowd into "
        "raptures and lifting the club to third in the table.",
        "Riverside had led through an early penalty after the referee judged that the Harbour "
        "defender had handled the ball, and they restored their advantage shortly after the "
        "break when a deflected shot looped over the stranded goalkeeper.",
        "Advertisement",
        "The home manager said his players had shown the character he wanted to see all "
        'season. "We never stopped believing, and the crowd carried us in the last twenty '
        'minutes," he told reporters after the match.',
        "What a night.",
        "Riverside, who have now lost four of their last five away games, will host the league"
        " leaders on Saturday, while Harbour City travel to the coast to face a side fighting "
        "relegation.",
        "Most read",
        "Coach sacked after cup exit",
        "12.03.2023",
        "Transfer window: the deals that could still happen",
        "11.03.2023",
        "Sign up to our sports newsletter and get the best stories straight to your inbox.",
        "1,204",
        "Comments",
        "© 2023 Example Sports Media. All rights reserved.",
    ]
)

SPORTS_BODY_FIRST = "LONDON (Reuters) - Harbour City came from behind twice"
SPORTS_BODY_LAST = "face a side fighting relegation."


def test_sports_page_keeps_body_and_short_line_between_paragraphs() -> None:
    cleaned = clean_text(SPORTS_PAGE)
    body = _lines_between(SPORTS_PAGE, SPORTS_BODY_FIRST, SPORTS_BODY_LAST)
    body.remove("Advertisement")
    assert list(cleaned.paragraphs) == body
    assert "What a night." in cleaned.paragraphs


def test_sports_page_removes_furniture_with_reasons() -> None:
    cleaned = clean_text(SPORTS_PAGE)
    reasons = {r.text.strip(): r.reason for r in cleaned.removed}
    must_go = [
        "Skip to main content",
        "Share on Facebook",
        "Share on Twitter",
        "Advertisement",
        "Most read",
        "Coach sacked after cup exit",
        "12.03.2023",
        "1,204",
        "Comments",
        "The home side celebrate the late winner at Harbour Park on Tuesday night. (Getty Images)",
        "We use cookies to give you the best experience on our website. By continuing to browse "
        "you agree to our cookie policy.",
        "© 2023 Example Sports Media. All rights reserved.",
        "Sign up to our sports newsletter and get the best stories straight to your inbox.",
    ]
    for line in must_go:
        assert line in reasons, line
        assert line not in cleaned.paragraphs
    assert reasons["Share on Facebook"] == "share"
    assert reasons["Advertisement"] == "ad"
    assert reasons["1,204"] == "counter"
    assert (
        reasons[
            "We use cookies to give you the best experience on our website. By continuing "
            "to browse you agree to our cookie policy."
        ]
        == "legal"
    )
    assert reasons[
        "The home side celebrate the late winner at Harbour Park on Tuesday night. (Getty Images)"
    ] in ("caption", "photo-credit")
    assert reasons["Coach sacked after cup exit"] == "related"
    assert all(r.reason in REASONS for r in cleaned.removed)


def test_sports_page_metadata() -> None:
    cleaned = clean_text(SPORTS_PAGE, url="https://www.example-sports.com/football/report-123")
    assert cleaned.title == "Harbour City edge Riverside in a five-goal thriller"
    assert cleaned.byline == "Jane Doe"
    assert cleaned.published == date(2023, 3, 14)  # its own date line, not a related item's
    assert cleaned.outlet == "example-sports.com"
    assert cleaned.url == "https://www.example-sports.com/football/report-123"


def test_date_from_dateline_opening_the_body() -> None:
    page = "\n".join(
        [
            "Menu",
            "Search",
            "Ministers agree new budget rules after marathon talks",
            "BRUSSELS, Feb. 6, 2024 (Reuters) - Finance ministers agreed on Tuesday on new rules "
            "for national budgets after two years of talks, officials said, ending a dispute that "
            "had divided the bloc's largest economies.",
            "The rules give governments more time to cut their debt if they invest and reform, a "
            "compromise that the northern states had long resisted.",
            "Related",
            "Farmers block roads in protest over fuel prices",
            "January 30, 2024",
        ]
    )
    cleaned = clean_text(page)
    assert cleaned.published == date(2024, 2, 6)
    assert cleaned.title == "Ministers agree new budget rules after marathon talks"
    assert cleaned.paragraphs[0].startswith("BRUSSELS, Feb. 6, 2024 (Reuters)")


def test_related_block_date_after_body_is_ignored() -> None:
    page = "\n".join(
        [
            "Storm closes schools across the region",
            "Heavy snow forced hundreds of schools to close on Monday as the storm moved east, and "
            "officials warned that more disruption was likely through the middle of the week.",
            "Road crews worked through the night, but several highways remained shut and the "
            "railway operator cancelled most of its morning services.",
            "Town council approves new library",
            "05/02/2023",
        ]
    )
    cleaned = clean_text(page)
    assert cleaned.published is None
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["Town council approves new library"] == "related"
    assert reasons["05/02/2023"] == "related"


def test_outlet_signature_repeated_on_several_lines() -> None:
    page = "\n".join(
        [
            "- Daily Planet News, 1938",
            "Metro",
            "Bridge reopens after repairs",
            "City skyline at dusk - Daily Planet News, 1938, 02.05.2022",
            "The old river bridge reopened to traffic on Monday after eighteen months of repairs "
            "that cost far more than the city had planned when the work began.",
            "Engineers said that the structure would now last for at least another fifty years, "
            "and that the new lighting would make it safer for people walking at night.",
            "Harbour view - Daily Planet News, 1938, 28.04.2022",
            "Ferry timetable changes from June",
        ]
    )
    cleaned = clean_text(page)
    assert cleaned.outlet == "Daily Planet News"
    assert cleaned.published == date(2022, 5, 2)
    assert cleaned.title == "Bridge reopens after repairs"
    assert len(cleaned.paragraphs) == 2


def test_no_outlet_without_evidence() -> None:
    page = (
        "A headline with no outlet anywhere\n"
        + (
            "This is a paragraph of ordinary prose that says something about the world and then "
            "stops, as paragraphs in news reports usually do.\n"
        )
        * 2
    )
    assert clean_text(page).outlet is None


def test_body_line_characters_are_kept_exactly() -> None:
    line = "  «Ça va», he said — and the talks, which had gone on for hours, were over.\t "
    page = (
        "Menu\n"
        + line
        + "\n"
        + (
            "The ministers then left the building without speaking to the reporters who had been "
            "waiting outside since the early morning.\n"
        )
    )
    cleaned = clean_text(page)
    assert line.rstrip() in cleaned.paragraphs


def test_spam_and_comment_prompts_removed() -> None:
    page = "\n".join(
        [
            "Council votes to expand the tram network to the eastern suburbs",
            "The council voted on Thursday to extend the tram line by six kilometres, a plan that "
            "supporters say will cut traffic and that critics call far too expensive.",
            "Work is expected to begin next spring and to last about three years, according to the "
            "transport department, which will publish the full timetable next month.",
            "Want to make money from home? Click here to start earning today!",
            "Leave a comment",
            "You must be logged in to post a comment.",
        ]
    )
    cleaned = clean_text(page)
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["Want to make money from home? Click here to start earning today!"] == "spam"
    assert reasons["Leave a comment"] == "comments"
    assert len(cleaned.paragraphs) == 2


def test_line_in_another_language_is_removed_and_body_kept() -> None:
    english = [
        "The storm reached the coast on Monday night, and officials said that thousands of "
        "homes were without power by the morning.",
        "Crews were working to restore power, but the utility said that some areas would be "
        "dark until the end of the week.",
    ]
    german = (
        "Der Sturm hat in der Nacht zum Dienstag an der Küste große Schäden angerichtet, wie "
        "die Behörden mitteilten."
    )
    cleaned = clean_text("\n".join(["Storm hits the coast", english[0], german, english[1]]))
    assert list(cleaned.paragraphs) == english
    assert {r.text: r.reason for r in cleaned.removed}[german] == "foreign-language"


def test_hint_title_is_preferred() -> None:
    page = (
        "Breaking\nCouncil backs plan\nThe council backed the plan on Monday after a long "
        "debate that went on late into the evening.\n"
    )
    cleaned = clean_text(page, hints=Hints(title="Council backs plan"))
    assert cleaned.title == "Council backs plan"


def test_empty_and_blank_text() -> None:
    for text in ("", "\n\n  \n", "\t"):
        cleaned = clean_text(text)
        assert cleaned.paragraphs == ()
        assert cleaned.removed == ()


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Published 31.01.2024", date(2024, 1, 31)),
        ("2024-01-31T10:00:00Z", date(2024, 1, 31)),
        ("January 31, 2024", date(2024, 1, 31)),
        ("31 Jan 2024", date(2024, 1, 31)),
        ("Jan. 31st, 2024 at 10:00", date(2024, 1, 31)),
        ("31 de enero de 2024", date(2024, 1, 31)),
        ("31 января 2024", date(2024, 1, 31)),
    ],
)
def test_find_dates_formats(text: str, want: date) -> None:
    assert find_dates(text)[0][2] == want


# -- nothing is silently lost -------------------------------------------------------------------


@hsettings(max_examples=200, deadline=None)
@given(st.text())
def test_every_line_is_kept_or_removed(text: str) -> None:
    cleaned = clean_text(text)
    kept = list(cleaned.paragraphs)
    removed = {(r.position, r.text) for r in cleaned.removed}
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        line = line.rstrip()
        if (index, line) in removed:
            continue
        assert line in kept, (index, line)
        kept.remove(line)
    assert all(r.reason in REASONS for r in cleaned.removed)


@hsettings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Share",
                "Menu",
                "0",
                "Read more",
                "A fairly long sentence that reads like the body of a news report, with commas.",
                "Officials said on Monday that the talks would continue next week in the capital.",
                "Short",
                "12.03.2023",
                "By John Smith",
                "",
                "Заголовок",
            ]
        ),
        max_size=40,
    )
)
def test_every_line_is_accounted_for_on_page_like_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    cleaned = clean_text(text)
    n_lines = sum(1 for line in lines if line.strip())
    assert len(cleaned.paragraphs) + len(cleaned.removed) == n_lines


def test_title_is_the_headline_the_lead_repeats_not_the_nearest_label():
    share_panel = "\n".join(
        f"Share this with {site}" for site in ["Facebook", "Twitter", "Email", "WhatsApp"] * 9
    )
    text = (
        "World News TV\nSections\n"
        "Harbour ferry fares frozen for another year after pier closure\n"
        "19 November 2019\n"
        f"{share_panel}\n"
        "Close share panel\n"
        "Fox Harbour Live\n"
        "The harbour board froze ferry fares for another year on Tuesday, saying passenger "
        "numbers had not recovered from the long closure of the northern pier.\n"
        "Board chair Ana Lima said the fares would be reviewed in the autumn, once the pier "
        "repairs are finished and the summer figures for the harbour are known.\n"
        "Ferry operators had asked for a rise to cover fuel, but the board said island "
        "families could not be asked to pay more this winter.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.title == "Harbour ferry fares frozen for another year after pier closure"
    assert cleaned.paragraphs[0].startswith("The harbour board froze ferry fares")


def test_an_embedded_post_with_a_report_button_does_not_cut_the_body_short():
    text = (
        "Council approves new library\n"
        "The council approved plans for a new library on Monday, after a two-year campaign "
        "by residents who said the old building was no longer safe to use.\n"
        "The vote was unanimous, and the mayor thanked the campaigners in a post online.\n"
        "Image copyright @CouncilNews @CouncilNews\nReport\n"
        "The new building will open in 2026 and will include a children's wing, a cafe and "
        "study rooms that can be booked free of charge by students.\n"
        "Councillor Mary Okafor said the vote showed what local campaigners could achieve when "
        "they worked with the council rather than against it.\n"
        "Leave a Reply\nYour email address will not be published.\n"
    )
    cleaned = clean_text(text)
    body = "\n".join(cleaned.paragraphs)
    assert "The council approved plans" in body and "The vote was unanimous" in body
    assert "children's wing" in body and "Councillor Mary Okafor" in body
    assert "Report" not in cleaned.paragraphs
    assert "Leave a Reply" not in body


def test_a_title_case_headline_ending_in_a_full_stop_is_still_the_title():
    text = (
        "Harbour Board Freezes Ferry Fares For Another Year.\n\n"
        "The harbour board froze ferry fares for another year on Tuesday, saying passenger "
        "numbers had not recovered from the long closure of the northern pier.\n"
        "Board chair Ana Lima said the fares would be reviewed in the autumn.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.title == "Harbour Board Freezes Ferry Fares For Another Year."
    assert cleaned.paragraphs[0].startswith("The harbour board froze")


def test_a_short_first_sentence_is_not_mistaken_for_a_title():
    text = (
        "The harbour board froze ferry fares on Tuesday.\n\n"
        "Passenger numbers had not recovered from the long closure of the northern pier, the "
        "board said, and the fares would be reviewed again in the autumn.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.title is None
    assert cleaned.paragraphs[0] == "The harbour board froze ferry fares on Tuesday."
