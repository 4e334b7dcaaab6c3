"""Shared fixtures: small indexes built from hand-written articles and the seed article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex, Searcher, build_index

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
