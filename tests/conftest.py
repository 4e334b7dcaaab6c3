"""Shared fixtures: small indexes built from hand-written articles and the seed article."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex, Searcher, build_index, read_articles

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def default_index_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands without ``--index`` use ``index/default`` of the working directory
    (which the CLI tests move under ``tmp_path``), never the user's own index."""
    monkeypatch.setenv("NEWSSEARCH_INDEX", "index/default")


def seed_article() -> Article:
    """The article the project started from: first line the lead, the rest the body."""
    lead, _, body = (DATA / "seed_article.txt").read_text(encoding="utf-8").partition("\n")
    return Article(
        id="seed",
        title="Putin lobt US-Bemühungen vor Alaska-Gipfel",
        lead=lead,
        body=body,
        section="International",
        source="seed",
    )


ARTICLES = (
    seed_article(),
    Article(
        id="sport-1",
        title="Rapid gewinnt das Derby",
        body="Im Wiener Derby siegte Rapid mit 2:1. Der Trainer lobte die Mannschaft.",
        section="Sport",
        author="Anna Berger",
        tags=("Fußball", "Wien"),
    ),
    Article(
        id="wirtschaft-1",
        title="Inflation sinkt auf 1,5 Prozent",
        lead="Die Teuerung geht zurück.",
        body="Die Inflation in Österreich ist im Juli auf 1,5 Prozent gesunken. "
        "Ökonomen erwarten keine weitere Senkung. Herr Müller von der Nationalbank "
        "sprach von einer Entspannung.",
        section="Wirtschaft",
        author="Max Mueller",
    ),
    Article(
        id="politik-1",
        title="Verteidigungsminister besucht Truppen",
        body="Der Verteidigungsminister besuchte am Freitag die Truppen an der Grenze. "
        "Er versprach neue Garantien für die Sicherheit der Soldaten.",
        section="Inland",
    ),
    Article(
        id="politik-2",
        title="Regierung plant Reform",
        body="Die Regierung plant eine Reform der Pensionen. Der Präsident äußerte sich "
        "nicht dazu. Die Opposition kritisiert die Pläne als <script>alert(1)</script> "
        "Wahlkampf & Theater.",
        section="Inland",
    ),
)


@pytest.fixture()
def small_index(tmp_path: Path) -> Iterator[NewsIndex]:
    index, _ = build_index(tmp_path / "index", ARTICLES)
    with index:
        yield index


@pytest.fixture()
def searcher(small_index: NewsIndex) -> Iterator[Searcher]:
    with Searcher(small_index) as s:
        yield s


#: The five dated articles of the README's tour.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "news.jsonl"


@pytest.fixture(scope="module")
def examples_index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    """``examples/news.jsonl`` indexed, once per test module."""
    built, _ = build_index(
        tmp_path_factory.mktemp("examples") / "ix", read_articles([EXAMPLES]).articles
    )
    return built


def run_cli(index: NewsIndex, *args: str) -> subprocess.CompletedProcess[str]:
    """``newssearch ARGS --index INDEX`` in a fresh process, without colours."""
    return subprocess.run(
        [sys.executable, "-m", "newssearch", *args, "--index", str(index.path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_COLOR": "1", "PATH": ""},
    )
