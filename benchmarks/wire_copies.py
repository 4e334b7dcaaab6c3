"""Measure wire-copy detection (:mod:`newssearch.duplicates`): precision, recall, cost.

    python benchmarks/wire_copies.py [--copies 520] [--index-size 400] [--json out.json]

The set is regenerated deterministically (fixed seed) from the bundled corpus
(``newssearch.sample.sample_articles()``), so nothing large is stored; the run
prints a digest of the generated set, which changes only when the corpus or the
generator does:

* every corpus article is a story of its own (the originals, ~1,027);
* ``--copies`` of them (default 520) get two edited copies each, the edit kinds
  dealt round-robin: a new headline; the last paragraph(s) dropped; paragraphs
  reordered; the lead reordered; 5, 10, 20 or 30 % of the words edited
  (substituted by a corpus word, a corpus word inserted, or deleted, equally
  often); and "mixed" (headline + last paragraph dropped + paragraphs
  reordered + 10 % words).  The corpus has no paragraph breaks, so a paragraph
  is three sentences;
* the hard negatives: for each copied original, the other article of the same
  section with the highest word overlap (Jaccard of the word sets).  They are
  in the set anyway (as originals); the run reports them separately.

The run computes all signatures (timed), assigns stories in shuffled batches of
100 through :func:`newssearch.duplicates.assign_stories` with a band-key table
standing in for the index, and reports precision and recall of "same story"
pairs: for the pairwise decision (LSH candidates, then ``similarity >=
SAME_STORY``) and for the final story labels, by edit kind and rate, plus a
threshold sweep.  It then times ``newssearch.build_index`` on ``--index-size``
articles of the set to put the signature cost in proportion.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from newssearch import build_index
from newssearch.article import Article
from newssearch.duplicates import (
    MIN_WORDS,
    SAME_STORY,
    StoryMember,
    assign_stories,
    band_keys,
    signature,
    similarity,
)
from newssearch.sample import sample_articles

SEED = 20260112
KINDS = (
    "headline",
    "drop_last",
    "reorder_paragraphs",
    "reorder_lead",
    "words_05",
    "words_10",
    "words_20",
    "words_30",
    "mixed",
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"0-9])")
LEAD_PARTS = re.compile(r"\s+[–-]\s+")
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Item:
    """One article of the set: its story (the original's id) and how it was made."""

    article: Article
    story: str
    kind: str  # "original" or one of KINDS


# -- the set -----------------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def _paragraphs(body: str) -> list[str]:
    sentences = _sentences(body)
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def _edit_words(text: str, rate: float, rng: random.Random, vocab: Sequence[str]) -> str:
    out: list[str] = []
    for word in text.split():
        if rng.random() >= rate:
            out.append(word)
            continue
        op = rng.randrange(3)
        if op == 0:
            out.append(rng.choice(vocab))
        elif op == 1:
            out += [word, rng.choice(vocab)]
        # op == 2: deleted
    return " ".join(out)


def _copy(base: Article, kind: str, n: int, rng: random.Random, vocab: Sequence[str]) -> Article:
    title, lead, body = base.title, base.lead, base.body
    paragraphs = _paragraphs(body)
    if kind in ("headline", "mixed"):
        title = " ".join(rng.choice(vocab) for _ in range(rng.randrange(4, 9))).capitalize()
    if kind in ("drop_last", "mixed") and len(paragraphs) > 1:
        drop = 2 if len(paragraphs) >= 5 and kind == "drop_last" else 1
        paragraphs = paragraphs[:-drop]
    if kind in ("reorder_paragraphs", "mixed"):
        if len(paragraphs) > 1:
            rng.shuffle(paragraphs)
        else:
            sentences = _sentences(body)
            rng.shuffle(sentences)
            paragraphs = [" ".join(sentences)]
    body = "\n\n".join(paragraphs)
    if kind == "reorder_lead":
        parts = _sentences(lead)
        sep = " "
        if len(parts) < 2:
            parts, sep = LEAD_PARTS.split(lead), " – "
        rng.shuffle(parts)
        lead = sep.join(parts)
    if kind.startswith("words_") or kind == "mixed":
        rate = 0.10 if kind == "mixed" else int(kind[-2:]) / 100
        lead = _edit_words(lead, rate, rng, vocab)
        body = _edit_words(body, rate, rng, vocab)
    return Article(
        id=f"{base.id}~copy{n}", title=title or base.id, lead=lead, body=body, section=base.section
    )


def _word_set(article: Article) -> frozenset[str]:
    return frozenset(
        w for w in WORD.findall(f"{article.lead} {article.body}".lower()) if len(w) > 3
    )


def generate(
    articles: Sequence[Article], *, copies: int = 520, seed: int = SEED
) -> tuple[list[Item], list[tuple[str, str]]]:
    """The set (originals and copies) and the hard-negative pairs, deterministic for a seed."""
    rng = random.Random(seed)
    originals = [a for a in articles if len((a.lead + " " + a.body).split()) >= MIN_WORDS]
    vocab = sorted({w for a in originals for w in a.body.split() if w.isalpha()})
    items = [Item(a, a.id, "original") for a in originals]
    eligible = [a for a in originals if len(a.body.split()) >= 60]
    chosen = rng.sample(eligible, min(copies, len(eligible)))
    deal = 0
    for base in chosen:
        for n in (1, 2):
            kind = KINDS[deal % len(KINDS)]
            deal += 1
            items.append(Item(_copy(base, kind, n, rng, vocab), base.id, kind))
    words = {a.id: _word_set(a) for a in originals}
    by_section: dict[str, list[Article]] = defaultdict(list)
    for a in originals:
        by_section[a.section].append(a)
    negatives = []
    for base in chosen:
        mine = words[base.id]
        best = max(
            (a for a in by_section[base.section] if a.id != base.id),
            key=lambda a: (len(mine & words[a.id]) / max(1, len(mine | words[a.id])), a.id),
        )
        negatives.append((base.id, best.id))
    rng.shuffle(items)
    return items, negatives


def digest(items: Iterable[Item]) -> str:
    h = hashlib.sha256()
    for it in items:
        h.update(
            f"{it.article.id}\0{it.article.title}\0{it.article.lead}\0{it.article.body}\0".encode()
        )
    return h.hexdigest()[:16]


# -- the run -----------------------------------------------------------------------------------


class TableLookup:
    """A band-key table standing in for the index's keyword field (benchmark only)."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[StoryMember]] = defaultdict(list)
        self.by_story: dict[str, list[str]] = defaultdict(list)

    def candidates(self, keys: tuple[str, ...]) -> Iterable[StoryMember]:
        for key in keys:
            yield from self.by_key.get(key, ())

    def story_members(self, story: str) -> Iterable[str]:
        return self.by_story.get(story, ())

    def add(self, member: StoryMember) -> None:
        for key in band_keys(member.signature):
            self.by_key[key].append(member)
        self.by_story[member.story].append(member.id)


def _shingles(article: Article) -> set[tuple[str, ...]]:
    words = WORD.findall(f"{article.lead} {article.body}".lower())
    return set(zip(words, words[1:], words[2:], strict=False))


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / max(1, len(a | b))


def _pr(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    tp = len(predicted & truth)
    return {
        "precision": tp / len(predicted) if predicted else 1.0,
        "recall": tp / len(truth) if truth else 1.0,
        "predicted": len(predicted),
        "true": len(truth),
    }


def run(copies: int, index_size: int, threshold: float) -> dict[str, Any]:
    items, negatives = generate(sample_articles(), copies=copies)
    by_id = {it.article.id: it for it in items}
    arts = [it.article for it in items]

    t0 = time.perf_counter()
    sigs = {a.id: signature(a.title, a.lead, a.body) for a in arts}
    sig_us = (time.perf_counter() - t0) / len(arts) * 1e6
    assert sum(1 for s in sigs.values() if s) > 0.99 * len(arts)  # sanity inside the timing

    # Truth: pairs of one story.
    stories: dict[str, list[str]] = defaultdict(list)
    for it in items:
        stories[it.story].append(it.article.id)
    truth = {frozenset(p) for ids in stories.values() for p in combinations(ids, 2)}

    # Pairwise decision on LSH candidates.
    table: dict[str, list[str]] = defaultdict(list)
    for aid, sig in sigs.items():
        for key in band_keys(sig):
            table[key].append(aid)
    candidates = {frozenset(p) for ids in table.values() for p in combinations(ids, 2)}
    scored = {p: similarity(*(sigs[x] for x in p)) for p in candidates}
    pairwise = {p for p, s in scored.items() if s >= threshold}

    # Story labels, batch by batch, as indexing would assign them.
    lookup = TableLookup()
    labels: dict[str, str] = {}
    t0 = time.perf_counter()
    for start in range(0, len(arts), 100):
        batch = [(a.id, sigs[a.id]) for a in arts[start : start + 100]]
        got = assign_stories(batch, lookup, threshold=threshold)
        labels.update(got)
        for aid, sig in batch:
            lookup.add(StoryMember(aid, sig, got[aid]))
    assign_us = (time.perf_counter() - t0) / len(arts) * 1e6
    clusters: dict[str, list[str]] = defaultdict(list)
    for aid, label in labels.items():
        clusters[label].append(aid)
    clustered = {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}

    # Breakdown: (original, copy) pairs by kind.
    by_kind: dict[str, dict[str, Any]] = {}
    shingles = {a.id: _shingles(a) for a in arts}
    for kind in KINDS:
        pairs = [frozenset((it.story, it.article.id)) for it in items if it.kind == kind]
        by_kind[kind] = {
            "pairs": len(pairs),
            "candidate_recall": sum(p in candidates for p in pairs) / len(pairs),
            "pairwise_recall": sum(p in pairwise for p in pairs) / len(pairs),
            "story_recall": sum(p in clustered for p in pairs) / len(pairs),
            "exact_jaccard_mean": statistics.mean(
                _jaccard(*(shingles[x] for x in p)) for p in pairs
            ),
            "estimate_min": min(similarity(*(sigs[x] for x in p)) for p in pairs),
        }
    neg = [frozenset(p) for p in negatives]
    hard = {
        "pairs": len(neg),
        "merged_pairwise": sum(p in pairwise for p in neg),
        "merged_story": sum(p in clustered for p in neg),
        "word_jaccard_mean": statistics.mean(
            _jaccard(set(_word_set(by_id[a].article)), set(_word_set(by_id[b].article)))
            for a, b in negatives
        ),
        "exact_jaccard_max": max(_jaccard(shingles[a], shingles[b]) for a, b in negatives),
        "estimate_max": max(similarity(sigs[a], sigs[b]) for a, b in negatives),
    }
    false_pairs = sorted((round(scored.get(p, 0.0), 3), *sorted(p)) for p in clustered - truth)[
        -10:
    ]
    sweep = {
        f"{t:.2f}": _pr({p for p, s in scored.items() if s >= t}, truth)
        for t in (0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50)
    }

    index_us = None
    if index_size:
        subset = arts[:index_size]
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            ix, _ = build_index(Path(tmp) / "ix", subset)
            index_us = (time.perf_counter() - t0) / len(subset) * 1e6
            ix.close()
        t0 = time.perf_counter()
        for a in subset:
            signature(a.title, a.lead, a.body)
        sig_subset_us = (time.perf_counter() - t0) / len(subset) * 1e6
    return {
        "digest": digest(items),
        "articles": len(arts),
        "originals": sum(it.kind == "original" for it in items),
        "copies": sum(it.kind != "original" for it in items),
        "threshold": threshold,
        "pairwise": _pr(pairwise, truth),
        "stories": _pr(clustered, truth),
        "candidates": len(candidates),
        "by_kind": by_kind,
        "hard_negatives": hard,
        "top_false_pairs": false_pairs,
        "sweep": sweep,
        "signature_us": sig_us,
        "assign_us": assign_us,
        "index_us": index_us,
        "signature_share": (sig_subset_us / index_us) if index_us else None,
    }


def _print(r: dict[str, Any]) -> None:
    print(
        f"set {r['digest']}: {r['articles']} articles ({r['originals']} originals, "
        f"{r['copies']} copies), threshold {r['threshold']}, {r['candidates']} LSH candidate pairs"
    )
    for name in ("pairwise", "stories"):
        m = r[name]
        print(
            f"{name:9} precision {m['precision']:.3f} recall {m['recall']:.3f} "
            f"({m['predicted']} predicted, {m['true']} true pairs)"
        )
    print(
        f"\n{'edit kind':20} {'pairs':>5} {'cand.':>6} {'pairw.':>6} {'story':>6} "
        f"{'J exact':>7} {'est.min':>7}"
    )
    for kind, m in r["by_kind"].items():
        print(
            f"{kind:20} {m['pairs']:5d} {m['candidate_recall']:6.3f} {m['pairwise_recall']:6.3f} "
            f"{m['story_recall']:6.3f} {m['exact_jaccard_mean']:7.3f} {m['estimate_min']:7.3f}"
        )
    h = r["hard_negatives"]
    print(
        f"\nhard negatives: {h['pairs']} pairs (word Jaccard mean {h['word_jaccard_mean']:.3f}), "
        f"merged pairwise {h['merged_pairwise']}, in one story {h['merged_story']}; "
        f"shingle Jaccard max {h['exact_jaccard_max']:.3f}, estimate max {h['estimate_max']:.3f}"
    )
    print("false story pairs (estimate, a, b):", r["top_false_pairs"])
    print(
        "\nthreshold sweep (pairwise): "
        + ", ".join(
            f"{t}: P {m['precision']:.3f} R {m['recall']:.3f}" for t, m in r["sweep"].items()
        )
    )
    print(
        f"\nsignature {r['signature_us']:.0f} µs/article, story assignment "
        f"{r['assign_us']:.0f} µs/article"
    )
    if r["index_us"]:
        print(
            f"build_index {r['index_us']:.0f} µs/article: signature = "
            f"{100 * r['signature_share']:.1f} % of indexing"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=520)
    parser.add_argument("--index-size", type=int, default=400, help="0: do not time indexing")
    parser.add_argument("--threshold", type=float, default=SAME_STORY)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.copies, args.index_size, args.threshold)
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
