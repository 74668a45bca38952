"""Page content from the core, without MkDocs: golden files and the rules of composition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.source.loader import load_charter
from generator.pages import Site, build_site
from generator.pages.composite import OTHER_PART
from generator.settings import Settings
from tests.golden import assert_golden
from tests.project import REPO_ROOT, agreement, write_project

AS_OF = dt.date(2026, 6, 1)

AGREEMENTS = {
    "water.md": agreement(
        "Water Accord", themes="[nature-diversity]", review_by="2026-05-01", renew_every="18m",
        level="regional",
        summary="The valley shares its water.",
        body="Intro with [[seeds|the seed deal]].\n\n## Shares\n\nBy *season*.\n\n## Disputes {#disputes}\n\nTalk first.\n",
    ),
    "seeds.md": agreement("Seed Exchange", themes="[agriculture-industry, nature-diversity]", amends="[water]",
                          review_by="2026-09-01", body="## Seeds\n\nAs in [[water#disputes]].\n"),
    "old.md": agreement("Old Deal", status="superseded"),
    "new.md": agreement("New Deal", supersedes="[old]", mediators="[seed-network]"),
    "loose.md": agreement("Loose Practice", form="practised"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = write_project(tmp_path_factory.mktemp("pages"), AGREEMENTS)
    settings = Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter")
    result = load_charter(settings, AS_OF)
    assert not result.errors, result.errors
    return build_site(result.charter, settings, AS_OF)


def page(site: Site, url: str) -> str:
    return next(p.html for p in site.pages if p.url == url)


@pytest.mark.parametrize("url, golden", [
    ("agreements/water/", "agreement-water.html"),
    ("agreements/old/", "agreement-superseded.html"),
    ("charter/", "composite.html"),
    ("parties/seed-network/", "party.html"),
    ("status/", "status.html"),
])
def test_page_matches_golden(site: Site, url: str, golden: str) -> None:
    assert_golden(f"pages/{golden}", page(site, url))


def test_home_figures_match_golden(site: Site) -> None:
    assert_golden("pages/home-figures.html", site.home_html)


def test_an_agreement_appears_once_in_the_composite_under_its_first_theme(site: Site) -> None:
    composite = page(site, "charter/")
    assert composite.count('id="seeds"') == 1
    nature, agriculture = composite.index(">Nature and diversity</h2>"), composite.index(">Agriculture and industry</h2>")
    assert nature < composite.index('id="water"') < agriculture
    assert agriculture < composite.index('id="seeds"')
    assert OTHER_PART in composite and composite.index(OTHER_PART) < composite.index('id="new"')


def test_clause_anchors_in_the_composite_are_prefixed_to_stay_unique(site: Site) -> None:
    composite = page(site, "charter/")
    assert '<h4 id="water--disputes">Disputes</h4>' in composite


def test_review_flags_follow_the_as_of_date(site: Site) -> None:
    assert "charter-flag--overdue" in page(site, "agreements/water/")
    assert "charter-flag--due-soon" in page(site, "agreements/seeds/")
    assert "charter-flag" not in page(site, "agreements/new/")


def test_table_of_contents_lists_clauses_and_relations(site: Site) -> None:
    water = next(p for p in site.pages if p.url == "agreements/water/")
    assert [(e.anchor, e.title) for e in water.toc] == [("shares", "Shares"), ("disputes", "Disputes"),
                                                        ("relations", "Relations")]


def test_page_urls_are_unique_and_directory_style(site: Site) -> None:
    urls = [p.url for p in site.pages]
    assert len(urls) == len(set(urls))
    assert all(url.endswith("/") for url in urls)


def test_core_modules_do_not_import_mkdocs() -> None:
    generator = REPO_ROOT / "generator"
    for path in generator.rglob("*.py"):
        if path.parent == generator / "engine" or path == generator / "cli.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "import mkdocs" not in text and "from mkdocs" not in text, path


def test_a_broken_template_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    from generator.model import Charter
    from generator.pages.render import SiteContext, TemplateFailure, template_environment

    (tmp_path / "home.html").write_text("<p>{{ nothing.missing }}</p>\n", encoding="utf-8")
    context = SiteContext(Charter("C", (), {}, {}), template_environment(tmp_path), AS_OF)
    with pytest.raises(TemplateFailure, match=r"/home\.html:1: the template failed while writing /: .*nothing"):
        context.render("home.html", "")


def test_a_template_copied_from_an_older_generator_is_a_clear_error_naming_its_line(tmp_path: Path) -> None:
    """Not only Jinja's own errors: a template that loops over what is now a count fails with its line."""
    from generator.model import Charter
    from generator.pages.render import SiteContext, TemplateFailure, template_environment

    (tmp_path / "home.html").write_text("<p>Parties:</p>\n{% for party in parties %}{{ party }}{% endfor %}\n",
                                        encoding="utf-8")
    context = SiteContext(Charter("C", (), {}, {}), template_environment(tmp_path), AS_OF)
    with pytest.raises(TemplateFailure, match=r"/home\.html:2: the template failed while writing /: 'int' object "
                                              r"is not iterable\n  help: .*copy them again"):
        context.render("home.html", "", parties=3)
