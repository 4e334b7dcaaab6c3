"""Wire copies: stable signatures, copies found, other stories kept apart, story labels."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable

import pytest

from newssearch.article import Article
from newssearch.duplicates import (
    BANDS,
    MIN_WORDS,
    SAME_STORY,
    StoryMember,
    assign_stories,
    band_keys,
    same_story,
    signature,
    similarity,
)
from newssearch.sample import sample_articles


@pytest.fixture(scope="module")
def corpus() -> tuple[Article, ...]:
    return tuple(a for a in sample_articles() if len(a.body.split()) >= 150)


def _sig(a: Article) -> bytes:
    return signature(a.title, a.lead, a.body)


def _edited(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    for word in text.split():
        r = rng.random()
        if r < rate / 3:
            out.append("Ersatzwort")
        elif r < 2 * rate / 3:
            out += [word, "eingefügt"]
        elif r >= rate:
            out.append(word)
    return " ".join(out)


def test_the_same_article_gives_the_same_bytes(corpus: tuple[Article, ...]) -> None:
    a = corpus[0]
    assert _sig(a) == _sig(a)
    assert len(_sig(a)) == 257
    assert len(band_keys(_sig(a))) == BANDS


def test_signatures_are_stable_across_processes(corpus: tuple[Article, ...]) -> None:
    # str hashing is salted per process: a signature built on hash() would differ here.
    code = (
        "from newssearch.sample import sample_articles\n"
        "from newssearch.duplicates import signature\n"
        f"a = next(a for a in sample_articles() if a.id == {corpus[0].id!r})\n"
        "print(signature(a.title, a.lead, a.body).hex())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {_sig(corpus[0]).hex()}


def test_a_pinned_signature_does_not_change() -> None:
    # Signatures are stored in indexes: a change here is a format change (SIGNATURE_VERSION).
    text = " ".join(f"Wort{i}" for i in range(60))
    assert signature("", "", text)[:9].hex() == "01b6669d3042825aa4"


def test_copies_with_a_new_headline_and_a_dropped_paragraph_are_one_story(
    corpus: tuple[Article, ...],
) -> None:
    for a in corpus[:20]:
        sentences = a.body.split(". ")
        copy = signature("Ganz andere Überschrift", a.lead, ". ".join(sentences[:-2]))
        assert same_story(_sig(a), copy), a.id


def test_copies_with_reordered_paragraphs_are_one_story(corpus: tuple[Article, ...]) -> None:
    for a in corpus[:20]:
        sentences = a.body.split(". ")
        half = len(sentences) // 2
        copy = signature(a.title, a.lead, ". ".join(sentences[half:] + sentences[:half]))
        assert similarity(_sig(a), copy) > 0.8, a.id


@pytest.mark.parametrize("rate", [0.05, 0.10, 0.20])
def test_copies_with_edited_words_are_one_story(corpus: tuple[Article, ...], rate: float) -> None:
    for i, a in enumerate(corpus[:20]):
        copy = signature(a.title, _edited(a.lead, rate, i), _edited(a.body, rate, i))
        assert same_story(_sig(a), copy), a.id
        assert set(band_keys(_sig(a))) & set(band_keys(copy)), a.id


def test_different_articles_of_one_section_are_not_one_story(
    corpus: tuple[Article, ...],
) -> None:
    by_section: dict[str, list[bytes]] = defaultdict(list)
    for a in corpus[:300]:
        by_section[a.section].append(_sig(a))
    for sigs in by_section.values():
        for i, x in enumerate(sigs):
            for y in sigs[i + 1 :]:
                assert similarity(x, y) < SAME_STORY


@pytest.mark.parametrize(
    "lead, body",
    [("", "Drei kurze Worte"), ("", ""), ("Kurz.", "Nur ein Satz hier."), ("", "…  – „“")],
)
def test_short_texts_have_no_signature_and_are_their_own_story(lead: str, body: str) -> None:
    sig = signature("Eine lange Überschrift mit vielen Wörtern darin", lead, body)
    assert sig == b""
    assert band_keys(sig) == ()
    assert similarity(sig, sig) == 0.0
    assert assign_stories([("x", sig), ("y", sig)], _Table()) == {"x": "x", "y": "y"}


def test_the_minimum_length_is_in_words_of_lead_and_body() -> None:
    words = [f"w{i}" for i in range(MIN_WORDS)]
    assert signature("", "", " ".join(words[:-1])) == b""
    assert signature("", "", " ".join(words)) != b""


def test_foreign_bytes_are_similar_to_nothing(corpus: tuple[Article, ...]) -> None:
    sig = _sig(corpus[0])
    assert similarity(sig, b"\x02" + sig[1:]) == 0.0
    assert similarity(sig, sig[:-2]) == 0.0
    assert band_keys(b"junk") == ()


# -- story labels ------------------------------------------------------------------------------


class _Table:
    """The index as assign_stories sees it: band keys → members, story → ids."""

    def __init__(self) -> None:
        self.members: dict[str, StoryMember] = {}

    def candidates(self, keys: tuple[str, ...]) -> Iterable[StoryMember]:
        wanted = set(keys)
        return [m for m in self.members.values() if wanted & set(band_keys(m.signature))]

    def story_members(self, story: str) -> Iterable[str]:
        return [m.id for m in self.members.values() if m.story == story]

    def add(self, batch: list[tuple[str, bytes]], labels: dict[str, str]) -> None:
        for aid, sig in batch:
            self.members[aid] = StoryMember(aid, sig, labels[aid])

    def delete(self, aid: str) -> None:
        del self.members[aid]


def _text(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(f"wort{rng.randrange(100_000)}" for _ in range(n))


def test_a_batch_story_is_labelled_with_its_smallest_id() -> None:
    a, b = _text(1), _text(2)
    batch = [
        ("c", signature("", "", a)),
        ("a", signature("", "", _edited(a, 0.05, 1))),
        ("b", signature("", "", b)),
    ]
    assert assign_stories(batch, _Table()) == {"c": "a", "a": "a", "b": "b"}


def test_stories_survive_deletes_and_new_copies_join_them() -> None:
    index = _Table()
    a, b = _text(1), _text(2)
    first = [("a1", signature("", "", a)), ("b1", signature("", "", b))]
    index.add(first, assign_stories(first, index))
    second = [("a2", signature("", "", _edited(a, 0.1, 2)))]
    labels = assign_stories(second, index)
    assert labels == {"a2": "a1"}
    index.add(second, labels)
    # The story's first article is deleted: its id stays the story's label.
    index.delete("a1")
    third = [("a3", signature("", "", _edited(a, 0.1, 3))), ("z", signature("", "", _text(9)))]
    labels = assign_stories(third, index)
    assert labels == {"a3": "a1", "z": "z"}


def test_an_updated_article_that_left_its_story_gets_a_fresh_label() -> None:
    index = _Table()
    a = _text(1)
    batch = [("a1", signature("", "", a)), ("a2", signature("", "", _edited(a, 0.05, 2)))]
    index.add(batch, assign_stories(batch, index))
    assert {m.story for m in index.members.values()} == {"a1"}
    # a1 is rewritten into another story; a2 still carries the label "a1".
    update = [("a1", signature("", "", _text(5)))]
    assert assign_stories(update, index) == {"a1": "a1~2"}
    # Updated but still a copy: it stays in its story.
    update = [("a1", signature("", "", _edited(a, 0.05, 7)))]
    assert assign_stories(update, index) == {"a1": "a1"}


def test_a_new_copy_joins_its_most_similar_indexed_story() -> None:
    index = _Table()
    a = _text(1)
    near = _edited(a, 0.02, 1)
    batch = [("x", signature("", "", _edited(a, 0.2, 2))), ("y", signature("", "", near))]
    index.add(batch, {"x": "story-x", "y": "story-y"})
    assert assign_stories([("new", signature("", "", a))], index) == {"new": "story-y"}
