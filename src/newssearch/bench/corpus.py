"""Benchmark corpora of any size, made from the bundled 10kGNAD sample.

Up to 1,028 articles are the real ones; larger corpora keep those and add
articles recombined from their real sentences (a random title, lead and
section, a body of random sentences as long as a random real body), with
unique ids ``synthetic-N``: a scaling test, not new text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from newssearch.article import Article
from newssearch.sample import sample_articles
from newssearch.sentences import SentenceSplitter

__all__ = ["DEFAULT_SEED", "corpus", "text_bytes"]

#: The seed of every published run; another seed gives other synthetic articles.
DEFAULT_SEED: Final = 20261125


def corpus(size: int, *, seed: int = DEFAULT_SEED) -> list[Article]:
    """``size`` articles: the bundled ones first, then recombined ones.

    The same ``size`` and ``seed`` give the same articles.

    >>> [a.id for a in corpus(2)]
    ['articles-1', 'articles-2']
    """
    real = list(sample_articles())
    if size <= len(real):
        return real[:size]
    splitter = SentenceSplitter()
    bodies = [[a.body[s:e] for s, e in splitter.spans(a.body)] for a in real if a.body]
    sentences = [s for body in bodies for s in body]
    lengths = [len(body) for body in bodies]
    rng = random.Random(seed)
    out = real
    for i in range(size - len(real)):
        model = rng.choice(real)
        out.append(
            Article(
                id=f"synthetic-{i}",
                title=rng.choice(real).title,
                lead=rng.choice(real).lead,
                body=" ".join(rng.choice(sentences) for _ in range(rng.choice(lengths))),
                section=model.section,
            )
        )
    return out


def text_bytes(docs: Sequence[Article]) -> int:
    """UTF-8 bytes of the title, lead and body of ``docs``: the text an engine indexes.

    >>> text_bytes([Article(id="a", title="Straße", body="Text")])
    11
    """
    return sum(len((d.title + d.lead + d.body).encode("utf-8")) for d in docs)
