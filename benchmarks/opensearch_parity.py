"""Parity of the OpenSearch export with newssearch, measured on Apache Lucene.

    python tools/fetch_lucene.py                 # once: the Lucene jar
    python benchmarks/opensearch_parity.py       # table + results/opensearch_parity.json
    python benchmarks/opensearch_parity.py --articles 100 --json /tmp/p.json

(a) **Analysis**: every title, lead and body of the bundled sample
(``newssearch.sample``, 1,028 10kGNAD articles) goes through newssearch's
German analyzer and through the exported ``german`` chain assembled in
Lucene (:mod:`lucene_bridge`); the figure is the share of newssearch's
``(position, term)`` pairs that Lucene produces identically, strictly and
with position gaps closed (Lucene's stop filter leaves a gap where a
stopword was, ours closes it).  Each pair that differs is put down to one
kind of difference by where it stands in the text (see :func:`classify`):
``tokenizer``, ``stopwords``, ``normalisation``, ``stemming``,
``decompounding`` or ``position shift`` (the same term at the same place,
at another position because of an earlier difference).

(b) **Ranking**: MRR@10 on ``xquad-de-dev`` of the exported mapping with the
queries translated by ``to_query_dsl`` in Lucene, against newssearch's own
MRR@10 measured in the same run.

Until ``newssearch.opensearch`` offers the whole export, the parts it lacks
are stood in for by :func:`fallback_index_json` and :func:`fallback_query`
(the JSON says which were used).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lucene_bridge as lb  # benchmarks/lucene_bridge.py
from newssearch.analysis import exact_analyzer, german_analyzer
from newssearch.analysis.filters import load_stopwords, normalize_german
from newssearch.analysis.tokenizer import tokenize
from newssearch.article import Article
from newssearch.config import AnalyzerConfig, FieldBoosts, IndexSettings, Ranking
from newssearch.evaluate import Collection, evaluate_run

RESULTS = Path(__file__).resolve().parent / "results" / "opensearch_parity.json"
TEXT_FIELDS = ("title", "lead", "body")
KINDS = (
    "tokenizer",
    "stopwords",
    "normalisation",
    "stemming",
    "decompounding",
    "position shift",
)
#: Examples kept per kind of difference.
EXAMPLES = 8


# ---------------------------------------------------------------------------
# What the export offers (or the stand-ins)


def _opensearch() -> Any | None:
    try:
        return importlib.import_module("newssearch.opensearch")
    except ImportError:
        return None


def _find(module: Any | None, *names: str) -> Callable[..., Any] | None:
    """The first of ``names`` that ``newssearch.opensearch`` (or a submodule) defines."""
    if module is None:
        return None
    for name in names:
        owner, _, attr = name.rpartition(".")
        try:
            target = importlib.import_module(f"newssearch.opensearch.{owner}") if owner else module
        except ImportError:
            continue
        found = getattr(target, attr, None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


def _vocabulary(articles: Iterable[Article]) -> Counter[str]:
    """Lowercase words of the articles' text with their counts: the words the
    export chooses its decompounder list on (words and parts of hyphenated words)."""
    counts: Counter[str] = Counter()
    for a in articles:
        for name in TEXT_FIELDS:
            for token in tokenize(getattr(a, name)):
                if token.kind in ("word", "hpart") and token.text.isalpha():
                    counts[token.text.lower()] += 1
    return counts


def fallback_analysis(articles: Sequence[Article]) -> dict[str, Any]:
    """The export's analysis settings from ``newssearch.opensearch.analysis``, or,
    without it, a hand-written chain of the same shape."""
    module = _opensearch()
    settings = _find(module, "analysis.analysis_settings", "analysis_settings")
    words = _find(module, "analysis.decompounder_words", "decompounder_words")
    config = AnalyzerConfig()
    if settings is not None and words is not None:
        return dict(settings(config, words(_vocabulary(articles))))
    return {
        "filter": {
            "german_stop": {"type": "stop", "stopwords": sorted(load_stopwords())},
            "german_stemmer": {"type": "snowball", "language": "German"},
        },
        "analyzer": {
            "german": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "german_stop", "german_normalization", "german_stemmer"],
            },
            "exact": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "german_stop", "german_normalization"],
            },
        },
    }


def fallback_index_json(articles: Sequence[Article]) -> dict[str, Any]:
    """An ``index.json`` of the export's shape: text fields with the ``german``
    analyzer and an ``.exact`` sub-field, keyword facets, ``published`` as a date."""
    ranking = Ranking()
    text = {
        "type": "text",
        "analyzer": "german",
        "fields": {"exact": {"type": "text", "analyzer": "exact"}},
    }
    return {
        "settings": {
            "index": {
                "similarity": {"default": {"type": "BM25", "k1": ranking.k1, "b": ranking.b}}
            },
            "analysis": fallback_analysis(articles),
        },
        "mappings": {
            "properties": {
                **{name: dict(text) for name in TEXT_FIELDS},
                "published": {"type": "date"},
                "section": {"type": "keyword"},
            }
        },
    }


def fallback_query(text: str, *, limit: int = 10) -> dict[str, Any]:
    """Free text as the issue describes the translation: ``multi_match`` best_fields
    with our boosts, the exact-form and proximity boosts as a ``rescore``."""
    boosts, ranking = FieldBoosts(), Ranking()
    fields = [f"{name}^{boosts.as_dict()[name]:g}" for name in TEXT_FIELDS]
    exact = [f"{name}.exact^{boosts.as_dict()[name]:g}" for name in TEXT_FIELDS]
    return {
        "query": {"multi_match": {"query": text, "fields": fields, "type": "best_fields"}},
        "size": limit,
        "rescore": [
            {
                "window_size": 100,
                "query": {
                    "rescore_query": {
                        "bool": {
                            "should": [
                                {
                                    "multi_match": {
                                        "query": text,
                                        "fields": exact,
                                        "type": "best_fields",
                                        "boost": ranking.exact_weight,
                                    }
                                },
                                {
                                    "multi_match": {
                                        "query": text,
                                        "fields": fields,
                                        "type": "phrase",
                                        "slop": ranking.proximity_slop,
                                        "boost": ranking.proximity_weight,
                                    }
                                },
                            ]
                        }
                    },
                    "query_weight": 1.0,
                    "rescore_query_weight": 1.0,
                    "score_mode": "total",
                },
            }
        ],
    }


def _bulk_source(article: Article) -> dict[str, Any]:
    source: dict[str, Any] = {name: getattr(article, name) for name in TEXT_FIELDS}
    if article.published is not None:
        source["published"] = article.published.astimezone(UTC).isoformat()
    if article.section:
        source["section"] = article.section
    return source


def bulk_lines(articles: Iterable[Article]) -> Iterable[str]:
    """``_bulk`` lines of the articles: the export's, or the stand-in's."""
    module = _opensearch()
    export = _find(module, "bulk_lines", "export.bulk_lines", "bulk.bulk_lines")
    if export is not None:
        yield from export(articles)
        return
    for a in articles:
        yield json.dumps({"index": {"_id": a.id}}, ensure_ascii=False)
        yield json.dumps(_bulk_source(a), ensure_ascii=False)


# ---------------------------------------------------------------------------
# (a) analysis parity


@dataclass
class AnalysisTally:
    """Counts of one analyzer pair over many texts."""

    ours: int = 0
    lucene: int = 0
    matched_strict: int = 0
    matched: int = 0
    missing: Counter[str] = field(default_factory=Counter)  # ours, not Lucene's, by kind
    extra: Counter[str] = field(default_factory=Counter)  # Lucene's, not ours, by kind
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs_newssearch": self.ours,
            "pairs_lucene": self.lucene,
            "share_identical": self.matched / max(1, self.ours),
            "share_identical_strict_positions": self.matched_strict / max(1, self.ours),
            "share_of_lucene_pairs_identical": self.matched / max(1, self.lucene),
            "missing_in_lucene_by_kind": {k: self.missing[k] for k in KINDS if self.missing[k]},
            "extra_in_lucene_by_kind": {k: self.extra[k] for k in KINDS if self.extra[k]},
            "examples": {k: v for k, v in self.examples.items() if v},
        }


#: One token for comparison: position, term, start, end, is-a-compound-part.
_Tok = tuple[int, str, int, int, bool]


def _dense(tokens: list[_Tok]) -> list[_Tok]:
    """Positions renumbered 0, 1, 2 … over the positions that have tokens."""
    renumber: dict[int, int] = {}
    for t in tokens:
        renumber.setdefault(t[0], len(renumber))
    return [(renumber[p], term, s, e, part) for p, term, s, e, part in tokens]


def _matched(
    a: list[_Tok], b: list[_Tok]
) -> tuple[int, Counter[tuple[int, str]], Counter[tuple[int, str]]]:
    ca = Counter((t[0], t[1]) for t in a)
    cb = Counter((t[0], t[1]) for t in b)
    common = ca & cb
    return sum(common.values()), ca - common, cb - common


def ours_tokens(analyzer: Any, text: str) -> list[_Tok]:
    return [
        (t.pos, t.text, t.startchar, t.endchar, t.kind == "cpart")
        for t in analyzer(text, positions=True, chars=True, mode="index")
    ]


def lucene_tokens(analyzer: Any, text: str) -> list[_Tok]:
    out: list[_Tok] = []
    seen: set[tuple[int, int, int]] = set()
    for t in lb.analyze_tokens(analyzer, text):
        # A decompounder's parts carry their word's offsets and position.
        key = (t.position, t.start, t.end)
        out.append((t.position, t.term, t.start, t.end, key in seen))
        seen.add(key)
    return out


class Classifier:
    """Puts each pair that differs down to one kind, by the tokens at its place in the text."""

    def __init__(self, ours_exact: Any, lucene_exact: Any) -> None:
        self.ours_exact = ours_exact
        self.lucene_exact = lucene_exact
        self.stopwords = load_stopwords()

    def classify(
        self,
        text: str,
        token: _Tok,
        other: list[_Tok],
        *,
        exact_ours: dict[tuple[int, int], str],
        exact_lucene: dict[tuple[int, int], str],
    ) -> str:
        _, term, start, end, part = token
        same_place = [t for t in other if t[2] == start and t[3] == end]
        if not same_place:
            surface = text[start:end].lower()
            if surface in self.stopwords or normalize_german(surface) in self.stopwords:
                return "stopwords"
            return "tokenizer"
        if any(t[1] == term for t in same_place):
            return "position shift"
        if part or (any(t[4] for t in same_place) and not any(not t[4] for t in same_place)):
            return "decompounding"
        # The word itself differs: before stemming (the exact chains) or only after?
        if exact_ours.get((start, end)) != exact_lucene.get((start, end)):
            return "normalisation"
        return "stemming"


def compare_texts(
    texts: Iterable[str],
    ours: Any,
    lucene: Any,
    classifier: Classifier | None,
) -> AnalysisTally:
    tally = AnalysisTally()
    for text in texts:
        if not text:
            continue
        a, b = ours_tokens(ours, text), lucene_tokens(lucene, text)
        tally.ours += len(a)
        tally.lucene += len(b)
        tally.matched_strict += _matched(a, b)[0]
        a, b = _dense(a), _dense(b)
        n, missing, extra = _matched(a, b)
        tally.matched += n
        if classifier is None or (not missing and not extra):
            continue
        exact_ours = {
            (t.startchar, t.endchar): t.text
            for t in classifier.ours_exact(text, positions=True, chars=True, mode="index")
        }
        exact_lucene = {
            (t.start, t.end): t.term for t in lb.analyze_tokens(classifier.lucene_exact, text)
        }
        for side, pairs, own, other, counts in (
            ("missing", missing, a, b, tally.missing),
            ("extra", extra, b, a, tally.extra),
        ):
            left = Counter(pairs)
            for tok in own:
                key = (tok[0], tok[1])
                if left[key] <= 0:
                    continue
                left[key] -= 1
                kind = classifier.classify(
                    text, tok, other, exact_ours=exact_ours, exact_lucene=exact_lucene
                )
                counts[kind] += 1
                examples = tally.examples[kind]
                if len(examples) < EXAMPLES:
                    examples.append(
                        {
                            "side": side,
                            "text": text[tok[2] : tok[3]],
                            "newssearch": sorted({t[1] for t in a if t[2:4] == tok[2:4]}),
                            "lucene": sorted({t[1] for t in b if t[2:4] == tok[2:4]}),
                        }
                    )
    return tally


def _texts(articles: Sequence[Article]) -> Iterable[str]:
    for a in articles:
        for name in TEXT_FIELDS:
            yield getattr(a, name)


def what_if_chains(
    articles: Sequence[Article],
) -> tuple[dict[str, Any], list[tuple[str, Sequence[Article], dict[str, Any]]]]:
    """Other exports of the same words, to weigh the export's choices.

    - ``before``: the first export's chain (a ``dictionary_decompounder``
      chosen on the words, Lucene's stems: no rules);
    - ``rules only``: the rules without the decompounder for words they do
      not know (``export_opensearch(unknown_compounds=False)``);
    - ``held-out …``: rules (and the decompounder's list) read off the even
      articles only, measured on the odd ones, as words first seen after an
      export are: with and without the decompounder, and the export's
      chain read off all articles, on the same ones, for comparison.
    """
    from newssearch.opensearch import analysis_settings, chain_rules, decompounder_words

    config = AnalyzerConfig()
    rules = chain_rules(_texts(articles), config)
    words = decompounder_words(_vocabulary(articles))
    seen, unseen = articles[::2], articles[1::2]
    seen_rules = chain_rules(_texts(seen), config)
    seen_words = decompounder_words(_vocabulary(seen))
    counts = {
        "compound_rules": len(rules.parts),
        "stem_rules": len(rules.stems),
        "decompounder_words": len(words.words),
        "held_out_compound_rules": len(seen_rules.parts),
        "held_out_stem_rules": len(seen_rules.stems),
    }
    chains: list[tuple[str, Sequence[Article], dict[str, Any]]] = [
        ("before", articles, analysis_settings(config, words)),
        ("rules only", articles, analysis_settings(config, rules=rules)),
        ("held-out own", unseen, analysis_settings(config, words, rules=rules)),
        ("held-out rules only", unseen, analysis_settings(config, rules=seen_rules)),
        (
            "held-out +decompounder",
            unseen,
            analysis_settings(config, seen_words, rules=seen_rules),
        ),
    ]
    return counts, chains


def analysis_parity(
    articles: Sequence[Article], analysis: Mapping[str, Any], *, what_if: bool = False
) -> dict[str, Any]:
    """Share of identical (position, term) pairs, overall and per field, for both chains
    (``what_if``: also the chains of :func:`what_if_chains`)."""
    out: dict[str, Any] = {}
    lucene_exact = lb.analyzer_from_settings(analysis, "exact")
    ours_exact = exact_analyzer()
    chains: list[tuple[str, Any, Any, Sequence[Article]]] = [
        ("german", german_analyzer(), lb.analyzer_from_settings(analysis, "german"), articles),
        ("exact", ours_exact, lucene_exact, articles),
    ]
    if what_if:
        counts, others = what_if_chains(articles)
        out["what_if_rules"] = counts
        for name, texts, settings in others:
            chains.append(
                (
                    name,
                    german_analyzer(),
                    lb.analyzer_from_settings(settings, "german"),
                    texts,
                )
            )
    for chain, ours, lucene, texts in chains:
        classifier = Classifier(ours_exact, lucene_exact)
        started = time.perf_counter()
        per_field = {
            name: compare_texts((getattr(a, name) for a in texts), ours, lucene, classifier)
            for name in TEXT_FIELDS
        }
        total = AnalysisTally()
        for t in per_field.values():
            total.ours += t.ours
            total.lucene += t.lucene
            total.matched += t.matched
            total.matched_strict += t.matched_strict
            total.missing.update(t.missing)
            total.extra.update(t.extra)
            for kind, examples in t.examples.items():
                total.examples[kind].extend(
                    examples[: max(0, EXAMPLES - len(total.examples[kind]))]
                )
        out[chain] = {
            **total.as_dict(),
            "by_field": {
                name: {
                    "share_identical": t.matched / max(1, t.ours),
                    "share_identical_strict_positions": t.matched_strict / max(1, t.ours),
                    "pairs_newssearch": t.ours,
                }
                for name, t in per_field.items()
            },
            "articles": len(texts),
            "seconds": round(time.perf_counter() - started, 2),
        }
    return out


# ---------------------------------------------------------------------------
# (b) ranking parity


def export_collection(
    documents: Sequence[Article],
    workdir: Path,
    settings: IndexSettings | None = None,
    **options: Any,
) -> tuple[Any, dict[str, Any], Path | None]:
    """Index ``documents`` with newssearch, export the index as OpenSearch would get it.

    Returns the open index, its ``index.json`` and its ``_bulk`` file (the
    export's, or the stand-ins' when ``newssearch.opensearch`` has no export:
    then the file is ``None`` and :func:`bulk_lines` makes the lines).
    """
    from newssearch.index import build_index

    # One process: forking a process that runs a JVM (jpype) can hang the child.
    index, _ = build_index(workdir / "index", documents, settings=settings, overwrite=True, procs=1)
    export = _find(_opensearch(), "export_opensearch")
    if export is None:
        return index, fallback_index_json(documents), None
    summary = export(index, workdir / "export", overwrite=True, **options)
    definition = json.loads(Path(summary.index_json).read_text(encoding="utf-8"))
    return index, definition, Path(summary.articles_ndjson)


def ranking_parity(
    collection: Collection,
    workdir: Path,
    settings: IndexSettings | None = None,
    *,
    similarity: Mapping[str, Any] | None = None,
    export_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """MRR@10 of newssearch and of its export in Lucene, on the same collection and index
    (``similarity``: options put into the exported BM25 similarity first, a what-if;
    ``export_options``: given to ``export_opensearch``)."""
    from newssearch.searcher import Searcher

    to_dsl = _find(_opensearch(), "to_query_dsl")
    query: Callable[[str], dict[str, Any]] = (
        (lambda text: to_dsl(text, limit=10, highlight=False, settings=settings))
        if to_dsl is not None
        else fallback_query
    )
    started = time.perf_counter()
    index, definition, bulk = export_collection(
        collection.documents, workdir, settings, **(export_options or {})
    )
    if similarity:
        definition["settings"]["index"]["similarity"]["default"].update(similarity)
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours_run: dict[str, list[str]] = {}
    with index, Searcher(index) as searcher:
        for q in collection.queries:
            ours_run[q.id] = [h.id for h in searcher.search(q.text, limit=10, highlight=False).hits]
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    untranslated = retried = 0
    single_run: dict[str, list[str]] = {}
    with lb.LuceneIndex(definition) as lucene:
        lines = lb.read_bulk(bulk) if bulk is not None else bulk_lines(collection.documents)
        loaded = lucene.add_bulk(lines)
        lucene_run: dict[str, list[str]] = {}
        for q in collection.queries:
            try:
                dsl = query(q.text)
            except Exception:  # a query our search refuses: no hits, as ours
                untranslated += 1
                lucene_run[q.id] = []
                continue
            hits = [doc for doc, _ in lucene.search(dsl)]
            single_run[q.id] = hits
            if not hits and to_dsl is not None:
                # Ours searches date phrases as words when nothing was published
                # then (an undated archive's "im Jahr 2015"); a client of the DSL
                # does so with a second request.
                again = to_dsl(q.text, limit=10, highlight=False, settings=settings, dates=False)
                if again != dsl:
                    retried += 1
                    hits = [doc for doc, _ in lucene.search(again)]
            lucene_run[q.id] = hits
    lucene_seconds = time.perf_counter() - started
    ours = evaluate_run(ours_run, collection.qrels)
    lucene_m = evaluate_run(lucene_run, collection.qrels)
    single = evaluate_run(single_run, collection.qrels)
    same_top = sum(
        1 for q in collection.queries if ours_run.get(q.id, [])[:1] == lucene_run.get(q.id, [])[:1]
    )
    return {
        "collection": collection.name,
        "documents": len(collection.documents),
        "documents_in_lucene": loaded,
        "queries": len(collection.queries),
        "queries_not_translated": untranslated,
        "decompounder_words": len(
            definition["settings"]["analysis"]
            .get("filter", {})
            .get("german_decompounder", {})
            .get("word_list", [])
        ),
        "compound_rules": len(
            definition["settings"]["analysis"]
            .get("filter", {})
            .get("german_compound_parts", {})
            .get("synonyms", [])
        ),
        "stem_rules": len(
            definition["settings"]["analysis"]
            .get("filter", {})
            .get("german_stems", {})
            .get("rules", [])
        ),
        "newssearch": {"MRR@10": ours.mrr_at_10, "nDCG@10": ours.ndcg_at_10},
        "lucene": {"MRR@10": lucene_m.mrr_at_10, "nDCG@10": lucene_m.ndcg_at_10},
        "lucene_without_date_retry": {"MRR@10": single.mrr_at_10, "nDCG@10": single.ndcg_at_10},
        "queries_retried_without_dates": retried,
        "mrr_difference": lucene_m.mrr_at_10 - ours.mrr_at_10,
        "same_first_hit": same_top / max(1, len(collection.queries)),
        "same_top10_ids": sum(
            1 for q in collection.queries if ours_run.get(q.id) == lucene_run.get(q.id)
        )
        / max(1, len(collection.queries)),
        "seconds": {
            "index_and_export": round(export_seconds, 2),
            "newssearch_queries": round(ours_seconds, 2),
            "lucene_load_and_queries": round(lucene_seconds, 2),
        },
    }


#: Settings both sides rank with in ``--variants``: which part of our ranking
#: the translation loses.
VARIANTS: dict[str, IndexSettings] = {
    "no-exact-no-proximity": IndexSettings(ranking=Ranking(exact_weight=0.0, proximity_weight=0.0)),
    "no-proximity": IndexSettings(ranking=Ranking(proximity_weight=0.0)),
    "no-exact": IndexSettings(ranking=Ranking(exact_weight=0.0)),
    "no-compound-parts": IndexSettings(ranking=Ranking(part_weight=0.0)),
    "no-decompounding": IndexSettings(analyzer=AnalyzerConfig(decompound=False)),
}


# ---------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def table(report: Mapping[str, Any]) -> str:
    lines = ["Analysis parity (share of newssearch's (position, term) pairs Lucene makes alike)"]
    lines.append(f"{'chain':<22} {'pairs':>9} {'gaps closed':>12} {'strict':>9}   by field")
    for chain, r in report["analysis"].items():
        if not isinstance(r, Mapping) or "pairs_newssearch" not in r:
            lines.append(f"{chain}: {r}")
            continue
        fields = ", ".join(
            f"{n} {_pct(f['share_identical'])}"
            for n, f in r["by_field"].items()
            if f["pairs_newssearch"]
        )
        lines.append(
            f"{chain:<22} {r['pairs_newssearch']:>9} {_pct(r['share_identical']):>12} "
            f"{_pct(r['share_identical_strict_positions']):>9}   {fields}"
        )
        for side in ("missing_in_lucene_by_kind", "extra_in_lucene_by_kind"):
            kinds = ", ".join(f"{k} {n}" for k, n in r[side].items()) or "none"
            lines.append(f"{'':<22} {side.replace('_', ' ')}: {kinds}")
    rank = report.get("ranking")
    if rank:
        lines.append("")
        lines.append(f"Ranking on {rank['collection']} ({rank['queries']} queries)")
        lines.append(f"{'engine':<22} {'MRR@10':>8} {'nDCG@10':>8}")
        for name in ("newssearch", "lucene", "lucene_without_date_retry"):
            m = rank[name]
            lines.append(f"{name:<22} {m['MRR@10']:>8.4f} {m['nDCG@10']:>8.4f}")
        lines.append(
            f"difference (Lucene - newssearch) {rank['mrr_difference']:+.4f}; "
            f"same first hit {_pct(rank['same_first_hit'])}"
        )
        what_if = report.get("ranking_what_if_discount_overlaps_true")
        if what_if:
            lines.append(
                f"  what-if BM25 discount_overlaps true: lucene {what_if['lucene']['MRR@10']:.4f}"
                f"  difference {what_if['mrr_difference']:+.4f}"
            )
        what_if = report.get("ranking_what_if_rules_only")
        if what_if:
            lines.append(
                f"  what-if no decompounder for unknown words: lucene "
                f"{what_if['lucene']['MRR@10']:.4f}  difference {what_if['mrr_difference']:+.4f}"
            )
        for name, v in report.get("ranking_variants", {}).items():
            lines.append(
                f"  variant {name:<24} newssearch {v['newssearch']['MRR@10']:.4f}  "
                f"lucene {v['lucene']['MRR@10']:.4f}  difference {v['mrr_difference']:+.4f}"
            )
    lines.append("")
    lines.append("export parts used: " + ", ".join(f"{k}={v}" for k, v in report["export"].items()))
    return "\n".join(lines)


def _source_tree() -> dict[str, Any]:
    """The commit measured, and the files of src/ that differed from it."""
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.rstrip() if done.returncode == 0 else ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_in_src": changed}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=None, help="only the first N articles")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--no-ranking", action="store_true", help="analysis parity only")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also rank with ablated settings on both sides (which boost costs parity)",
    )
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also other chains (the first export's, with a decompounder, rules held out)"
        " and BM25 with discount_overlaps true",
    )
    args = parser.parse_args(argv)

    reason = lb.lucene_unavailable()
    if reason is not None:
        print(f"opensearch_parity: {reason}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    jar = lb.start_jvm()
    jvm_seconds = time.perf_counter() - started

    from newssearch.sample import sample_articles
    from quality_collections import xquad_de_dev

    module = _opensearch()
    used = {
        name: "newssearch.opensearch" if _find(module, name) else "stand-in"
        for name in ("export_opensearch", "to_query_dsl")
    }
    articles = sample_articles()[: args.articles]
    with tempfile.TemporaryDirectory(prefix="newssearch-parity-") as tmp:
        index, definition, _ = export_collection(articles, Path(tmp) / "sample")
        index.close()
        report: dict[str, Any] = {
            "corpus": f"newssearch.sample ({len(articles)} articles, title/lead/body)",
            "export": used,
            "analysis": analysis_parity(
                articles, definition["settings"]["analysis"], what_if=args.what_if
            ),
        }
        if not args.no_ranking:
            collection = xquad_de_dev()
            report["ranking"] = ranking_parity(collection, Path(tmp) / "xquad")
            if args.what_if:
                report["ranking_what_if_discount_overlaps_true"] = ranking_parity(
                    collection,
                    Path(tmp) / "xquad-overlaps",
                    similarity={"discount_overlaps": True},
                )
                report["ranking_what_if_rules_only"] = ranking_parity(
                    collection,
                    Path(tmp) / "xquad-rules-only",
                    export_options={"unknown_compounds": False},
                )
            if args.variants:
                report["ranking_variants"] = {
                    name: ranking_parity(collection, Path(tmp) / f"xquad-{name}", settings)
                    for name, settings in VARIANTS.items()
                }
    report["environment"] = {
        **_source_tree(),
        "python": platform.python_version(),
        "java": str(lb._j("java.lang.System").getProperty("java.version")),
        "lucene": str(lb._j("org.apache.lucene.util.Version").LATEST),
        "jar": jar.name,
        "jvm_start_seconds": round(jvm_seconds, 2),
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
