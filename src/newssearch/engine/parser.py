"""Whoosh's query parser, set up for the newssearch query language.

The language: free text ranks by BM25F over ``title``, ``lead`` and ``body``
without requiring every word; ``"quoted phrases"``; ``+must`` and
``-must_not``; ``AND`` / ``OR`` / ``NOT`` and the German ``UND`` / ``ODER`` /
``NICHT`` (upper case); ``field:term`` with German field aliases; ``prefix*``;
brackets.  What the parser builds is fixed up afterwards by
:mod:`newssearch.query.rewrite`.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    OrGroup,
    PhrasePlugin,
    PlusMinusPlugin,
    PrefixPlugin,
    QueryParser,
    WildcardPlugin,
)
from whoosh.qparser.common import attach
from whoosh.qparser.syntax import AndGroup, BinaryGroup, NotGroup, PrefixOperator

from newssearch.analysis import TokenKind, prefix_analyzer
from newssearch.article import TEXT_FIELDS
from newssearch.config import FieldBoosts, Ranking
from newssearch.engine.schema import exact_field
from newssearch.engine.scoring import BestFieldGroup
from newssearch.errors import QueryError

__all__ = ["FIELD_ALIASES", "make_parser", "normalize_pattern", "quoted_text"]

#: Field names a user may type, and German aliases for them.  The twins are
#: not fields of the query language: typed, they mean the text field.
FIELD_ALIASES = {
    "title": ["titel", "headline", "title_exact", "title_stop"],
    "lead": ["teaser", "vorspann", "lead_exact", "lead_stop"],
    "body": ["text", "inhalt", "body_exact", "body_stop"],
    "section": ["ressort", "rubrik", "kategorie"],
    "source": ["quelle"],
    "author": ["autor", "autorin"],
    "tags": ["tag", "schlagwort"],
}
_WILDCARD_SPLIT = re.compile(r"([*?])")


def make_parser(schema: Any, *, boosts: FieldBoosts, ranking: Ranking) -> QueryParser:
    """The parser for ``schema`` with the field boosts and ranking of a searcher."""
    parser = _Parser(None, schema, group=OrGroup)
    parser.part_weight = ranking.part_weight
    parser.add_plugin(
        MultifieldPlugin(
            list(TEXT_FIELDS),
            fieldboosts=boosts.as_dict(),
            group=BestFieldGroup if ranking.fields == "max" else OrGroup,
        )
    )
    # Only ``term*``: a "?" ends German questions far more often than it
    # stands for one letter.
    parser.remove_plugin_class(WildcardPlugin)
    parser.add_plugin(PrefixPlugin())
    parser.remove_plugin_class(OperatorsPlugin)
    op = OperatorsPlugin.OpTagger
    operators = [
        (op(r"(^|(?<=(\s|[()])))(?:NOT|NICHT)(?=\s)", NotGroup, PrefixOperator, memo="not"), 0),
        (op(r"(?<=\s)(?:AND|UND)(?=\s)", AndGroup, memo="and"), 0),
        (op(r"(?<=\s)(?:OR|ODER)(?=\s)", OrGroup, memo="or"), 0),
        (op(r"(?<=\s)ANDNOT(?=\s)", _AndNotGroup, memo="anot"), -5),
        (op(r"(?<=\s)ANDMAYBE(?=\s)", _AndMaybeGroup, memo="amaybe"), -5),
    ]
    parser.add_plugin(OperatorsPlugin(operators, clean=True))
    # A hyphen inside a word (US-Präsident) is not an operator: only a +/-
    # that starts a word is.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<!\S)\+(?=\S)", minusexpr=r"(?<!\S)-(?=\S)"))
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(_QuotedPhrasePlugin())
    return parser


def quoted_text(q: wq.Query) -> str | None:
    """The text between the quotes a phrase query was parsed from, stopwords
    and all (``None`` for a query that is no quoted phrase)."""
    quoted = getattr(q, "quoted", None)
    return quoted if isinstance(quoted, str) else None


class _QuotedPhrasePlugin(PhrasePlugin):
    """Whoosh's phrases, each query keeping the text between its quotes.

    Whoosh keeps only the ranges of the words its analyzer leaves, so a phrase
    of stopwords (``"wir sind"``) would keep nothing to search for.
    """

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser: Any) -> Any:
            q = super().query(parser)
            if q is not None:
                q.quoted = self.text
            return q

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser: Any, match: Any) -> Any:
            slop = match.group("slop")
            node = _QuotedPhrasePlugin.PhraseNode(
                match.group("text"), match.start("text"), int(slop) if slop else 1
            )
            node.degrade = self.degrade
            return node


class _OnceBinaryGroup(BinaryGroup):
    """Whoosh's ``BinaryGroup`` (ANDNOT, ANDMAYBE), building each side's query once.

    whoosh3 3.54.0 builds both sides twice (``BinaryGroup.query``), so each
    nesting or chaining of ANDMAYBE/ANDNOT doubled the parse: 18 chained
    ANDMAYBE took 17 s, 16 nested 8 s (found by the query fuzzer).
    """

    def query(self, parser: Any) -> Any:
        first, second = (node.query(parser) for node in self.nodes)
        q: Any
        if first is None and second is None:
            q = wq.NullQuery
        elif first is None or second is None:
            q = second if first is None else first
        else:
            assert self.qclass is not None
            q = self.qclass(first, second)
        return attach(q, self)


class _AndNotGroup(_OnceBinaryGroup):
    qclass = wq.AndNot


class _AndMaybeGroup(_OnceBinaryGroup):
    qclass = wq.AndMaybe


class _Parser(QueryParser):
    """Whoosh's multi-field parser with German word queries.

    A word that analyses into several tokens becomes ``whole OR (parts)``:
    the compound or hyphenated word itself, or, weighted by ``part_weight``,
    all of its parts (Sicherheitsgarantien → sicherheitsgarantie OR
    (sicherheit AND garantie)), so that the word as typed ranks first.
    """

    part_weight = 0.5

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: Any,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Any:
        if fieldname in TEXT_FIELDS and termclass in (wq.Prefix, wq.Wildcard):
            # Prefixes match the unstemmed words of the exact twin field,
            # lowercased and normalised like them (Lucene's multi-term chain).
            return termclass(exact_field(fieldname), normalize_pattern(text), boost=boost)
        if fieldname not in TEXT_FIELDS or termclass is not wq.Term or not tokenize:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        schema = self.schema
        if schema is None:
            raise QueryError("the query parser has no schema")
        analyzer: Any = schema[fieldname].analyzer  # the German chain: its tokens have a kind
        if analyzer is None:
            raise QueryError(f"field {fieldname!r} has no analyzer")
        tokens = [(t.text, t.kind) for t in analyzer(text, mode="query", removestops=removestops)]
        units = [_word_query(fieldname, unit, self.part_weight) for unit in _units(tokens)]
        if not units:
            return None
        q = units[0] if len(units) == 1 else wq.Or(units)
        if boost != 1.0:
            q = q.with_boost(boost)
        return q


def normalize_pattern(pattern: str) -> str:
    """Lowercase and normalise the literal parts of a prefix or wildcard pattern."""
    analyzer = prefix_analyzer()
    return "".join(
        piece if piece in ("*", "?") else "".join(t.text for t in analyzer(piece))
        for piece in _WILDCARD_SPLIT.split(pattern)
        if piece
    )


def _units(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group a token stream into words: a word or hyphenated whole and what follows it."""
    units: list[list[tuple[str, str]]] = []
    for text, kind in tokens:
        starts_word = kind in (TokenKind.WORD, TokenKind.WHOLE) or not units
        if starts_word or (kind == TokenKind.HPART and units[-1][0][1] != TokenKind.WHOLE):
            units.append([(text, kind)])
        else:
            units[-1].append((text, kind))
    return units


def _word_query(fieldname: str, unit: list[tuple[str, str]], part_weight: float) -> wq.Query:
    head, kind = unit[0]
    whole = wq.Term(fieldname, head)
    # A hyphenated word's parts (each with its own compound parts), or a word's compound parts.
    wanted = TokenKind.HPART if kind == TokenKind.WHOLE else TokenKind.CPART
    parts = [wq.Term(fieldname, t) for t, k in unit[1:] if k == wanted]
    if not parts:
        return whole
    return wq.Or([whole, wq.And(parts, boost=part_weight)])
