"""The demo's story: the charter's life played forward from one seeded `random.Random`, one event per
commit, each keeping the charter valid, written as a `git fast-import` stream."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import replace
from itertools import accumulate

from generator.demo.consents import DemoKey
from generator.demo.render import Doc, Event, Op, render_agreement, render_index, render_setup
from generator.demo.words import (ADJECTIVES, AUTHORS, EDITORS, FORMS_OF_WORDS, KIND_WORDS, MAINTAINER,
                                  MANNERS, OBJECTS, PEOPLE, PLACES, REGIONS, SHORT, SUBJECTS, TOPICS, VERBS,
                                  Length)
from generator.model import Party
from generator.vocabulary import (DRAFT, IN_FORCE, LAPSED, LEVELS, LIVE_STATUSES, PROPOSED, SUPERSEDED,
                                  WITHDRAWN)

PARTY_COUNT = 20
WEIGHTS = {"rewrite": 6.0, "add": 1.0, "strike": 1.5, "open": 4.0, "adopt": 4.0, "renew": 5.0,
           "lapse": 1.0, "withdraw": 0.3}
EVENT_STATUSES = {"open": {DRAFT}, "adopt": {PROPOSED}, "withdraw": {DRAFT, PROPOSED},
                  "renew": {IN_FORCE}, "lapse": {IN_FORCE}}  # any other event: a live agreement
STATUS_CHANGES = {"open": (PROPOSED, "Open {doc.id} for consent"),
                  "lapse": (LAPSED, "Record that {doc.id} has lapsed\n\nIt was due for review."),
                  "withdraw": (WITHDRAWN, "Withdraw {doc.id}\n\nThe parties could not reach consent.")}
LIVE, MAIN = frozenset(LIVE_STATUSES), "refs/heads/main"


def allowed(kind: str, doc: Doc, today: dt.date, length: Length = SHORT) -> bool:
    """Whether an event fits an agreement's state: only live ones change, only due ones are renewed."""
    if doc.status not in EVENT_STATUSES.get(kind, LIVE):
        return False
    overdue = (today - doc.review_by).days if doc.review_by else 0
    return {"add": len(doc.clauses) < length.bounds[1], "strike": len(doc.clauses) > length.bounds[0],
            "renew": overdue >= -180, "lapse": overdue > 365}.get(kind, True)


def add_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28) if day.month == 2 else day.day)


def day_of(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()


def make_parties(rng: random.Random) -> tuple[Party, ...]:
    parties: dict[str, Party] = {}
    while len(parties) < PARTY_COUNT:
        kind = rng.choice(tuple(KIND_WORDS))
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(PEOPLE)} {rng.choice(KIND_WORDS[kind])}"
        party_id = name.lower().replace(" ", "-")
        parties.setdefault(party_id, Party(party_id, name, kind, rng.choice(REGIONS)))
    return tuple(parties.values())


def commit_times(rng: random.Random, count: int, start_year: int, end_year: int) -> list[int]:
    """Working-hour timestamps, strictly increasing so that `git log` order is the story's order."""
    start = int(dt.datetime(start_year, 1, 1, tzinfo=dt.UTC).timestamp())
    days = (dt.date(end_year, 6, 30) - dt.date(start_year, 1, 1)).days
    times = sorted(start + rng.randrange(days) * 86400 + rng.randrange(25200, 79200) for _ in range(count))
    return list(accumulate(times, lambda previous, time: max(time, previous + 1)))


def _data(text: str) -> bytes:
    return b"data %d\n%s\n" % (len(raw := text.encode()), raw)


class History:
    """Plays the charter's life forward, one event per commit, writing the fast-import stream."""

    def __init__(self, rng: random.Random, agreements: int, times: list[int], seed: int,
                 theme_files: Mapping[str, str], length: Length = SHORT) -> None:
        self.theme_files, self.length = theme_files, length
        self.rng, self.count, self.times, self.seed = rng, agreements, times, seed
        self.at = self.mark = self.main = self.pr = self.merges = self.renames = self.superseded = 0
        self.docs, self.stream, self.tags = dict[str, Doc](), list[bytes](), list[str]()
        self.versions: dict[str, int] = {}
        self.parties, self.reorganised = make_parties(rng), False
        self.keys = {party.id: DemoKey(seed, party.id) for party in self.parties}
        self.decade, self.last_day = day_of(times[0]).year // 10, day_of(times[-1])

    @property
    def today(self) -> dt.date:
        return day_of(self.times[self.at])

    def run(self) -> None:
        total = len(self.times)
        proposals = set(self.rng.sample(range(1, int(total * 0.95)), self.count))
        keys = {party: key.public_line for party, key in self.keys.items()}
        setup = render_setup(self.parties, self.seed, self.today, self.theme_files, keys)
        self._emit(("Start the charter\n\nRegistries of parties and themes, a preamble.", setup), False)
        while self.at < total:
            if self.today.year // 10 > self.decade:
                self.decade = self.today.year // 10
                if self.decade * 10 != self.last_day.year:  # that year's edition is tagged at the end
                    self._tag(f"edition-{self.decade * 10}")
            if self.at in proposals:
                event = self._propose()
            elif not self.reorganised and self.docs and self.at >= total // 2:
                event = self._reorganise()
            else:
                event = self._event(total - self.at, final=total - self.at <= total // 6)
            self._emit(event, pull=self.at + 1 < total and self.at + 1 not in proposals and (
                self.rng.random() < 0.08 or (not self.merges and self.at >= total // 3)))

    def _emit(self, event: Event, pull: bool) -> None:
        """Commit on main; or, as a pull request, on a branch that a merge commit then brings in."""
        (name, handle), (message, ops) = self.rng.choice(AUTHORS), event
        who, parents = f"{name} <{handle}@example.org>", ""
        self.renames += sum(1 for op in ops if op[0] == "R")
        if pull:
            self.pr, self.merges = self.pr + self.rng.randint(1, 3), self.merges + 1
            branch, subject = f"refs/heads/pull-{self.pr}", message.split("\n", 1)[0]
            parents = f"merge :{self._commit(branch, who, message, ops, f'from :{self.main}')}"
            self.stream.append(f"reset {branch}\nfrom {'0' * 40}\n\n".encode())  # deletes the merged branch
            slug = "-".join("".join(c if c.isalnum() else " " for c in subject.lower()).split()[:5])
            who, message = MAINTAINER, f"Merge pull request #{self.pr} from {handle}/{slug}\n\n{subject}"
        self._commit(MAIN, who, message, ops, parents)

    def _commit(self, ref: str, who: str, message: str, ops: list[Op], parents: str = "") -> int:
        self.mark, when = self.mark + 1, self.times[self.at]
        self.at += 1
        header = f"commit {ref}\nmark :{self.mark}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000\n"
        chunks = [header.encode(), _data(message), f"{parents}\n".encode() if parents else b""]
        for kind, first, second in ops:
            chunks.append(f"M 100644 inline {first}\n".encode() + _data(second) if kind == "M"
                          else f"R {first} {second}\n".encode())
        self.stream.append(b"".join(chunks) + b"\n")
        self.main = self.mark if ref == MAIN else self.main
        return self.mark

    def _tag(self, name: str, commit: str = "", when: int = 0) -> None:
        """Tag the main line as it stands (or `commit`, made outside the stream, at `when`)."""
        in_force = sum(1 for doc in self.docs.values() if doc.status == IN_FORCE)
        message = f"The charter as of {name}\n\n{in_force} of {len(self.docs)} agreements in force.\n"
        header = (f"tag {name}\nfrom {commit or f':{self.main}'}\n"
                  f"tagger {EDITORS} {when or self.times[self.at - 1]} +0000\n")
        self.stream.append(header.encode() + _data(message))
        self.tags.append(name)

    def consents(self, count: int) -> list[tuple[DemoKey, str, str]]:
        """(key, author, message) of `count` consents to the current text of agreements in force: every
        party of one agreement (by id) before the next, so some have the verified consent of all."""
        names = {party.id: party.name for party in self.parties}
        found = [(self.keys[party], f"{names[party]} <{party}@demo.example.org>",
                  f"Consent of {names[party]} to {doc.id}\n\nThe assembly read version {number} and consents "
                  f"to it.\n\nConsent-to: {doc.id} v{number}\nConsented-by: {party}")
                 for doc in sorted(self.docs.values(), key=lambda doc: doc.id) if doc.status == IN_FORCE
                 for number in (self.versions[doc.id],) for party in doc.parties]
        return found[:count]

    def final_edition(self, commit: str, when: int) -> bytes:
        """A fast-import stream of the last edition's tag, of `commit` (the signed consents' head)."""
        self.stream = []
        self._tag(f"edition-{self.last_day.year}", commit, when)
        return b"".join([*self.stream, b"done\n"])

    def _sentence(self) -> str:
        rng = self.rng
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(MANNERS)}."

    def _sentences(self) -> tuple[str, ...]:
        low, high = self.length.sentences
        return tuple(self._sentence() for _ in range(low if low == high else self.rng.randint(low, high)))

    def _save(self, doc: Doc) -> Op:
        self.docs[doc.id] = doc
        self.versions[doc.id] = self.versions.get(doc.id, 0) + 1  # each save: one commit's change to the file
        return ("M", doc.path, render_agreement(doc))

    def _adopt(self, doc: Doc, period: int, message: str) -> Event:
        doc = replace(doc, status=IN_FORCE, adopted=self.today, review_by=add_years(self.today, period),
                      renew_every=f"{period}y")
        trailers = "\n".join(f"Consented-by: {party}" for party in doc.parties)
        return f"{message}\n\n{trailers}", [self._save(doc)]

    def _propose(self) -> Event:
        """A new agreement: usually a draft or proposal, sometimes adopted at once to supersede an old one."""
        rng, older, number = self.rng, list(self.docs), len(self.docs) + 1
        in_force = [doc for doc in self.docs.values() if doc.status == IN_FORCE]
        forced = not self.superseded and number >= self.count * 2 // 3
        old = rng.choice(in_force) if in_force and (forced or rng.random() < 0.15) else None
        topic, themes = rng.choice(TOPICS)
        slug = topic.lower().replace(" ", "-")
        parties = old.parties if old else tuple(rng.sample([p.id for p in self.parties], rng.randint(2, 4)))
        others = [party.id for party in self.parties if party.id not in parties]  # a mediator is no party
        mediators = old.mediators if old else tuple(rng.sample(others, int(rng.random() < 0.2)))
        preamble = f"Agreed between {', '.join(p.name for p in self.parties if p.id in parties)}."
        if older and rng.random() < 0.5:
            target = rng.choice(older)  # "Purpose" is never struck, so a link to it stays valid
            preamble += rng.choice((f" It builds on [[{target}]].", f" See [[{target}#purpose]]."))
        titles = ("Purpose", *rng.sample(self.length.titles, rng.randint(*self.length.start) - 1))
        clauses = tuple((title, self._sentences()) for title in titles)
        doc = Doc(f"{slug}-{number}", f"{topic} {rng.choice(FORMS_OF_WORDS)} {rng.choice(PLACES)}",
                   f"agreements/{slug}-{number}.md", rng.choice((DRAFT, PROPOSED, PROPOSED)), parties,
                   themes, rng.choice(LEVELS), preamble, clauses, f"{rng.choice((3, 5, 5, 10))}y", mediators,
                   amends=(rng.choice(older),) if older and rng.random() < 0.1 else (),
                   relates_to=(rng.choice(older),) if older and rng.random() < 0.25 else ())
        if old is None:
            verb = "Draft" if doc.status == DRAFT else "Propose"
            return f"{verb} {doc.id}: {doc.title}", [self._save(doc)]
        self.superseded += 1
        title = f"{old.title.split(' (')[0]} ({self.today.year} revision)"
        doc = replace(doc, title=title, themes=old.themes, supersedes=(old.id,), amends=(), relates_to=())
        message, ops = self._adopt(doc, 5, f"Adopt {doc.id}, superseding {old.id}")
        return message, ops + [self._save(replace(old, status=SUPERSEDED))]  # one commit: never half-done

    def _reorganise(self) -> Event:
        self.reorganised = True
        ops = [("R", doc.path, f"agreements/{doc.themes[0]}/{doc.id}.md") for doc in self.docs.values()]
        for doc, (_, _, path) in zip(list(self.docs.values()), ops, strict=True):
            self._save(replace(doc, path=path))
        return "Sort agreements into folders by theme\n\nIds stay the same, so links and history follow.", ops

    def _event(self, remaining: int, final: bool) -> Event:
        """A weighted event that the state allows; at the end, all but a few overdue reviews are renewed."""
        rng, today, keep = self.rng, self.today, max(1, self.count // 12)
        due = [doc for doc in self.docs.values()
               if doc.status == IN_FORCE and doc.review_by is not None and doc.review_by <= self.last_day]
        if due and remaining <= len(due) - keep:
            return self._renew(rng.choice(due))
        spared = due if final and len(due) <= keep else []  # left overdue on purpose
        kind = rng.choices(tuple(WEIGHTS), tuple(WEIGHTS.values()))[0]
        candidates = [doc for doc in self.docs.values() if allowed(kind, doc, today, self.length)
                      and doc not in spared]
        if not candidates:
            kind, candidates = "rewrite", [doc for doc in self.docs.values() if doc.status in LIVE]
        if not candidates or rng.random() < 0.01:
            return "Update the charter's preamble", [render_index(self.seed, self.at, today)]
        doc = rng.choice(candidates)
        if kind in ("rewrite", "add", "strike"):
            return self._amend(kind, doc)
        if kind == "renew":
            return self._renew(doc)
        if kind == "adopt":
            return self._adopt(doc, int(doc.renew_every[:-1]), f"Adopt {doc.id}")
        status, message = STATUS_CHANGES[kind]
        return message.format(doc=doc), [self._save(replace(doc, status=status))]

    def _renew(self, doc: Doc) -> Event:
        assert doc.review_by is not None
        period = int(doc.renew_every[:-1]) if self.rng.random() < 0.8 else self.rng.choice((3, 5, 10))
        review_by = add_years(max(self.today, doc.review_by), period)
        op = self._save(replace(doc, review_by=review_by, renew_every=f"{period}y"))
        message = f"Renew {doc.id} until {review_by.isoformat()}\n\nReviewed at the assembly of {self.today}."
        return message, [op]

    def _amend(self, kind: str, doc: Doc) -> Event:
        rng, clauses = self.rng, list(doc.clauses)
        if kind == "add":
            title = rng.choice([name for name in self.length.titles if name not in {t for t, _ in clauses}])
            clauses.insert(rng.randint(1, len(clauses)), (title, self._sentences()))
        elif kind == "strike":
            title, _ = clauses.pop(rng.randint(1, len(clauses) - 1))  # never "Purpose": links point at it
        else:
            index = rng.randrange(len(clauses))
            title, sentences = clauses[index]
            changed, which = list(sentences), rng.randrange(len(sentences))
            while changed[which] == sentences[which]:
                changed[which] = self._sentence()
            clauses[index] = (title, tuple(changed))
        trailer = f"\n\nConsented-by: {rng.choice(doc.parties)}" if rng.random() < 0.15 else ""
        op = self._save(replace(doc, clauses=tuple(clauses)))
        return f"Amend {doc.id}: {kind} clause '{title}'{trailer}", [op]
