"""Every setting of newssearch, as frozen dataclasses, and which of them an index keeps.

- :class:`AnalyzerConfig` (which steps of the German chain run) and
  :class:`FieldBoosts` decide what an index holds: they are written to
  ``newssearch.json`` and read back on open; changing them needs a re-index.
- :class:`Ranking` (how matches are scored) and :class:`SearchOptions`
  (paging and snippets) are query-time: a :class:`~newssearch.Searcher` takes
  them without re-indexing.  ``IndexSettings.ranking`` is the default an
  index was built with, kept for the searchers that open it.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from newssearch.article import TEXT_FIELDS

__all__ = [
    "DEFAULT_WAIT",
    "FORMAT_VERSION",
    "INDEX_ENV",
    "MAX_ANALYZED_CHARS",
    "MAX_COMPOUND_CHARS",
    "MAX_TOKEN_CHARS",
    "RESCORE_WINDOW",
    "AnalyzerConfig",
    "FieldBoosts",
    "IndexSettings",
    "QueryLimits",
    "Ranking",
    "RecencyBoost",
    "default_index_path",
]

#: The version of the stored format (``newssearch.json`` and the fields an
#: index holds).  Bumped whenever what an index holds changes, so that an older
#: release refuses an index it would misread; ``newssearch.index`` says which
#: versions this one reads.
FORMAT_VERSION = 4

#: The environment variable that names the index used when none is given.
INDEX_ENV = "NEWSSEARCH_INDEX"

#: Seconds a writer waits for another writer of the same index before it
#: gives up with "locked" (``--wait`` on the command line).
DEFAULT_WAIT = 5.0

#: Free text is answered in two steps, like Elasticsearch's rescore: the
#: matching query finds and ranks the matches, then the exact-form and
#: proximity boosts (and the common words, see ``Ranking.common_cutoff``) are
#: added to the best this many, which are re-sorted.  Boosting every match
#: instead made long queries several times slower on 10,000 articles.
RESCORE_WINDOW = 100

#: Snippets are looked for in the first this many characters of a hit's text
#: (Elasticsearch's ``index.highlight.max_analyzed_offset``), so that a hit in
#: an archive dump gone wrong (one 30 MB article) is highlighted as fast as
#: any other; 100,000 characters are about 15,000 words, forty times a
#: typical news article.  Past it, a hit shows its opening sentences.
MAX_ANALYZED_CHARS = 100_000

#: No token is longer than this many characters (Lucene's ``maxTokenLength``):
#: a longer run of text without whitespace (a base64 blob, a table glued
#: together) is cut into pieces of this length, each tokenized on its own, so
#: that analysis takes time linear in the text's length whatever it holds.
MAX_TOKEN_CHARS = 255

#: Words longer than this are never split into compound parts: the longest
#: compounds of German news (``Rindfleischetikettierungsüberwachungsgesetz``)
#: stay below it, and splitting costs more than linear time in a word's length.
MAX_COMPOUND_CHARS = 64


@dataclass(frozen=True)
class AnalyzerConfig:
    """Which steps of the German chain run (all by default).

    ``min_part_length`` is the shortest compound part that is split off.
    ``stopword_fields`` indexes each text field's stopwords in a twin of its
    own (``body_stop``), where a query of stopwords alone (``der die das``)
    and the stopwords of a quoted phrase are matched; the other fields, and
    so the ranking, never see them.  Indexes made before format version 3
    do not have them.
    """

    stemming: bool = True
    normalize: bool = True
    decompound: bool = True
    stopwords: bool = True
    min_part_length: int = 3
    stopword_fields: bool = True

    def __post_init__(self) -> None:
        if self.min_part_length < 2:
            raise ValueError("min_part_length must be at least 2")


@dataclass(frozen=True)
class FieldBoosts:
    """Query-time weights of the text fields (title > lead > body by default)."""

    title: float = 3.0
    lead: float = 2.0
    body: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value >= 0:
                raise ValueError(f"boost of {name} must be >= 0, not {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


@dataclass(frozen=True)
class Ranking:
    """How free-text queries are scored (query time: change it without reindexing).

    Every query word matches its stemmed form in title, lead and body, scored
    by BM25 per field (``k1``, ``b``) times the field's boost; ``fields="max"``
    takes the best field for each word (as Elasticsearch's ``multi_match``
    does), ``"sum"`` adds the fields up (as Whoosh's multi-field parser does).
    ``idf="robertson"`` is Lucene's IDF, which lets words found in nearly every
    article count for nearly nothing; ``"whoosh"`` is Whoosh's.  On top:

    - ``part_weight``: a compound in the query also matches its parts, all of
      them, at this weight (Sicherheitsgarantien → sicherheit AND garantie);
    - ``exact_weight``: the word as typed (normalised, unstemmed) adds this
      share of its score, so an exact match outranks a merely stem-equal one;
    - ``proximity_weight``: each pair of neighbouring query words found within
      ``proximity_slop`` words of each other adds this share;
    - ``common_cutoff`` and ``common_min_df``: in free text with rarer
      words, a word found in more than this share of the articles, and in
      more than ``common_min_df`` of them, does not make a match on its own;
      it only adds its score to the best matches of the rarer words
      (Elasticsearch's ``cutoff_frequency``; 0 turns it off).  It saves
      reading long posting lists, so short ones are left alone;
    - ``drop_question_words``: in free text, question words (wer, wann,
      wie viele …) say what kind of answer is wanted, not what it is about.

    The defaults are the best settings found on the relevance benchmark
    (``benchmarks/quality.py``); see the README's "Ranking quality".
    """

    k1: float = 1.2
    b: float = 0.75
    idf: Literal["robertson", "whoosh"] = "robertson"
    fields: Literal["max", "sum"] = "max"
    part_weight: float = 0.5
    exact_weight: float = 1.0
    proximity_weight: float = 0.2
    proximity_slop: int = 2
    drop_question_words: bool = True
    common_cutoff: float = 0.1
    common_min_df: int = 1000

    def __post_init__(self) -> None:
        if self.common_min_df < 0:
            raise ValueError(f"common_min_df must be >= 0, not {self.common_min_df!r}")
        if not 0 <= self.common_cutoff <= 1:
            raise ValueError(f"common_cutoff must be between 0 and 1, not {self.common_cutoff!r}")
        for name in ("k1", "part_weight", "exact_weight", "proximity_weight"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)!r}")
        if not 0 <= self.b <= 1:
            raise ValueError(f"b must be between 0 and 1, not {self.b!r}")
        if self.proximity_slop < 1:
            raise ValueError(f"proximity_slop must be >= 1, not {self.proximity_slop!r}")
        if self.idf not in ("robertson", "whoosh"):
            raise ValueError(f"idf must be 'robertson' or 'whoosh', not {self.idf!r}")
        if self.fields not in ("max", "sum"):
            raise ValueError(f"fields must be 'max' or 'sum', not {self.fields!r}")


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built with; stored with the index and read back on open.

    ``stories``: each article gets a near-duplicate signature and a story
    label (:mod:`newssearch.duplicates`), so that search can collapse wire
    copies (indexes made before format version 3 have none).  On by default;
    an index built without it has no story labels and search shows every copy.
    """

    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    boosts: FieldBoosts = field(default_factory=FieldBoosts)
    ranking: Ranking = field(default_factory=Ranking)
    stories: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "analyzer": asdict(self.analyzer),
            "boosts": asdict(self.boosts),
            "ranking": asdict(self.ranking),
            "stories": self.stories,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexSettings:
        # Every newssearch.json since stories came (format 3) says; older formats
        # have none, which open_index sets (newssearch.index._read_meta).
        stories = data.get("stories", True)
        if not isinstance(stories, bool):
            raise ValueError(f"stories must be true or false, not {stories!r}")
        return cls(
            analyzer=AnalyzerConfig(**data.get("analyzer", {})),
            boosts=FieldBoosts(**data.get("boosts", {})),
            ranking=Ranking(**data.get("ranking", {})),
            stories=stories,
        )


@dataclass(frozen=True)
class RecencyBoost:
    """Favour recent news (``Searcher.search(recency=…)``, ``--recent`` in the CLI).

    A match's score is multiplied by ``1 + weight * 0.5 ** (age / half_life_days)``,
    its age in days counted back from the query's ``now`` (future dates count
    as age 0): with the defaults, an article of today scores up to twice what
    it would, one of a month ago 1.5 times, one of a year ago barely more.
    Undated articles get no boost.  Only relevance order is boosted, and the
    boost only multiplies: it reorders matches, never adds any.
    """

    half_life_days: float = 30.0
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ValueError(f"half_life_days must be > 0, not {self.half_life_days!r}")
        if not 0 <= self.weight < float("inf"):
            raise ValueError(f"weight must be >= 0 and finite, not {self.weight!r}")

    def factor(self, age_days: float) -> float:
        """What a score is multiplied by at ``age_days``.

        >>> RecencyBoost().factor(0), RecencyBoost().factor(30)
        (2.0, 1.5)
        """
        return 1.0 + self.weight * math.pow(0.5, max(age_days, 0.0) / self.half_life_days)


@dataclass(frozen=True)
class QueryLimits:
    """What one query may cost, so that no query text can make a search run for long.

    - ``max_expansions``: a prefix (``Bundes*``) stands for at most this many
      indexed words per field, the ones found in most articles (Lucene's
      ``top_terms`` rewrite; Elasticsearch caps ``max_expansions`` at 50);
    - ``max_scanned_terms``: at most this many indexed words starting with the
      prefix are looked at, per field, in alphabetical order (``sch*`` starts
      tens of thousands; reading them costs ~20 µs each): a prefix with more
      words than that is expanded from its alphabetically first ones;
    - ``min_prefix_chars``: a shorter prefix is refused (``S*``);
    - ``max_clauses``: all the prefixes of one query together stand for at most
      this many words (Lucene's ``maxClauseCount``), and look at no more than
      ``max_scanned_terms`` words together: with several prefixes each gets
      its share (one prefix keeps both limits whole);
    - ``max_words``: a longer query is searched for its first this many words,
      with a warning (a pasted article is not a query; Google keeps 32);
    - ``time_limit``: seconds a search may take before it stops and returns
      what it found so far, flagged ``partial`` (``None``: no limit).
    """

    max_expansions: int = 128
    max_scanned_terms: int = 2_500
    min_prefix_chars: int = 2
    max_clauses: int = 1_024
    max_words: int = 64
    time_limit: float | None = 5.0

    def __post_init__(self) -> None:
        names = (
            "max_expansions",
            "max_scanned_terms",
            "min_prefix_chars",
            "max_clauses",
            "max_words",
        )
        for name in names:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        if self.time_limit is not None and not self.time_limit > 0:
            raise ValueError(f"time_limit must be > 0 or None, not {self.time_limit!r}")


def default_index_path(environ: Mapping[str, str] | None = None) -> Path:
    """The index the command line uses when ``--index`` is not given: one place per
    user, whatever the working directory.

    ``$NEWSSEARCH_INDEX`` if set; else ``newssearch/default`` in the user's
    data directory: ``$XDG_DATA_HOME`` (default ``~/.local/share``) on Linux
    and other Unix systems, ``~/Library/Application Support`` on macOS,
    ``%LOCALAPPDATA%`` on Windows.  Read when called, never at import.

    >>> default_index_path({"NEWSSEARCH_INDEX": "/srv/news/ix"}).as_posix()
    '/srv/news/ix'
    """
    env = os.environ if environ is None else environ
    if env.get(INDEX_ENV):
        return Path(env[INDEX_ENV]).expanduser()
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    if sys.platform == "win32":
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "newssearch" / "default"
