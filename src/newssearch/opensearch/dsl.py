"""A newssearch query as an OpenSearch/Elasticsearch Query DSL request body.

The text is read by our own query parser (:mod:`newssearch.engine.parser`:
the same phrases, operators, ``+``/``-``, field aliases and prefixes) and
planned by :class:`~newssearch.query.Planner` first, so a text our search
refuses raises the same :class:`~newssearch.errors.QueryError` here.  Its
syntax tree then becomes DSL nodes whose leaves are the words as the user
typed them, for OpenSearch to analyse with the exported ``german`` analyzer:

- a word → ``multi_match`` (``best_fields``, ``title^3 lead^2 body``,
  ``tie_breaker`` 0: each word scores in its best field, as ``fields="max"``),
  ``operator: and`` (a hyphenated word needs all its parts, as ours does);
- ``"a phrase"`` → ``multi_match`` of type ``phrase`` (Whoosh's slop 1 is
  Lucene's 0); ``field:word`` / ``field:"phrase"`` → ``match`` /
  ``match_phrase`` on that field; ``prefix*`` → ``prefix`` on the ``.exact``
  sub-fields, lowercased and normalised as ours;
- OR / AND / NOT (and ODER / UND / NICHT), ``+``/``-`` → ``bool``
  ``should`` / ``must`` / ``must_not`` (``a NOT b`` is "a, but not b");
- keyword fields (``ressort:Politik``) and ``filters`` → ``term``/``terms``
  on the ``.folded`` sub-field; ``published:2016`` and ranges, ``since`` /
  ``until`` and German date phrases (``seit März 2016``) → a ``range``
  filter on ``published``;
- free text also gets a ``rescore`` with the exact-form boost (each word on
  the ``.exact`` sub-fields, ``exact_weight``) and the proximity boost (each
  pair of neighbouring words as a phrase with ``proximity_slop``), over the
  best :data:`~newssearch.config.RESCORE_WINDOW` matches, as ours.

What the DSL cannot say as ours does is listed in the README's "Scaling out".
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from whoosh import query as wq
from whoosh.qparser import plugins, syntax
from whoosh.util.times import long_to_datetime

from newssearch.analysis import PHRASE_KINDS, TokenKind, exact_analyzer, german_analyzer
from newssearch.article import TEXT_FIELDS, role_of
from newssearch.config import RESCORE_WINDOW, IndexSettings, QueryLimits
from newssearch.dates import Moment, range_end, range_start
from newssearch.engine.parser import make_parser, normalize_pattern
from newssearch.engine.schema import build_schema
from newssearch.errors import QueryError
from newssearch.keywords import fold_value
from newssearch.opensearch.mapping import EXACT, FOLDED, iso_date
from newssearch.query import Planner
from newssearch.query.dates import find_dates
from newssearch.query.language import (
    balance,
    check_characters,
    check_options,
    drop_question_words,
    filter_choices,
    is_plain,
)

__all__ = ["FACET_SIZE", "to_query_dsl"]

#: Values per facet (``terms`` aggregation ``size``); ours counts every value.
FACET_SIZE = 100
#: Snippets: as :meth:`Searcher.search`'s defaults.
_FRAGMENTS = 3
_FRAGMENT_CHARS = 200
_DATE_FORMAT = "strict_date_optional_time"

Node = dict[str, Any]


def to_query_dsl(
    text: str,
    *,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    sort: str = "relevance",
    limit: int = 10,
    offset: int = 0,
    facets: Sequence[str] = (),
    highlight: bool = True,
    settings: IndexSettings | None = None,
    now: Moment | None = None,
    dates: bool = True,
) -> dict[str, Any]:
    """The body of ``POST /<index>/_search`` that asks what ``Searcher.search`` would.

    The options mean what they mean there; ``settings`` are the exported
    index's (its boosts and ranking; default: the defaults), ``now`` the
    moment date phrases are read against (default: the current time).

    A date phrase in ``text`` (``Wahl im Jahr 2015``) becomes a range filter
    on ``published``.  When that finds nothing, ``Searcher.search`` searches
    the phrase as words (an undated archive, or an article *about* 2015); a
    client does the same with a second request of
    ``to_query_dsl(text, ..., dates=False)`` when the first returns no hits
    and the two bodies differ (the export's README.txt says so too).

    >>> to_query_dsl("Ukraine")["query"]["multi_match"]["fields"]
    ['title^3.0', 'lead^2.0', 'body^1.0']
    """
    settings = settings or IndexSettings()
    if not isinstance(text, str):
        raise QueryError(f"a query must be a string, not {type(text).__name__}")
    check_characters(text)
    check_options(limit=limit, offset=offset, sort=sort, facets=facets)
    moment = datetime.now().astimezone() if now is None else range_start(now, "now")
    words, start, end, end_excl = _understand(text, since, until, moment, dates=dates)
    filter_nodes = _filters(filters)
    if start is not None or end is not None:
        filter_nodes.append(_range(start, end, end_excl=end_excl))
    stripped = words.strip()
    browse = stripped == "*" or (
        not stripped
        and bool(filters or start is not None or end is not None or sort != "relevance")
    )
    if browse and sort == "relevance":
        sort = "newest"
    translator = _translator(settings)
    query: Node
    rescore: Node | None = None
    if browse:
        query = {"match_all": {}}
    else:
        query, rescore = translator.translate(words)
    if filter_nodes:
        query = {"bool": {"must": [query], "filter": filter_nodes}}
    body: dict[str, Any] = {
        "query": query,
        "size": limit,
        "from": offset,
        "track_total_hits": True,
        "_source": True,
    }
    if sort == "relevance":
        body["sort"] = ["_score"]
        if rescore is not None:
            body["rescore"] = [{"window_size": RESCORE_WINDOW, "query": rescore}]
    else:
        body["sort"] = [{"published": {"order": "desc" if sort == "newest" else "asc"}}]
    if facets:
        body["aggs"] = {
            name: {"terms": {"field": name, "size": FACET_SIZE}} for name in dict.fromkeys(facets)
        }
    if highlight and not browse:
        body["highlight"] = _highlight()
    return body


def _understand(
    text: str, since: Moment | None, until: Moment | None, now: datetime, *, dates: bool
) -> tuple[str, datetime | None, datetime | None, bool]:
    """The words to search and the publication range (as ``Searcher.search`` reads them)."""
    start = None if since is None else range_start(since, "since")
    end, end_excl = (None, False) if until is None else range_end(until, "until")
    if not dates or '"' in text or text.strip() in ("", "*"):
        return text, start, end, end_excl
    found = find_dates(text, now=now)
    if not found.found:
        return text, start, end, end_excl
    if found.since is not None and (start is None or found.since > start):
        start = found.since
    if found.until is not None and (end is None or found.until <= end):
        end, end_excl = found.until, True
    return found.text, start, end, end_excl


def _filters(filters: Mapping[str, str | Sequence[str]] | None) -> list[Node]:
    nodes: list[Node] = []
    for name, choices in filter_choices(filters):
        folded = list(dict.fromkeys(fold_value(c) for c in choices))
        nodes.append({"terms": {f"{name}.{FOLDED}": folded}})
    return nodes


def _range(start: datetime | None, end: datetime | None, *, end_excl: bool) -> Node:
    bounds: dict[str, str] = {}
    if start is not None:
        bounds["gte"] = iso_date(start)
    if end is not None:
        bounds["lt" if end_excl else "lte"] = iso_date(end)
    return {"range": {"published": {**bounds, "format": _DATE_FORMAT}}}


def _highlight() -> Node:
    return {
        "type": "unified",
        "boundary_scanner": "sentence",
        "boundary_scanner_locale": "de-DE",
        "fragment_size": _FRAGMENT_CHARS,
        "number_of_fragments": _FRAGMENTS,
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fields": {
            "title": {"number_of_fragments": 0},
            "lead": {},
            "body": {},
        },
    }


@cache
def _translator(settings: IndexSettings) -> _Translator:
    return _Translator(settings)


class _Translator:
    """Our parser, planner and analyzers for one index's settings."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        schema = build_schema(settings)
        self.limits = QueryLimits()
        self.analyzer = german_analyzer(settings.analyzer)
        self.exact = exact_analyzer(settings.analyzer)
        self.parser = make_parser(schema, boosts=settings.boosts, ranking=settings.ranking)
        self.planner = Planner(
            schema,
            boosts=settings.boosts,
            ranking=settings.ranking,
            analyzer=self.analyzer,
            limits=self.limits,
        )

    def translate(self, text: str) -> tuple[Node, Node | None]:
        """The query for ``text`` and, for free text, the rescore query."""
        plan = self.planner.plan(text)  # refuses what our search refuses
        words = text.split()
        if len(words) > self.limits.max_words:
            text = " ".join(words[: self.limits.max_words])
        plain = is_plain(text)
        if plain and self.settings.ranking.drop_question_words:
            text = drop_question_words(text)
        if plan.match is wq.NullQuery:
            return {"match_none": {}}, None
        tree = self.parser.process(balance(text))
        node = self._node(tree)
        if node is None:
            return {"match_none": {}}, None
        return node, (self._rescore(text) if plain else None)

    # -- the syntax tree ------------------------------------------------------

    def _node(self, node: Any) -> Node | None:
        if isinstance(node, syntax.GroupNode):
            return self._group(node)
        return self._leaf(node)

    def _group(self, group: Any) -> Node | None:
        if isinstance(group, syntax.DisMaxGroup):
            return _boosted(self._best_field(group), group.boost)
        if isinstance(group, syntax.BinaryGroup):
            a, b = (self._node(n) for n in group.nodes)
            if a is None or b is None:
                return a or b
            if group.qclass is wq.AndNot:
                return _bool(must=[a], must_not=[b], boost=group.boost)
            return _bool(must=[a], should=[b], boost=group.boost)
        if isinstance(group, syntax.NotGroup):
            inner = [n for n in (self._node(c) for c in group.nodes) if n is not None]
            return _bool(must_not=inner) if inner else None
        negated = [c for c in group.nodes if isinstance(c, syntax.NotGroup)]
        others = [c for c in group.nodes if not isinstance(c, syntax.NotGroup)]
        positive = [n for n in (self._node(c) for c in others) if n is not None]
        excluded = [n for c in negated for n in (self._node(x) for x in c.nodes) if n is not None]
        if isinstance(group, syntax.AndGroup):
            if not positive and not excluded:
                return None
            if len(positive) == 1 and not excluded and group.boost == 1:
                return positive[0]
            return _bool(must=positive, must_not=excluded, boost=group.boost)
        # OR: "a NOT b" is a, but not b (as ours and Lucene read it).
        if not positive and not excluded:
            return None
        if len(positive) == 1 and not excluded and group.boost == 1:
            return positive[0]
        return _bool(
            should=positive,
            must_not=excluded,
            minimum_should_match=1 if positive else None,
            boost=group.boost,
        )

    def _best_field(self, group: Any) -> Node | None:
        """One word, phrase or prefix over the text fields, scored in its best field."""
        leaves = list(group.nodes)
        first = leaves[0]
        same = all(type(n) is type(first) and n.text == first.text for n in leaves)
        fields = [f"{n.fieldname}^{float(n.boost)}" for n in leaves]
        if same and type(first) is syntax.WordNode:
            operator = self._operator(first.text)
            if operator is None:
                return None
            return {
                "multi_match": {
                    "query": first.text,
                    "fields": fields,
                    "type": "best_fields",
                    "operator": operator,
                    "tie_breaker": 0.0,
                }
            }
        if same and isinstance(first, plugins.PhrasePlugin.PhraseNode):
            if not self._analyses(first.text):
                return None
            return {
                "multi_match": {
                    "query": first.text,
                    "fields": fields,
                    "type": "phrase",
                    "slop": max(first.slop - 1, 0),
                }
            }
        queries = [n for n in (self._leaf(leaf) for leaf in leaves) if n is not None]
        if not queries:
            return None
        return (
            queries[0]
            if len(queries) == 1
            else {"dis_max": {"queries": queries, "tie_breaker": 0.0}}
        )

    def _leaf(self, node: Any) -> Node | None:
        fieldname = getattr(node, "fieldname", None)
        boost = float(getattr(node, "boost", 1.0))
        if isinstance(node, syntax.RangeNode) or fieldname == "published":
            return self._published(node)
        if isinstance(node, plugins.PrefixPlugin.PrefixNode):
            if fieldname in TEXT_FIELDS:
                target = f"{fieldname}.{EXACT}"
                value = normalize_pattern(node.text)
            else:
                target, value = _keyword(fieldname), fold_value(node.text)
            return {"prefix": {target: _with_boost({"value": value}, boost)}}
        if not isinstance(node, syntax.TextNode):
            raise QueryError(f"cannot translate {node!r} into the Query DSL")
        if fieldname in TEXT_FIELDS:
            if isinstance(node, plugins.PhrasePlugin.PhraseNode):
                if not self._analyses(node.text):
                    return None
                spec = {"query": node.text, "slop": max(node.slop - 1, 0)}
                return {"match_phrase": {fieldname: _with_boost(spec, boost)}}
            operator = self._operator(node.text)
            if operator is None:
                return None
            spec = {"query": node.text, "operator": operator}
            return {"match": {fieldname: _with_boost(spec, boost)}}
        if fieldname == "id":
            return {"term": {"id": _with_boost({"value": node.text}, boost)}}
        return {"term": {_keyword(fieldname): _with_boost({"value": fold_value(node.text)}, boost)}}

    def _published(self, node: Any) -> Node | None:
        """``published:2016``, ``published:[2015 TO 2016-03]``: the range our parser
        reads (a date it cannot read matches nothing, as ours)."""
        q = node.query(self.parser)
        if not isinstance(q, wq.NumericRange):
            return None
        start = None if q.start is None else long_to_datetime(int(q.start)).replace(tzinfo=UTC)
        end = None if q.end is None else long_to_datetime(int(q.end)).replace(tzinfo=UTC)
        bounds: dict[str, str] = {}
        if start is not None:
            bounds["gt" if q.startexcl else "gte"] = iso_date(start)
        if end is not None:
            bounds["lt" if q.endexcl else "lte"] = iso_date(end)
        spec = {"range": {"published": {**bounds, "format": _DATE_FORMAT}}}
        return {"constant_score": {"filter": spec, "boost": float(q.boost)}}

    def _operator(self, word: str) -> str | None:
        """``and`` for one word (a hyphenated word needs all its parts), ``or`` for
        text our parser reads as several words; ``None`` when it is all stopwords."""
        tokens = [t.kind for t in self.analyzer(word, mode="query")]
        if not tokens:
            return None
        units = sum(1 for kind in tokens if kind in (TokenKind.WORD, TokenKind.WHOLE))
        return "or" if units > 1 else "and"

    def _analyses(self, text: str) -> bool:
        return any(True for _ in self.analyzer(text, mode="query"))

    # -- rescoring ----------------------------------------------------------

    def _rescore(self, text: str) -> Node | None:
        """The exact-form and proximity boosts of free text (ours: ``Plan.rescore``)."""
        ranking = self.settings.ranking
        weights = [(name, w) for name, w in self.settings.boosts.as_dict().items() if w > 0]
        clauses: list[Node] = []
        if ranking.exact_weight > 0:
            # One clause per word as ours (by its exact term), given as typed.
            originals: dict[str, str] = {}
            for t in self.exact(text, mode="query"):
                if t.kind != TokenKind.WHOLE:
                    originals.setdefault(t.text, t.original)
            for word in originals.values():
                clauses.append(
                    {
                        "multi_match": {
                            "query": word,
                            "fields": [
                                f"{name}.{EXACT}^{w * ranking.exact_weight}" for name, w in weights
                            ],
                            "type": "best_fields",
                            "operator": "and",
                            "tie_breaker": 0.0,
                        }
                    }
                )
        if ranking.proximity_weight > 0:
            tokens = [
                (t.text, t.original)
                for t in self.analyzer(text, mode="query")
                if t.kind in PHRASE_KINDS
            ]
            pairs: dict[tuple[str, str], tuple[str, str]] = {}
            for a, b in itertools.pairwise(tokens):
                if a[0] != b[0]:
                    pairs.setdefault((a[0], b[0]), (a[1], b[1]))
            for first, second in pairs.values():
                clauses.append(
                    {
                        "multi_match": {
                            "query": f"{first} {second}",
                            "fields": [
                                f"{name}^{w * ranking.proximity_weight}" for name, w in weights
                            ],
                            "type": "phrase",
                            "slop": ranking.proximity_slop - 1,
                        }
                    }
                )
        if not clauses:
            return None
        return {
            "rescore_query": clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses}},
            "query_weight": 1.0,
            "rescore_query_weight": 1.0,
            "score_mode": "total",
        }


def _keyword(fieldname: str | None) -> str:
    if fieldname is None or role_of(fieldname) not in ("keyword", "keywords"):
        raise QueryError(f"cannot translate a query on {fieldname!r} into the Query DSL")
    return f"{fieldname}.{FOLDED}"


def _with_boost(spec: dict[str, Any], boost: float) -> dict[str, Any]:
    return {**spec, "boost": boost} if boost != 1.0 else spec


def _boosted(node: Node | None, boost: float) -> Node | None:
    if node is None or boost == 1.0:
        return node
    ((kind, spec),) = node.items()
    if kind in ("multi_match", "dis_max", "bool"):
        return {kind: {**spec, "boost": float(boost) * float(spec.get("boost", 1.0))}}
    return {"bool": {"must": [node], "boost": float(boost)}}


def _bool(
    *,
    must: list[Node] | None = None,
    should: list[Node] | None = None,
    must_not: list[Node] | None = None,
    minimum_should_match: int | None = None,
    boost: float = 1.0,
) -> Node:
    spec: dict[str, Any] = {}
    if must:
        spec["must"] = must
    if should:
        spec["should"] = should
    if must_not:
        spec["must_not"] = must_not
    if minimum_should_match is not None:
        spec["minimum_should_match"] = minimum_should_match
    if boost != 1.0:
        spec["boost"] = float(boost)
    return {"bool": spec}
