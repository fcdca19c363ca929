"""The metadata rules of `rashomon.clean.page_meta`, each on a small hand-written page: the
article's headline (not the site's or an SEO variant), its author, its publication date (not a
related item's)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rashomon.clean.html import clean_html

BODY = (
    "<p>The council voted on Tuesday to close the old bridge to lorries after engineers found "
    "cracks in two of its supports, a decision that will divert traffic for months.</p>"
    "<p>Residents said the detour would add twenty minutes to the school run, and the council "
    "promised a temporary crossing before the winter.</p>"
)


def page(head: str = "", top: str = "", after: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><header><a href='/'>Home</a></header>"
        f"<article>{top}{BODY}</article>{after}</body></html>"
    )


def ld(obj: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- titles ----------------------------------------------------------------------------------


def test_visible_headline_beats_seo_title() -> None:
    html = page(
        head='<meta property="og:title" content="Bridge closed to lorries: what you need to know">',
        top="<h1>Bridge closed to lorries after cracks found</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries after cracks found"


def test_headline_that_agrees_with_declared_title_beats_an_earlier_one() -> None:
    html = page(
        head="<title>Bridge closed to lorries | Town Gazette</title>",
        top="<h1>Subscribe today</h1><h1>Bridge closed to lorries</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_site_name_h1_skipped_for_the_h2_headline() -> None:
    html = page(
        head="<title>Bridge closed to lorries | Antoine's Blog</title>",
        top="<h1>Antoine's Blog</h1><h2>Bridge closed to lorries</h2>",
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_site_suffix_stripped_from_declared_title() -> None:
    html = page(
        head='<meta property="og:site_name" content="Town Gazette">'
        '<meta property="og:title" content="Bridge closed to lorries | Town Gazette">'
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_site_suffix_stripped_from_headline() -> None:
    html = page(
        head='<meta property="og:site_name" content="Town Gazette">',
        top="<h1>Bridge closed to lorries - Town Gazette</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_a_site_name_before_the_og_title_in_the_title_tag_is_the_sites() -> None:
    html = page(
        head="<title>Antoine's Data Blog: Bridge closed to lorries</title>"
        '<meta property="og:title" content="Bridge closed to lorries">',
        top="<h1>Antoine's Data Blog</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_a_site_suffix_contained_in_the_domain_is_stripped() -> None:
    html = page(head='<meta property="og:title" content="Bridge closed to lorries | Gazette">')
    assert clean_html(html, url="https://www.towngazette.com/x").title == "Bridge closed to lorries"


@pytest.mark.parametrize(
    "heading",
    [
        "Dec 18 2025 Bridge closed to lorries",
        "Bridge closed to lorries Posted on July 1, 2024 by jdoe",
    ],
)
def test_a_date_line_run_into_the_h1_is_left_out_of_the_title(heading: str) -> None:
    html = page(
        head='<meta property="og:title" content="Bridge closed to lorries">',
        top=f"<h1>{heading}</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries"


def test_an_h1_longer_than_the_declared_title_without_a_date_is_kept() -> None:
    html = page(
        head='<meta property="og:title" content="Bridge closed to lorries">',
        top="<h1>Bridge closed to lorries after cracks found</h1>",
    )
    assert clean_html(html).title == "Bridge closed to lorries after cracks found"


def test_a_short_h1_that_agrees_with_no_declared_title_is_a_section_label() -> None:
    html = page(
        head='<meta property="og:title" content="Private VPN services compared, no sponsors">',
        top="<h1>VPN Services</h1>",
    )
    assert clean_html(html).title == "Private VPN services compared, no sponsors"


# --- authors ---------------------------------------------------------------------------------


def test_json_ld_person_beats_meta_author() -> None:
    head = (
        ld(
            {
                "@type": "NewsArticle",
                "headline": "Bridge closed",
                "author": [{"@type": "Person", "name": "Jane Doe"}],
            }
        )
        + '<meta name="author" content="Town Gazette Staff">'
    )
    assert clean_html(page(head=head)).byline == "Jane Doe"


def test_visible_byline_beats_organisation_author() -> None:
    head = ld(
        {
            "@type": "Article",
            "headline": "Bridge closed",
            "author": {"@type": "Organization", "name": "Town Gazette"},
        }
    )
    top = '<div class="post-author"><span class="author-name">By Priya Raman</span></div>'
    assert clean_html(page(head=head, top=top)).byline == "Priya Raman"


def test_visible_byline_beats_user_handle() -> None:
    head = '<meta name="author" content="praman42">'
    top = '<p class="byline">Priya Raman | March 3, 2025</p>'
    assert clean_html(page(head=head, top=top)).byline == "Priya Raman"


def test_byline_cut_before_its_date() -> None:
    top = '<div class="byline">Written by Priya Raman Last updated on: October 1, 2025</div>'
    assert clean_html(page(top=top)).byline == "Priya Raman"


def test_unmarked_by_line_found() -> None:
    top = "<p>By <a href='/staff/jd'>Jane Doe</a></p>"
    assert clean_html(page(top=top)).byline == "Jane Doe"


def test_by_in_its_own_element_takes_the_name_that_follows() -> None:
    top = "<div class='meta'><span>By</span> <a href='/staff/jd'>Jane Doe</a> · 5 min read</div>"
    assert clean_html(page(top=top)).byline == "Jane Doe"


def test_a_lone_by_without_a_name_after_it_is_no_byline() -> None:
    top = "<div class='meta'><span>By</span> <a href='/x'>subscribing now</a></div>"
    assert clean_html(page(top=top)).byline is None


def test_a_json_ld_author_given_as_a_graph_reference_is_read() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "NewsArticle", "headline": "Bridge", "author": {"@id": "#/person/1"}},
            {"@type": "Person", "@id": "#/person/1", "name": "Albert Swann"},
        ],
    }
    assert clean_html(page(head=ld(graph))).byline == "Albert Swann"


def test_a_citation_author_is_written_first_name_first() -> None:
    head = (
        '<meta name="citation_author" content="Roy, Aniruddha">'
        '<meta name="citation_author" content="Patel, Jyoti">'
    )
    assert clean_html(page(head=head)).byline == "Aniruddha Roy"


def test_comment_author_not_taken() -> None:
    after = (
        '<section id="comments"><div class="comment-author">Bob Smith</div>'
        "<p>By Bob Smith: great piece</p></section>"
    )
    assert clean_html(page(after=after)).byline is None


@pytest.mark.parametrize("word", ["Dec", "Sign In", "Share"])
def test_a_month_or_a_button_is_not_a_name(word: str) -> None:
    assert clean_html(page(top=f'<span class="author">{word}</span>')).byline is None


def test_the_twitter_cards_written_by_label_names_the_author() -> None:
    head = (
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Albert Swann">'
        '<meta name="twitter:label2" content="Est. reading time">'
        '<meta name="twitter:data2" content="4 minutes">'
    )
    assert clean_html(page(head=head)).byline == "Albert Swann"


def test_the_sites_name_after_the_people_is_dropped() -> None:
    head = '<meta property="og:site_name" content="Town Gazette">'
    top = '<p class="byline">By Jane Doe and John Roe, The Town Gazette</p>'
    assert clean_html(page(head=head, top=top)).byline == "Jane Doe, John Roe"


def test_the_sites_name_alone_is_kept_as_the_author() -> None:
    head = '<meta property="og:site_name" content="Town Gazette">'
    top = '<p class="byline">By Town Gazette</p>'
    assert clean_html(page(head=head, top=top)).byline == "Town Gazette"


def test_a_long_author_list_is_kept_whole() -> None:
    names = "Ana Lima, Rui Costa, Jane Doe, John Roe, Priya Raman, Dong Wei, Sara Berg, Tom Ek"
    names = names.split(", ")
    head = f'<meta name="author" content="{", ".join(names)}">'
    assert clean_html(page(head=head)).byline == ", ".join(names)


def test_the_job_title_in_the_next_block_is_not_part_of_the_name() -> None:
    top = (
        '<div class="post-author"><div class="name">Liza Burke</div>'
        '<div class="position">Marketing Director</div></div>'
    )
    assert clean_html(page(top=top)).byline == "Liza Burke"


def test_a_written_by_label_on_its_own_line_takes_the_next_line() -> None:
    top = (
        '<div class="author-box"><div>Updated January 8, 2026</div>'
        "<div>Written by:</div><div>Meghan Neville</div></div>"
    )
    assert clean_html(page(top=top)).byline == "Meghan Neville"


def test_a_date_before_the_name_in_the_byline_is_skipped() -> None:
    top = (
        '<div class="publish-date-author">'
        "Dec. 19, 2025 &middot; Niko Matsakis on behalf of the team</div>"
    )
    assert clean_html(page(top=top)).byline == "Niko Matsakis"


def test_a_view_all_posts_by_link_gives_the_name() -> None:
    top = '<p class="author-links"><a href="/author/ray">View all posts by Ray Ansari</a></p>'
    assert clean_html(page(top=top)).byline == "Ray Ansari"


def test_a_category_label_in_lower_case_is_not_a_name() -> None:
    top = '<div class="byline"><span>Personal finance</span> <span>January 27, 2025</span></div>'
    assert clean_html(page(top=top)).byline is None


def test_an_authors_bio_is_not_read_for_a_name() -> None:
    bio = (
        "Ray graduated from the state university with a degree in chemistry and has "
        "tested cameras since 2009."
    )
    top = f'<div class="author-details"><p>{bio}</p><p>Email | YouTube</p></div>'
    assert clean_html(page(top=top)).byline is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (
            "<div>By <a href='/a/bab'>Ben Applebaum-Bauch</a> &sdot; Review Editor</div>",
            "Ben Applebaum-Bauch",
        ),
        ("<p>Posted by Colin Watson on 2025-12-18 in debusine.</p>", "Colin Watson"),
        (
            "<div><span>By</span> <a href='/a/jd'>Jane Doe</a><div>Senior Editor</div></div>",
            "Jane Doe",
        ),
    ],
)
def test_an_unmarked_by_line_stops_at_the_name(line: str, name: str) -> None:
    assert clean_html(page(top=line)).byline == name


def test_a_by_line_beats_the_sites_own_name_as_the_author_meta() -> None:
    head = '<meta name="author" content="Town Gazette">'
    top = "<p>by Meaghan Weeden</p>"
    html = page(head=head, top=top)
    assert clean_html(html, url="https://towngazette.org/a").byline == "Meaghan Weeden"


# --- dates -----------------------------------------------------------------------------------

RELATED = (
    "<aside><h3>Related</h3><ul>"
    "<li><a href='/a'>Earlier story</a> <time datetime='2025-01-09'>9 Jan 2025</time></li>"
    "<li><a href='/b'>Another story</a> <time datetime='2025-01-08'>8 Jan 2025</time></li>"
    "</ul></aside>"
)


def test_json_ld_date_beats_a_related_items_date() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Bridge", "datePublished": "2024-03-05T09:00"})
    assert clean_html(page(head=head, after=RELATED)).published == date(2024, 3, 5)


def test_published_time_meta_beats_a_related_items_date() -> None:
    head = '<meta property="article:published_time" content="2024-03-05T09:00:00+00:00">'
    assert clean_html(page(head=head, after=RELATED)).published == date(2024, 3, 5)


def test_time_element_of_the_article() -> None:
    top = "<h1>Bridge closed</h1><time datetime='2024-03-05T09:00'>5 March 2024</time>"
    assert clean_html(page(top=top)).published == date(2024, 3, 5)


def test_no_date_is_not_the_crawl_date() -> None:
    assert clean_html(page()).published is None
