"""Rules across the whole charter: ids, references, relations and dates that involve several files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from generator.source.attachments import find_anchor
from generator.source.documents import SourceDocument
from generator.model import Agreement, Charter, FileLink
from generator.checks.problems import Problem, Severity
from generator.checks.suggest import did_you_mean
from generator.vocabulary import ACYCLIC_RELATIONS, IN_FORCE, RELATIONS, SUPERSEDED, add_period


@dataclass(frozen=True)
class CharterContext:
    charter: Charter
    documents: Mapping[str, SourceDocument]
    as_of: dt.date | None
    structure_path: str


CharterRule = Callable[[CharterContext], Iterator[Problem]]


def _at_item(context: CharterContext, agreement: Agreement, key: str, item: str, code: str, message: str,
             hint: str, severity: Severity = Severity.ERROR) -> Problem:
    """A problem pointing at the line and column of `item` in the list field `key`."""
    located = context.documents[agreement.path].fields.get(key)
    line, column = (1, 0) if located is None else (located.line, located.column)
    values = located.value if located is not None and isinstance(located.value, list) else []
    item_lines, item_columns = (located.item_lines, located.item_columns) if located else ((), ())
    for item_line, item_column, value in zip(item_lines, item_columns, values):
        if value == item:
            line, column = item_line, item_column
            break
    return Problem(agreement.path, line, code, message, hint, severity, column)


def _at_field(context: CharterContext, agreement: Agreement, key: str, code: str, message: str, hint: str,
              severity: Severity = Severity.ERROR) -> Problem:
    """A problem pointing at the value of the field `key`."""
    document = context.documents[agreement.path]
    return Problem(agreement.path, document.line_of(key), code, message, hint, severity, document.column_of(key))


def duplicate_ids(context: CharterContext) -> Iterator[Problem]:
    counts = Counter(agreement.id for agreement in context.charter.agreements)
    for agreement in context.charter.agreements:
        if counts[agreement.id] > 1:
            others = [a.path for a in context.charter.agreements if a.id == agreement.id and a is not agreement]
            yield _at_field(context, agreement, "id", "id-duplicate",
                            f"id '{agreement.id}' is also used by {', '.join(others)}",
                            "give one of them another id (ids must be unique across the charter)")


def _unknown(context: CharterContext, key: str, known: Mapping[str, object], code: str, noun: str,
             fix: str) -> Iterator[Problem]:
    for agreement in context.charter.agreements:
        values: tuple[str, ...] = getattr(agreement, key)
        for item in values:
            if item not in known:
                hint = did_you_mean(item, known) or fix
                yield _at_item(context, agreement, key, item, code, f"{key} names unknown {noun} '{item}'", hint)


def unknown_parties(context: CharterContext) -> Iterator[Problem]:
    for key in ("parties", "mediators"):
        yield from _unknown(context, key, context.charter.parties, "party-unknown", "party",
                            "add the party to charter/parties.yml, or fix the id")


def unknown_themes(context: CharterContext) -> Iterator[Problem]:
    yield from _unknown(context, "themes", context.charter.themes, "theme-unknown", "theme",
                        "use an id from charter/themes.yml")


def unknown_relation_targets(context: CharterContext) -> Iterator[Problem]:
    for relation in RELATIONS:
        yield from _unknown(context, relation, context.charter.by_id, "relation-unknown", "agreement",
                            "use the id of an existing agreement (its `id`, or its file name)")


def self_relations(context: CharterContext) -> Iterator[Problem]:
    for agreement in context.charter.agreements:
        for relation in RELATIONS:
            if agreement.id in agreement.related(relation):
                yield _at_item(context, agreement, relation, agreement.id, "relation-self",
                               f"the agreement names itself in {relation}", f"remove '{agreement.id}' from {relation}")


def relation_cycles(context: CharterContext) -> Iterator[Problem]:
    """Report each cycle once, at its smallest id, so the output does not depend on walk order."""
    by_id = context.charter.by_id
    for relation in ACYCLIC_RELATIONS:
        graph = {
            agreement_id: [t for t in agreement.related(relation) if t in by_id and t != agreement_id]
            for agreement_id, agreement in by_id.items()
        }
        for component in strongly_connected(graph):
            if len(component) < 2:
                continue
            first = by_id[component[0]]
            following = next(t for t in graph[first.id] if t in component)
            yield _at_item(context, first, relation, following, "relation-cycle",
                           f"{relation} forms a cycle through {', '.join(component)}",
                           f"an agreement cannot, through others, {relation.removesuffix('s')} itself; "
                           "remove one link of the chain")


def strongly_connected(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that a long chain of agreements cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components)


def superseded_without_successor(context: CharterContext) -> Iterator[Problem]:
    for agreement in context.charter.with_status(SUPERSEDED):
        if not context.charter.successors(agreement.id):
            yield _at_field(context, agreement, "status", "superseded-without-successor",
                            "status is 'superseded' but no agreement supersedes it",
                            f"add `supersedes: [{agreement.id}]` to the agreement that replaces it, "
                            "or use status lapsed or withdrawn")


def successor_in_force(context: CharterContext) -> Iterator[Problem]:
    for agreement in context.charter.with_status(IN_FORCE):
        for target in agreement.supersedes:
            old = context.charter.by_id.get(target)
            if old is not None and old.status == IN_FORCE:
                yield _at_field(context, old, "status", "superseded-still-in-force",
                                f"'{agreement.id}' is in force and supersedes this agreement, which is still in-force",
                                "set `status: superseded`", Severity.WARNING)


def former_id_collisions(context: CharterContext) -> Iterator[Problem]:
    """A declared former id must name no live agreement and no other agreement's former id: each old
    address leads to one page."""
    by_id = context.charter.by_id
    claims: dict[str, list[Agreement]] = {}
    for agreement in context.charter.agreements:
        for former in agreement.former_ids:
            claims.setdefault(former, []).append(agreement)
    for former, claimants in claims.items():
        for agreement in claimants:
            live = by_id.get(former)
            if live is agreement:
                yield _at_item(context, agreement, "former_ids", former, "former-id-live",
                               f"former id '{former}' is this agreement's own id",
                               f"remove '{former}' from former_ids")
            elif live is not None:
                yield _at_item(context, agreement, "former_ids", former, "former-id-live",
                               f"former id '{former}' is the id of {live.path}, which is live",
                               f"remove '{former}' from former_ids, or give {live.path} another id")
            others = [other.path for other in claimants if other is not agreement]
            if live is None and others:
                yield _at_item(context, agreement, "former_ids", former, "former-id-duplicate",
                               f"former id '{former}' is also claimed by {', '.join(others)}",
                               "keep it in the former_ids of the one agreement its old address should "
                               "lead to")


def wiki_links(context: CharterContext) -> Iterator[Problem]:
    """Broken `[[links]]`, and links by a former id: they still lead to the agreement, with a warning."""
    by_id = context.charter.by_id
    for agreement in context.charter.agreements:
        body_lines: list[str] = []
        for link in agreement.links:
            target = context.charter.resolve(link.target)
            anchors = target.anchors if target is not None else frozenset()
            renamed = target is not None and target.id != link.target
            if target is not None and not renamed and (not link.anchor or link.anchor in anchors):
                continue
            body_lines = body_lines or agreement.body.split("\n")  # split once, only for a broken link
            anchor = f"#{link.anchor}" if link.anchor else ""
            column = _column(agreement, body_lines, link.line, f"[[{link.target}{anchor}")
            if target is not None and renamed:
                yield Problem(agreement.path, link.line, "link-renamed",
                              f"[[{link.target}{anchor}]] uses a former id of '{target.id}'",
                              f"write [[{target.id}{anchor}]]: the link leads there now", Severity.WARNING,
                              column)
                if not link.anchor or link.anchor in anchors:
                    continue
            if target is None:
                yield Problem(agreement.path, link.line, "link-unknown", f"[[{link.target}]] links to no agreement",
                              did_you_mean(link.target, by_id) or "use the id of an existing agreement",
                              column=column)
            else:
                clauses = [clause.anchor for clause in target.clauses]
                yield Problem(agreement.path, link.line, "link-anchor-unknown",
                              f"[[{link.target}#{link.anchor}]]: '{target.id}' has no heading "
                              f"'{link.anchor}'",
                              did_you_mean(link.anchor, anchors) or f"its clauses are: {', '.join(clauses) or 'none'}",
                              column=column)


def _column(agreement: Agreement, body_lines: list[str], line: int, text: str) -> int:
    """Where `text` starts on a line of the body, counted from 1; 0 when it is not found there."""
    index = line - agreement.body_line
    return body_lines[index].find(text) + 1 if 0 <= index < len(body_lines) else 0


def _missing_file_hint(context: CharterContext, link: FileLink, by_name: Mapping[str, str]) -> str:
    if not link.path:
        return "the path leads out of the repository; link to the file by its full address instead"
    if link.path in context.charter.files.unpublished:
        return ("files of this kind are not published with the site, as they could run script there; "
                "link to it by its full address, or convert it (to PDF or PNG)")
    moved = by_name.get(link.path.rsplit("/", 1)[-1])
    if moved:
        return f"did you mean '{moved}'? the path is relative to this file's folder"
    return ("link to an agreement file, a file beside the agreements or a page of the charter; "
            "the path is relative to this file's folder")


def file_links(context: CharterContext) -> Iterator[Problem]:
    """Relative links (`../folder/other.md#section`, `map.png`) lead to a file the site publishes."""
    charter = context.charter
    by_name: dict[str, str] = {}
    for path in sorted({*charter.by_path, *charter.files.urls}, reverse=True):
        by_name[path.rsplit("/", 1)[-1]] = path
    for agreement in charter.agreements:
        body_lines: list[str] = []
        for link in agreement.file_links:
            target = charter.by_path.get(link.path)
            missing = target is None and link.path not in charter.files.urls
            if not missing and (target is None or not link.fragment or find_anchor(target.anchors, link.fragment)):
                continue
            body_lines = body_lines or agreement.body.split("\n")  # split once, only for a broken link
            column = _column(agreement, body_lines, link.line, link.written)
            if target is None:
                yield Problem(agreement.path, link.line, "link-file-missing",
                              f"'{link.written}' leads to {link.path or 'a place outside the repository'}, "
                              "where the site has no page or file",
                              _missing_file_hint(context, link, by_name), Severity.WARNING, column=column)
            else:
                yield Problem(agreement.path, link.line, "link-section-missing",
                              f"'{link.written}': {target.path} has no heading '#{link.fragment}'",
                              did_you_mean(link.fragment, target.anchors)
                              or "link to a heading's anchor: its words in lower case, joined by '-'",
                              Severity.WARNING, column=column)


def heading_anchors(context: CharterContext) -> Iterator[Problem]:
    """Clauses keep their anchor, and pinned anchors are kept as written, so two may meet."""
    for agreement in context.charter.agreements:
        seen: set[str] = set()
        for heading in agreement.headings:
            if heading.anchor in seen:
                yield Problem(agreement.path, heading.line, "clause-anchor-duplicate",
                              f"two headings have the anchor '{heading.anchor}'",
                              "rename one heading, or pin an anchor: `## Heading {#other-anchor}`")
            seen.add(heading.anchor)


def mediators_are_not_parties(context: CharterContext) -> Iterator[Problem]:
    for agreement in context.charter.agreements:
        for mediator in set(agreement.mediators) & set(agreement.parties):
            yield _at_item(context, agreement, "mediators", mediator, "mediator-is-party",
                           f"'{mediator}' is both a party and a mediator",
                           "a mediator stands between the parties; list it in one place", Severity.WARNING)


def reviews_due(context: CharterContext) -> Iterator[Problem]:
    if context.as_of is None:
        return
    for agreement in context.charter.with_status(IN_FORCE):
        if agreement.review_by is not None and agreement.review_by < context.as_of:
            yield _at_field(context, agreement, "review_by", "review-overdue",
                            f"review was due on {agreement.review_by.isoformat()}",
                            "renew the agreement (move review_by later) or change its status", Severity.NOTICE)


def review_within_period(context: CharterContext) -> Iterator[Problem]:
    """A renewal runs for `renew_every`: a review_by further out than the last renewal plus that is a slip,
    or a way around the review. The last renewal (or the adoption) cannot lie after the as-of date, so
    that date (or a later adoption) plus renew_every is as far as review_by can go.

    A notice, like an overdue review: measured against the as-of date, it must not make a strict
    build of the same files pass on one day and fail on another (the files record no renewal date)."""
    if context.as_of is None:
        return
    for agreement in context.charter.with_status(IN_FORCE):
        if agreement.review_by is None or agreement.renew_every is None:
            continue
        start = max(context.as_of, agreement.adopted or context.as_of)
        furthest = add_period(start, agreement.renew_every)
        if furthest is not None and agreement.review_by > furthest:
            yield _at_field(context, agreement, "review_by", "review-beyond-period",
                            f"review_by {agreement.review_by} lies beyond one renewal period "
                            f"({agreement.renew_every}) from {start}",
                            f"a renewal runs for renew_every: review by {furthest} at the latest, "
                            "or change renew_every", Severity.NOTICE)


def structure_references(context: CharterContext) -> Iterator[Problem]:
    charter = context.charter
    for part in charter.parts:
        for theme in part.themes:
            if theme not in charter.themes:
                yield Problem(context.structure_path, part.line, "theme-unknown",
                              f"part '{part.title}' names unknown theme '{theme}'",
                              did_you_mean(theme, charter.themes) or "use an id from themes.yml")
        for agreement_id in part.agreements:
            if agreement_id not in charter.by_id:
                yield Problem(context.structure_path, part.line, "relation-unknown",
                              f"part '{part.title}' names unknown agreement '{agreement_id}'",
                              did_you_mean(agreement_id, charter.by_id) or "use an agreement id")


CHARTER_RULES: tuple[CharterRule, ...] = (
    duplicate_ids,
    unknown_parties,
    unknown_themes,
    unknown_relation_targets,
    self_relations,
    relation_cycles,
    superseded_without_successor,
    successor_in_force,
    former_id_collisions,
    wiki_links,
    file_links,
    heading_anchors,
    mediators_are_not_parties,
    reviews_due,
    review_within_period,
    structure_references,
)


def check_charter(context: CharterContext) -> list[Problem]:
    return [problem for rule in CHARTER_RULES for problem in rule(context)]
