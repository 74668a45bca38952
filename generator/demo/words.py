"""The demo's made-up world: the words its agreements, parties and authors are made of, and how long
agreements run. Data only; the seeded random generator picks from it."""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str, separator: str = "|") -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(separator))


THEMES = {key: title for key, title in (_words(entry, ":") for entry in _words(
    "gender: Gender | north-south: North and South | agriculture-industry: Agriculture and Industry | "
    "state-society: State and Society | labour-capital: Labour and Capital | colonialism: Colonialism | "
    "nature-diversity: Nature and Diversity"))}
TOPICS = tuple((title, tuple(themes.split())) for title, themes in (_words(entry, ":") for entry in _words(
    "Water Commons: nature-diversity state-society | Seed Sharing: agriculture-industry north-south | "
    "Care Work: gender labour-capital | River Rights: nature-diversity colonialism | Land Return: "
    "colonialism state-society | Fair Wages: labour-capital | Debt Relief: north-south state-society | "
    "Forest Stewardship: nature-diversity agriculture-industry | Housing Cooperatives: state-society "
    "labour-capital | Food Sovereignty: agriculture-industry colonialism | Safe Streets: gender")))
FORMS_OF_WORDS = _words("Accord|Compact|Pact|Covenant|Agreement")
PLACES = _words("of the Upper Valley|of the Delta|of the Two Rivers|of the Highlands|across the Border")
ADJECTIVES = _words("Riverside|Highland|Coastal|Southern|Northern|Delta|Valley|Border|Island|Urban|Forest")
PEOPLE = _words("Fisherfolk|Seed Keepers|Weavers|Tenants|Farmworkers|Midwives|Dock Workers|Elders")
KIND_WORDS = {"community": ("Community", "Commune"), "collective": ("Collective", "Cooperative"),
              "movement": ("Movement", "Front"), "organisation": ("Union", "Association"),
              "network": ("Network", "Alliance")}
REGIONS = _words("Andes|Sahel|Mekong|Great Lakes|Balkans|Pacific|Arctic|Rhine|Deccan|Pampas|Maghreb")
CLAUSES = _words("Shares|Decisions|Stewardship|Care|Mediation|Exit|Reparations|Wages|Time|Voice|Remedies|"
                 "Memory|Access|Boundaries|Seasons|Knowledge|Accounts|Hospitality|Disputes")
SUBJECTS = _words("The parties|All assemblies|The signatories|Together, the communities")
VERBS = _words("share|hold in common|care for|decide together on|keep open|protect|restore|pay fairly for")
OBJECTS = _words("the water of the valley|the seed stocks|the common kitchen|working hours|the forest edge|"
                 "the grain store|the river crossings|childcare|the fishing grounds|the land titles")
MANNERS = _words("in equal parts|by consent of every assembly|before any sale|across the border|each season|"
                 "with priority for the displaced|in the language of each party|as the elders taught|"
                 "without asking leave of the state|until the next review")
AUTHORS = tuple(_words(pair, ",") for pair in _words(
    "Amina Diallo,amina|Tomás Quispe,tomas|Mei Lin Chen,meilin|Ingrid Sørensen,ingrid|Kwame Mensah,kwame|"
    "Lucía Herrera,lucia|Priya Raman,priya|Jonas Weber,jonas"))
EDITORS, MAINTAINER = "Charter Editors <editors@example.org>", "Amina Diallo <amina@example.org>"


@dataclass(frozen=True)
class Length:
    """How long agreements run: the clauses a new one starts with, the bounds amendments keep, the titles."""

    start: tuple[int, int]
    bounds: tuple[int, int]
    sentences: tuple[int, int]
    """Sentences per clause, three to a paragraph."""
    titles: tuple[str, ...]


SHORT = Length((3, 5), (3, 7), (2, 2), CLAUSES)
LONG = Length((90, 150), (60, 180), (2, 6), tuple(f"{title} of {thing.removeprefix('the ')}"
                                                  for title in CLAUSES for thing in OBJECTS))
"""Tens of kilobytes and a hundred clauses or more, as real laws and policies run."""
