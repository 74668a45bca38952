"""Safe YAML: no tag constructs anything, aliases cannot blow up, and every value keeps its line.

Lines here are 0-based within the YAML text; tests/test_documents.py checks the shift to file lines.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from generator.source.yamlsafe import MAX_NODES, Located, YamlProblem, load_mapping


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        load_mapping(text)
    return caught.value


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_plain_values_keep_their_type_and_line() -> None:
    fields = load_mapping(
        "title: Water\n"
        "adopted: 2020-03-01\n"
        "count: 3\n"
        "share: 0.5\n"
        "open: true\n"
        "empty:\n"
        "quoted: '2020-03-01'\n"
    )
    assert fields == {
        "title": Located("Water", 0, column=8),
        "adopted": Located(dt.date(2020, 3, 1), 1, column=10),
        "count": Located(3, 2, column=8),
        "share": Located(0.5, 3, column=8),
        "open": Located(True, 4, column=7),
        "empty": Located(None, 5, column=7),
        "quoted": Located("2020-03-01", 6, column=9),
    }


def test_an_impossible_date_stays_text_so_a_rule_can_report_it() -> None:
    assert load_mapping("adopted: 2020-02-30\n")["adopted"].value == "2020-02-30"
    assert load_mapping("adopted: 2020-3-1\n")["adopted"].value == "2020-3-1"  # YYYY-MM-DD only
    assert load_mapping("adopted: 2020-03-01 10:00:00\n")["adopted"].value == "2020-03-01 10:00:00"


def test_list_items_keep_their_lines() -> None:
    fields = load_mapping("parties:\n  - a\n\n  - b\nthemes: [x, y]\n")
    assert fields["parties"] == Located(["a", "b"], 0, (1, 3), column=0, item_columns=(5, 5))
    assert fields["themes"] == Located(["x", "y"], 4, (4, 4), column=9, item_columns=(10, 13))


def test_empty_text_is_an_empty_mapping() -> None:
    assert load_mapping("") == {}
    assert load_mapping("# only a comment\n") == {}


@pytest.mark.parametrize("text, line, message", [
    ("title: !!python/object/apply:os.system ['touch pwned']\n", 0,
     "the YAML tag !!python/object/apply:os.system is not allowed"),
    ("title: !!python/object/apply:os.system\n  - touch pwned\n", 0,
     "the YAML tag !!python/object/apply:os.system is not allowed"),
    ("title: !!python/name:os.system ''\n", 0, "the YAML tag !!python/name:os.system is not allowed"),
    ("title: x\nmeta: !!python/object:os.stat_result {a: 1}\n", 1,
     "the YAML tag !!python/object:os.stat_result is not allowed"),
    ("!!python/object:os.stat_result\ntitle: x\n", 0, "the YAML tag !!python/object:os.stat_result is not allowed"),
    ("title: !custom x\n", 0, "the YAML tag !custom is not allowed"),
    ("themes: !!set {a: null}\n", 0, "the YAML tag !!set is not allowed"),
    ("data: !!binary aGk=\nx: !!omap [a: 1]\n", 1, "the YAML tag !!omap is not allowed"),
    ("base: &b {a: 1}\nother:\n  <<: *b\n", 2, "merge keys (<<) are not supported"),
], ids=["python-apply-flow", "python-apply-block", "python-name", "python-object-mapping", "root-tag",
        "local-tag", "set", "omap", "merge-key"])
def test_tags_that_could_construct_objects_are_refused(text: str, line: int, message: str) -> None:
    found = problem(text)
    assert (found.code, found.line, found.message) == ("yaml-tag", line, message)


def test_standard_tags_are_allowed() -> None:
    fields = load_mapping("a: !!str 2020-03-01\nb: !!int '7'\nc: !!seq [x]\nd: !!map {e: f}\n")
    assert {key: value.value for key, value in fields.items()} == {
        "a": "2020-03-01", "b": 7, "c": ["x"], "d": {"e": "f"}}


def test_billion_laughs_fails_fast() -> None:
    started = time.perf_counter()
    found = problem(billion_laughs())
    assert time.perf_counter() - started < 2
    assert (found.code, found.message) == ("yaml-too-large", f"the YAML expands to more than {MAX_NODES} values")
    assert found.hint == "remove anchors and aliases (&name / *name); front matter never needs them"


def test_a_few_aliases_are_still_fine() -> None:
    fields = load_mapping("a: &x [p, q]\nb: *x\n")
    assert fields["b"].value == ["p", "q"]


@pytest.mark.parametrize("text, line, key", [
    ("title: A\nstatus: draft\ntitle: B\n", 2, "title"),
    ("parties:\n  - a\nmeta:\n  x: 1\n  x: 2\n", 4, "x"),
    ("title: A\n'title': B\n", 1, "title"),
], ids=["top-level", "nested", "quoted"])
def test_duplicate_keys_are_caught_at_the_second_one(text: str, line: int, key: str) -> None:
    found = problem(text)
    assert (found.code, found.line, found.message) == ("yaml-duplicate-key", line, f"key '{key}' is given twice")


@pytest.mark.parametrize("text, line", [("[a, b]: x\n", 0), ("title: x\n? {a: 1}\n: y\n", 1)])
def test_keys_must_be_plain_text(text: str, line: int) -> None:
    found = problem(text)
    assert (found.code, found.line, found.message) == ("yaml-key", line, "a key must be plain text")


@pytest.mark.parametrize("text, line, hint", [
    ("title: Water: a commons\n", 0, "quote a value that contains ': ' (for example title: \"Water: a commons\")"),
    ("title: x\n\tstatus: draft\n", 1, "check indentation and quoting; a value with ':' or '#' needs quotes"),
    ("title: 'open\nstatus: draft\n", 2, "check indentation and quoting; a value with ':' or '#' needs quotes"),
    ("parties: [a, b\nstatus: draft\n", 1, "check indentation and quoting; a value with ':' or '#' needs quotes"),
], ids=["colon", "tab", "open-quote", "open-list"])
def test_syntax_errors_have_a_line_and_a_hint(text: str, line: int, hint: str) -> None:
    found = problem(text)
    assert (found.code, found.line, found.hint) == ("yaml-syntax", line, hint)
    assert found.message.startswith("invalid YAML: ")


@pytest.mark.parametrize("text, line", [("- a\n- b\n", 0), ("\n\njust text\n", 2)])
def test_the_top_level_must_be_a_mapping(text: str, line: int) -> None:
    found = problem(text)
    assert (found.code, found.line, found.message) == ("yaml-not-mapping", line, "expected `key: value` pairs")


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    found = problem("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert (found.code, found.message) == ("yaml-syntax", "invalid YAML: values nested more than 50 levels deep")


def test_a_reused_anchor_prints_no_warning(capfd: pytest.CaptureFixture[str]) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_mapping("a: &x 1\nb: &x 2\nc: *x\n")["c"].value == 2
    assert capfd.readouterr().err == ""


# The one-line reader that spares the YAML parser: where it answers, it answers as the parser does.

READ_WITHOUT_THE_PARSER = [
    'title: "Water: a commons (1998 revision)"\nstatus: in-force\nparties: [river-folk, hill-folk]\n'
    "adopted: 2019-04-12\nreview_by: 2031-02-30\nrenew_every: 5y\nsummary: Shares, by season.\n",
    "title: Water\n\nthemes: []\nparties: [a,b, c-d,]\nlevel:  regional   \n",
    'title: ""\nsummary: "It is \'ours\' and theirs"\nextra_note: Wörter sind Text\n',
    'adopted: "2019-04-12"\nname: Nullarbor\nkey_2: A1\n',
    "",
]
LEFT_TO_THE_PARSER = [
    "parties:\n  - a\n", "title: Water # a comment\n", "title: 'single'\n", 'title: "esc\\u00e9"\n',
    "flag: true\n", "flag: No\n", "count: 12\n", "ratio: 1e3\n", "when: 2019-04-12T10:00:00\n",
    "title: a: b\n", "title: x\ntitle: y\n", "parties: [a, [b]]\n", "parties: [ a ]\n", "parties: [1, 2]\n",
    "title: &anchor x\n", "title: !!str x\n", "<<: x\n", "title:\tx\n", "title: x\n  continued\n",
    "renew_every: 5x\n", "- a\n", "title: [a, null]\n", "title: \"open\n",
]


@pytest.mark.parametrize("first_line", [0, 2])
@pytest.mark.parametrize("text", READ_WITHOUT_THE_PARSER)
def test_simple_front_matter_reads_as_the_parser_reads_it(text: str, first_line: int) -> None:
    from generator.source.yamlsafe import _fast_mapping, composed_mapping

    fast = _fast_mapping(text, first_line)
    assert fast is not None and fast == composed_mapping(text, first_line) == load_mapping(text, first_line)


def test_values_are_located_from_the_first_line_given_and_problems_are_not() -> None:
    text = "title: Water\nparties:\n  - a\n  - b\n"  # a block list: the parser's path
    assert load_mapping(text, first_line=2) == {
        "title": Located("Water", 2, (), 8, ()),
        "parties": Located(["a", "b"], 3, (4, 5), 0, (5, 5)),
    }
    with pytest.raises(YamlProblem) as caught:
        load_mapping("title: x\ntitle: y\n", first_line=2)
    assert caught.value.line == 1


@pytest.mark.parametrize("text", LEFT_TO_THE_PARSER)
def test_anything_less_simple_is_left_to_the_parser(text: str) -> None:
    from generator.source.yamlsafe import _fast_mapping

    assert _fast_mapping(text) is None
