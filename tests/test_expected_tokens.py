"""The German analyzer on German news text, case by case.

Each case of ``data/expected_tokens.txt`` (its format is described at the top of
that file) is one test, named by its line number: the tokens ``analyze`` makes
of the input must be exactly the ones written down.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

from newssearch import AnalyzerConfig, analyze

DATA = Path(__file__).parent / "data"
CASES_FILE = DATA / "expected_tokens.txt"

_SWITCHES = {"on": True, "off": False}
#: The options a case may set: AnalyzerConfig's fields, by the type of their default.
_OPTION_TYPES = {
    f.name: type(getattr(AnalyzerConfig(), f.name)) for f in dataclasses.fields(AnalyzerConfig)
}


class CaseFileError(ValueError):
    """A line of the case file does not follow its format."""


@dataclass(frozen=True)
class Case:
    line: int
    comment: str
    text: str
    config: AnalyzerConfig | None
    tokens: tuple[str, ...]


def _config(options: str, line: int) -> AnalyzerConfig:
    settings: dict[str, bool | int] = {}
    for option in options.split():
        name, sep, value = option.partition("=")
        if not sep or name not in _OPTION_TYPES:
            raise CaseFileError(f"line {line}: unknown option {option!r}")
        if _OPTION_TYPES[name] is bool and value in _SWITCHES:
            settings[name] = _SWITCHES[value]
        elif _OPTION_TYPES[name] is int and value.isdigit():
            settings[name] = int(value)
        else:
            raise CaseFileError(f"line {line}: bad value in {option!r}")
    return AnalyzerConfig(**settings)  # type: ignore[arg-type]


def parse_cases(lines: Iterable[str]) -> list[Case]:
    """The cases in ``lines``; a case must follow a ``# comment`` line directly."""
    cases: list[Case] = []
    comment: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("##"):
            comment = None
            continue
        if line.startswith("#"):
            comment = line.lstrip("#").strip() or None
            continue
        if comment is None:
            raise CaseFileError(f"line {number}: a case without a comment line before it")
        source, arrow, expected = line.rpartition("=>")
        if not arrow or not source.strip():
            raise CaseFileError(f"line {number}: expected 'input => tokens'")
        text = source.rstrip(" ")
        config = None
        if text.startswith("["):
            options, bracket, text = text[1:].partition("] ")
            if not bracket:
                raise CaseFileError(f"line {number}: unclosed option bracket")
            config = _config(options, number)
        cases.append(Case(number, comment, text, config, tuple(expected.split())))
        comment = None
    return cases


CASES = parse_cases(CASES_FILE.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("case", [pytest.param(c, id=f"line{c.line}") for c in CASES])
def test_expected_tokens(case: Case) -> None:
    got = tuple(t.text for t in analyze(case.text, config=case.config))
    assert got == case.tokens, (
        f"{CASES_FILE.name}:{case.line} ({case.comment})\n"
        f"  input:    {case.text!r}\n  expected: {' '.join(case.tokens)}\n"
        f"  got:      {' '.join(got)}"
    )


def test_the_case_file_holds_enough_cases_from_every_source() -> None:
    assert len(CASES) >= 150
    assert len({c.text for c in CASES if c.config is None}) == sum(
        c.config is None for c in CASES
    ), "a default-config input is listed twice"
    assert sum(c.comment.startswith("seed") for c in CASES) >= 40
    assert sum("10kGNAD" in c.comment for c in CASES) >= 40
    assert any(not c.tokens for c in CASES), "no case checks that some text gives no tokens"


def test_seed_cases_quote_the_seed_article() -> None:
    seed = (DATA / "seed_article.txt").read_text(encoding="utf-8")
    for case in CASES:
        if case.comment.startswith("seed"):
            assert case.text in seed, f"line {case.line}: not in the seed article"


def test_10kgnad_cases_quote_the_bundled_corpus() -> None:
    corpus = (
        resources.files("newssearch")
        .joinpath("data/10kgnad/articles.csv")
        .read_text(encoding="utf-8")
    )
    for case in CASES:
        if "10kGNAD" in case.comment:
            assert case.text in corpus, f"line {case.line}: not in the 10kGNAD sample"


@pytest.mark.parametrize(
    "lines",
    [
        ["Regierung => regier"],  # no comment before the case
        ["## section", "Regierung => regier"],  # a section header is not a comment
        ["# comment", "Regierung regier"],  # no arrow
        ["# comment", "[stemming=maybe] Regierung => regierung"],  # bad value
        ["# comment", "[stemming=1] Regierung => regierung"],  # a number for a switch
        ["# comment", "[min_part_length=off] Regierung => regier"],  # a switch for a number
        ["# comment", "[colour=on] Regierung => regierung"],  # unknown option
        ["# comment", "[stemming=off Regierung => regierung"],  # unclosed bracket
    ],
)
def test_the_case_parser_rejects_malformed_lines(lines: list[str]) -> None:
    with pytest.raises(CaseFileError):
        parse_cases(lines)


def test_the_case_parser_reads_options_and_empty_token_lists() -> None:
    cases = parse_cases(
        [
            "# a",
            "[stemming=off min_part_length=4] Kremlchef => kremlchef kreml chef",
            "# b",
            "„“ – =>",
        ]
    )
    assert cases == [
        Case(
            2,
            "a",
            "Kremlchef",
            AnalyzerConfig(stemming=False, min_part_length=4),
            ("kremlchef", "kreml", "chef"),
        ),
        Case(4, "b", "„“ –", None, ()),
    ]
