"""Benchmark corpora of any size, made from the bundled 10kGNAD sample.

Up to 1,028 articles are the real ones; larger corpora keep those and add
articles recombined from their real sentences (a random title, lead and
section, a body of random sentences as long as a random real body), with
unique ids ``synthetic-N``: a scaling test, not new text.

With ``copies`` above 1, every story appears that many times, as a wire
service's edited copies do: the first is the article as it is, the others
``<id>-copy-<k>`` get a new headline, lose their last sentence, have two
sentences swapped or a tenth of their words replaced (in turn), and all are
shuffled, so that copies of one story stand apart in the import.

:func:`stream` gives the same articles (without copies) one at a time, each
time it is iterated, so that a million-article run never holds the corpus.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Final

from newssearch.article import Article
from newssearch.sample import sample_articles
from newssearch.sentences import SentenceSplitter

__all__ = ["DEFAULT_SEED", "Stream", "corpus", "stream", "text_bytes"]

#: The edits a wire copy gets, dealt in turn.
_EDITS: Final = ("headline", "drop_last", "swap_sentences", "words")
_WORD: Final = re.compile(r"\w+")

#: The seed of every published run; another seed gives other synthetic articles.
DEFAULT_SEED: Final = 20261125


def corpus(size: int, *, seed: int = DEFAULT_SEED, copies: int = 1) -> list[Article]:
    """``size`` articles: the bundled ones first, then recombined ones; with
    ``copies`` > 1, ``size / copies`` stories of those, each in ``copies`` wire copies.

    The same ``size``, ``seed`` and ``copies`` give the same articles.

    >>> [a.id for a in corpus(2)]
    ['articles-1', 'articles-2']
    >>> sorted(a.id for a in corpus(4, copies=2))
    ['articles-1', 'articles-1-copy-1', 'articles-2', 'articles-2-copy-1']
    """
    if copies < 1:
        raise ValueError(f"copies must be at least 1, not {copies}")
    if copies > 1:
        return _wire_copies(corpus(-(-size // copies), seed=seed), size, copies, seed)
    return list(stream(size, seed=seed))


class Stream(Collection[Article]):
    """``size`` articles of :func:`corpus` (without copies), made anew one at a
    time on each iteration: what a corpus too large to hold in memory is.

    >>> s = stream(1030)
    >>> len(s), [a.id for a in s][1027:]
    (1030, ['articles-1028', 'synthetic-0', 'synthetic-1'])
    >>> list(s) == corpus(1030)
    True
    """

    def __init__(self, size: int, *, seed: int = DEFAULT_SEED) -> None:
        if size < 0:
            raise ValueError(f"size must not be negative, not {size}")
        self.size = size
        self.seed = seed

    def __len__(self) -> int:
        return self.size

    def __contains__(self, item: object) -> bool:
        return any(article == item for article in self)

    def __iter__(self) -> Iterator[Article]:
        real = list(sample_articles())
        yield from real[: self.size]
        if self.size <= len(real):
            return
        splitter = SentenceSplitter()
        bodies = [[a.body[s:e] for s, e in splitter.spans(a.body)] for a in real if a.body]
        sentences = [s for body in bodies for s in body]
        lengths = [len(body) for body in bodies]
        rng = random.Random(self.seed)
        # Each new article draws its title, lead and section from all the articles
        # before it (the real ones and the recombined ones): only those three
        # references of each are kept, not the articles.
        titles = [a.title for a in real]
        leads = [a.lead for a in real]
        sections = [a.section for a in real]
        everyone = range(len(real))
        for i in range(self.size - len(real)):
            model = rng.choice(everyone)
            title = titles[rng.choice(everyone)]
            lead = leads[rng.choice(everyone)]
            body = " ".join(rng.choice(sentences) for _ in range(rng.choice(lengths)))
            yield Article(
                id=f"synthetic-{i}", title=title, lead=lead, body=body, section=sections[model]
            )
            titles.append(title)
            leads.append(lead)
            sections.append(sections[model])
            everyone = range(len(titles))


def stream(size: int, *, seed: int = DEFAULT_SEED) -> Stream:
    """The articles of ``corpus(size, seed=seed)``, made lazily (see :class:`Stream`)."""
    return Stream(size, seed=seed)


def _wire_copies(stories: list[Article], size: int, copies: int, seed: int) -> list[Article]:
    """``size`` articles: each of ``stories`` and its ``copies - 1`` edited copies, shuffled."""
    rng = random.Random(f"{seed}-wire-{copies}")
    splitter = SentenceSplitter()
    words = [w for a in stories[:200] for w in _WORD.findall(a.body)] or ["Meldung"]
    out: list[Article] = []
    for n, story in enumerate(stories):
        out.append(story)
        for k in range(1, copies):
            edit = _EDITS[(n + k) % len(_EDITS)]
            out.append(_edited(story, k, edit, rng, splitter, words, stories))
    del out[size:]
    rng.shuffle(out)
    return out


def _edited(
    story: Article,
    k: int,
    edit: str,
    rng: random.Random,
    splitter: SentenceSplitter,
    words: list[str],
    stories: list[Article],
) -> Article:
    """Copy ``k`` of ``story`` with one ``edit`` (see the module doc)."""
    title, body = story.title, story.body
    sentences = [body[s:e] for s, e in splitter.spans(body)] if body else []
    if edit == "headline":  # another story's headline, or its lead's first words
        other = rng.choice(stories)
        title = other.title or " ".join(other.lead.split()[:8])
    elif edit == "drop_last" and len(sentences) > 1:
        body = " ".join(sentences[:-1])
    elif edit == "swap_sentences" and len(sentences) > 1:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        body = " ".join(sentences)
    elif edit == "words":
        tokens = body.split(" ")
        for i in rng.sample(range(len(tokens)), len(tokens) // 10):
            tokens[i] = rng.choice(words)
        body = " ".join(tokens)
    return dataclasses.replace(story, id=f"{story.id}-copy-{k}", title=title, body=body)


def text_bytes(docs: Iterable[Article]) -> int:
    """UTF-8 bytes of the title, lead and body of ``docs``: the text an engine indexes.

    >>> text_bytes([Article(id="a", title="Straße", body="Text")])
    11
    """
    return sum(len((d.title + d.lead + d.body).encode("utf-8")) for d in docs)
