"""Editions: annotated `edition-*` tags on a real repository, their change summaries and their pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.compose import BuildOutput, compose, read_git
from generator.history.editions import Edition, EditionChanges, edition_changes, editions_from
from generator.history.histories import agreement_histories
from generator.history.versions import AgreementHistory
from generator.source.loader import load_charter
from generator.model import Charter
from generator.pages import Site, build_site
from generator.pages.editions import edition_entries, slug
from generator.pages.render import SiteContext, template_environment
from generator.settings import Settings
from tests.gitrepo import GitRepo
from tests.golden import assert_golden
from tests.project import REPO_ROOT, agreement, site_settings, write_project

TEMPLATES = REPO_ROOT / "site_overrides" / "charter"
AS_OF = dt.date(2021, 1, 1)
UTC = dt.UTC


def day(date: str) -> str:
    return f"{date}T12:00:00Z"


def water(text: str) -> str:
    return agreement("Water Accord", themes="[nature-diversity]", review_by="2022-01-01",
                     body=f"## Shares\n\n{text}\n\n## Disputes\n\nTalk first.\n")


def seeds(review_by: str) -> str:
    return agreement("Seed Exchange", themes="[agriculture-industry]", review_by=review_by,
                     body="## Seeds\n\nSwap them. See [[water#disputes]].\n")


def files(**texts: str) -> dict[str, str]:
    """Keyword arguments of GitRepo.commit for agreement files: `water=...` is agreements/water.md."""
    return {f"agreements__{name}.md": text for name, text in texts.items()}


def settings_for(root: Path) -> Settings:
    return Settings(root, root / "agreements", root / "charter", TEMPLATES, as_of=AS_OF)


def build(root: Path) -> BuildOutput:
    return compose(settings_for(root), fallback_as_of=AS_OF)


def histories_of(root: Path) -> tuple[Charter, dict[str, AgreementHistory], Settings]:
    settings = settings_for(root)
    charter = load_charter(settings, AS_OF).charter
    facts = read_git(settings)
    assert facts is not None
    return charter, agreement_histories(facts, {a.id: a.path for a in charter.agreements}, AS_OF), settings


def start(repo: GitRepo) -> None:
    """A project whose mkdocs.yml holds no absolute path, so commit ids (and the golden file) are stable."""
    write_project(repo.root, {}, config="site_name: Test Charter\n")


def build_editions_repo(repo: GitRepo) -> dict[str, str]:
    """Two editions with every kind of change between them, then one more amendment after the second."""
    start(repo)
    commits = {"first": repo.commit("Adopt the first agreements", day("2020-01-10"), **files(
        water=water("By season."),
        seeds=seeds("2021-06-01"),
        old=agreement("Old Deal", themes="[labour-capital]"),
        roads=agreement("Road Sharing", themes="[labour-capital]"),
        tools=agreement("Tool Library", status="proposed"),
    ))}
    repo.git("tag", "-a", "edition-2020", "-m", "First edition", date=day("2020-02-01"))
    repo.git("tag", "edition-light")  # lightweight: not an edition
    repo.git("tag", "-a", "release-1", "-m", "Not an edition", date=day("2020-02-02"))
    repo.commit("Amend water: need", day("2020-03-01"), **files(water=water("By season, then by need.")))
    repo.commit("Renew seeds", day("2020-04-01"), **files(seeds=seeds("2026-06-01")))
    repo.commit("Old deal lapsed", day("2020-05-01"),
                **files(old=agreement("Old Deal", status="lapsed", themes="[labour-capital]")))
    repo.commit("Forest supersedes roads", day("2020-06-01"), **files(
        forest=agreement("Forest Pact", themes="[nature-diversity]", supersedes="[roads]"),
        roads=agreement("Road Sharing", status="superseded", themes="[labour-capital]"),
    ))
    repo.commit("Withdraw tools", day("2020-06-15"),
                **files(tools=agreement("Tool Library", status="withdrawn")))
    commits["second"] = repo.commit("Amend water: drought", day("2020-07-01"),
                                    **files(water=water("By season, then by need; in drought, by turns.")))
    repo.git("tag", "-a", "edition-2021", "-m", "Second edition\n\nAfter the summer assembly.",
             date=day("2020-08-01"))
    repo.commit("Amend water: today", day("2020-09-01"), **files(water=water("Today's text.")))
    return commits


@pytest.fixture
def built(git_repo: GitRepo) -> BuildOutput:
    build_editions_repo(git_repo)
    output = build(git_repo.root)
    assert output.site is not None, output.load.problems
    return output


def editions_of(root: Path, pattern: str = "edition-*") -> tuple[Edition, ...]:
    charter, histories, settings = histories_of(root)
    facts = read_git(settings)
    assert facts is not None
    return editions_from(facts, charter, histories, pattern)


def page(site: Site | None, url: str) -> str:
    assert site is not None
    return next(p.html for p in site.pages if p.url == url)


def summary(changes: EditionChanges) -> dict[str, list[tuple[str, int | None, int, tuple[int, ...]]]]:
    return {kind: [(c.agreement.id, c.before, c.after, c.amendments) for c in items]
            for kind, items in changes.sections}


def test_the_main_line_is_read_oldest_first(git_repo: GitRepo) -> None:
    build_editions_repo(git_repo)
    history = read_git(settings_for(git_repo.root))
    assert history is not None
    assert history.mainline == tuple(git_repo.git("rev-list", "--reverse", "HEAD").split())
    assert len(history.mainline) == 8


def test_annotated_matching_tags_are_the_editions_oldest_first(git_repo: GitRepo) -> None:
    commits = build_editions_repo(git_repo)
    editions = editions_of(git_repo.root)
    assert [(e.number, e.name, e.commit, e.date, e.subject, dict(e.versions)) for e in editions] == [
        (1, "edition-2020", commits["first"], dt.datetime(2020, 2, 1, 12, tzinfo=UTC), "First edition",
         {"old": 1, "roads": 1, "seeds": 1, "tools": 1, "water": 1}),
        (2, "edition-2021", commits["second"], dt.datetime(2020, 8, 1, 12, tzinfo=UTC), "Second edition",
         {"forest": 1, "old": 2, "roads": 2, "seeds": 2, "tools": 2, "water": 3}),
    ]
    assert editions[1].message == "Second edition\n\nAfter the summer assembly.\n"
    assert [(a.id, a.status) for a in editions[0].charter.agreements] == [
        ("old", "in-force"), ("roads", "in-force"), ("seeds", "in-force"), ("tools", "proposed"),
        ("water", "in-force")]
    assert "By season, then by need; in drought, by turns." in editions[1].charter.by_id["water"].body


def test_the_pattern_chooses_the_tags(git_repo: GitRepo) -> None:
    build_editions_repo(git_repo)
    assert [e.name for e in editions_of(git_repo.root, "release-*")] == ["release-1"]
    assert editions_of(git_repo.root, "nothing-*") == ()


def test_the_change_summary_between_two_editions(git_repo: GitRepo) -> None:
    build_editions_repo(git_repo)
    first, second = editions_of(git_repo.root)
    histories = histories_of(git_repo.root)[1]
    assert summary(edition_changes(first, second, histories)) == {
        "added": [("forest", None, 1, ())],
        "adopted": [("forest", None, 1, ())],
        "amended": [("water", 1, 3, (2, 3))],
        "renewed": [("seeds", 1, 2, ())],
        "lapsed": [("old", 1, 2, ())],
        "superseded": [("roads", 1, 2, ())],
        "withdrawn": [("tools", 1, 2, ())],
    }
    assert summary(edition_changes(None, first, histories)) == {
        "added": [(name, None, 1, ()) for name in ("old", "roads", "seeds", "tools", "water")],
        "adopted": [(name, None, 1, ()) for name in ("old", "roads", "seeds", "water")],
    }
    assert edition_changes(second, second, histories).total == 0


def test_the_edition_page_holds_the_text_as_it_stood(built: BuildOutput) -> None:
    output = built
    second = page(output.site, "editions/edition-2021/")
    assert "By season, then by need; in drought, by turns." in second
    assert "Today's text." not in second and "Today's text." in page(output.site, "charter/")
    assert 'id="forest"' in second and 'id="roads"' not in second  # superseded by then
    first = page(output.site, "editions/edition-2020/")
    assert "<p>By season.</p>" in first and 'id="roads"' in first and 'id="forest"' not in first
    assert '<a href="../../agreements/water/history/#change-2">version 2</a>' in second
    assert 'href="../../agreements/water/#disputes"' in second  # links resolve to today's pages


def test_edition_page_matches_golden(built: BuildOutput) -> None:
    assert_golden("pages/edition.html", page(built.site, "editions/edition-2021/"))


def test_the_index_lists_editions_newest_first(built: BuildOutput) -> None:
    index = page(built.site, "editions/")
    assert index.index("edition-2021") < index.index("edition-2020")
    assert "edition-light" not in index and "release-1" not in index
    assert "<td>1 added, 1 adopted, 1 amended, 1 renewed, 1 lapsed, 1 superseded, 1 withdrawn</td>" in index
    assert "<td>5 added, 4 adopted</td>" in index
    assert '<td><time datetime="2020-08-01">2020-08-01</time></td>' in index
    assert built.warnings == ()


def test_without_editions_the_index_says_so(git_repo: GitRepo) -> None:
    start(git_repo)
    git_repo.commit("Adopt water", day("2020-01-10"), **files(water=water("By season.")))
    site = build(git_repo.root).site
    assert site is not None
    assert "No editions yet." in page(site, "editions/")
    assert [p.url for p in site.pages if p.url.startswith("editions/")] == ["editions/"]


def test_a_tag_off_the_main_line_is_skipped_with_a_warning(git_repo: GitRepo) -> None:
    start(git_repo)
    git_repo.commit("Adopt water", day("2020-01-10"), **files(water=water("By season.")))
    git_repo.git("checkout", "-q", "-b", "side")
    side = git_repo.commit("Amend on a branch", day("2020-02-01"), **files(water=water("Side text.")))
    git_repo.git("tag", "-a", "edition-side", "-m", "On a branch", date=day("2020-02-02"))
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge", "side", date=day("2020-03-01"))
    output = build(git_repo.root)
    assert output.warnings == (f"tag edition-side is not an edition: its commit {side[:12]} is not on the "
                               "main line of HEAD (the first-parent chain); tag the merge commit instead",)
    assert editions_of(git_repo.root) == ()


def test_uncommitted_versions_never_count(git_repo: GitRepo) -> None:
    start(git_repo)
    git_repo.commit("Adopt water", day("2020-01-10"), **files(water=water("By season.")))
    git_repo.git("tag", "-a", "edition-2020", "-m", "At HEAD", date=day("2020-02-01"))
    git_repo.write("agreements/water.md", water("Not yet committed."))
    git_repo.write("agreements/seeds.md", seeds("2021-06-01"))
    (edition,) = editions_of(git_repo.root)
    assert [a.id for a in edition.charter.agreements] == ["water"]
    assert "<p>By season.</p>" in page(build(git_repo.root).site, "editions/edition-2020/")


def test_tag_names_become_safe_unique_slugs() -> None:
    assert slug("Édition 2020/Spring!") == "edition-2020-spring"
    assert slug("../..") == "edition"
    charter = Charter("Test Charter", (), {}, {})
    context = SiteContext(charter, template_environment(TEMPLATES), AS_OF)
    names = ("A-1", "a_1", "a.1")
    editions = [Edition(name, "c" * 40, None, "", charter, number) for number, name in enumerate(names, 1)]
    assert [entry.url for entry in edition_entries(context, editions)] == [
        "editions/a-1/", "editions/a-1-2/", "editions/a-1-3/"]
    site = build_site(charter, site_settings(), AS_OF, editions=editions)
    assert "editions/a-1-3/" in {p.url for p in site.pages}


def test_the_plugin_option_sets_the_pattern(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from generator.engine.plugin import settings_for as plugin_settings

    root = write_project(tmp_path, {}, config=(
        "site_name: T\ndocs_dir: charter\nplugins:\n  - charter:\n      edition_pattern: 'release-*'\n"))
    config = load_config(str(root / "mkdocs.yml"))
    assert plugin_settings(config, config.plugins["charter"].config).edition_pattern == "release-*"
    assert Settings(root, root, root, root).edition_pattern == "edition-*"


def test_a_text_only_reflowed_between_two_editions_is_not_amended_in_the_second(git_repo: GitRepo) -> None:
    start(git_repo)
    git_repo.commit("Adopt water", day("2020-01-10"),
                    **files(water=water("By season, then by need, and in drought by turns.")))
    git_repo.git("tag", "-a", "edition-2020", "-m", "First edition", date=day("2020-02-01"))
    git_repo.commit("Re-wrap water", day("2020-03-01"),
                    **files(water=water("By season,\nthen by need,\nand in drought by turns.")))
    git_repo.git("tag", "-a", "edition-2021", "-m", "Second edition", date=day("2020-04-01"))
    git_repo.commit("Amend water", day("2020-05-01"), **files(water=water("By turns.")))
    git_repo.git("tag", "-a", "edition-2022", "-m", "Third edition", date=day("2020-06-01"))
    output = build(git_repo.root)
    second, third = page(output.site, "editions/edition-2021/"), page(output.site, "editions/edition-2022/")
    assert "No agreement changed since the previous edition." in second
    assert 'id="edition_changes_amended"' not in second and 'id="edition_changes_amended"' in third
    index = page(output.site, "editions/")
    assert "no changes" in index and "1 amended" in index
