"""The German analyzer's contract: offsets and positions, robustness on any
text (property tests), pickling, and one chain for indexing and for queries."""

from __future__ import annotations

import csv
import json
import pickle
from collections.abc import Iterator
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.analysis import LowercaseFilter

from newssearch import (
    AnalyzedToken,
    AnalyzerConfig,
    Article,
    Searcher,
    analyze,
    build_index,
    german_analyzer,
)
from newssearch.analysis import PHRASE_KINDS, TokenKind, exact_analyzer
from newssearch.analysis.compounds import CompoundSplitter, GermanDecompoundFilter
from newssearch.analysis.filters import (
    GermanNormalizeFilter,
    GermanStemFilter,
    GermanStopFilter,
    GermanUniquePartsFilter,
)
from newssearch.analysis.tokenizer import GermanTokenizer
from newssearch.article import TEXT_FIELDS
from newssearch.config import IndexSettings
from newssearch.engine.schema import build_schema, exact_field
from newssearch.index import NewsIndex, open_index

DATA = Path(__file__).parent / "data"
SEED = (DATA / "seed_article.txt").read_text(encoding="utf-8")

#: A plain tuple per token, so that lists of tokens compare as values.
Row = tuple[str, int, int, int, str]


def rows(analyzer: Any, text: str, **options: Any) -> list[Row]:
    """What ``analyzer`` makes of ``text``: (text, position, start, end, kind) per token."""
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.kind)
        for t in analyzer(text, positions=True, chars=True, **options)
    ]


def documented_chain(config: AnalyzerConfig | None = None, *, exact: bool = False) -> Any:
    """The chain the README documents, composed from its parts."""
    config = config or AnalyzerConfig()
    chain: Any = GermanTokenizer() | LowercaseFilter()
    if config.stopwords:
        chain = chain | GermanStopFilter()
    if config.decompound and not exact:
        chain = chain | GermanDecompoundFilter(min_part_length=config.min_part_length)
    if config.normalize:
        chain = chain | GermanNormalizeFilter()
    if config.stemming and not exact:
        chain = chain | GermanStemFilter()
    if config.decompound and not exact:
        chain = chain | GermanUniquePartsFilter()
    return chain


def corpus_sample(every: int = 25) -> list[str]:
    """Every ``every``-th article text of the bundled 10kGNAD sample."""
    text = (
        resources.files("newssearch")
        .joinpath("data/10kgnad/articles.csv")
        .read_text(encoding="utf-8")
    )
    records = list(csv.reader(text.splitlines(), delimiter=";", quotechar="'"))
    return [record[1] for record in records[::every]]


def check_invariants(text: str, tokens: list[AnalyzedToken]) -> None:
    """Offsets in bounds and on the surface word, ordered; positions without jumps."""
    previous: AnalyzedToken | None = None
    surface_end = 0  # end of the last word or hyphenated whole
    whole: AnalyzedToken | None = None  # the hyphenated word the parts belong to
    for t in tokens:
        assert t.text, t
        assert not any(c.isspace() for c in t.text), t
        assert 0 <= t.start < t.end <= len(text), t
        assert text[t.start : t.end] == t.original, t
        assert t.kind in ("word", "whole", "hpart", "cpart"), t
        if t.kind in ("word", "whole"):
            assert t.start >= surface_end, f"{t} overlaps the word before it"
            surface_end = t.end
            whole = t if t.kind == "whole" else None
        elif t.kind == "hpart":
            assert whole is not None and whole.start <= t.start < t.end <= whole.end, t
        if previous is None:
            assert t.kind != "cpart", t
        else:
            assert t.start >= previous.start, f"{t} starts before {previous}"
            assert t.position - previous.position in (0, 1), f"{previous} -> {t}"
            if t.kind == "cpart":
                # A compound part stands where its compound stands.
                assert (t.start, t.end, t.position, t.original) == (
                    previous.start,
                    previous.end,
                    previous.position,
                    previous.original,
                ), f"{t} after {previous}"
                assert previous.kind in ("word", "hpart", "cpart"), previous
        previous = t


# (a) Offsets and positions ------------------------------------------------------------------

SENTENCE = (
    "Die EU-Kommission begrüßt: 1,5 Mrd. für z.B. www.orf.at – "
    "„Sicherheitsgarantien“, nicht Kremlchef-Treffen."
)


def test_each_token_points_at_the_surface_word_it_came_from() -> None:
    tokens = analyze(SENTENCE)
    first = tokens[0].position
    got = [(t.original, t.kind, t.position - first, t.text) for t in tokens]
    assert got == [
        ("EU-Kommission", "whole", 0, "eu-kommission"),
        ("EU", "hpart", 0, "eu"),
        ("Kommission", "hpart", 1, "kommission"),
        ("begrüßt", "word", 2, "begrusst"),
        ("1,5", "word", 3, "1,5"),
        ("Mrd.", "word", 4, "mrd"),
        ("z.B.", "word", 5, "zb"),
        ("www.orf.at", "word", 6, "www.orf.at"),
        ("Sicherheitsgarantien", "word", 7, "sicherheitsgaranti"),
        ("Sicherheitsgarantien", "cpart", 7, "sich"),
        ("Sicherheitsgarantien", "cpart", 7, "garanti"),
        ("nicht", "word", 8, "nicht"),
        ("Kremlchef-Treffen", "whole", 9, "kremlchef-treff"),
        ("Kremlchef", "hpart", 9, "kremlchef"),
        ("Kremlchef", "cpart", 9, "kreml"),
        ("Kremlchef", "cpart", 9, "chef"),
        ("Treffen", "hpart", 10, "treff"),
    ]
    for t in tokens:
        assert SENTENCE[t.start : t.end] == t.original


def test_hyphenated_word_and_its_parts_take_the_positions_a_phrase_needs() -> None:
    tokens = analyze("US-Präsident Trump")
    assert [(t.text, t.position, t.start, t.end) for t in tokens] == [
        ("us-prasident", 0, 0, 12),
        ("us", 0, 0, 2),
        ("prasident", 1, 3, 12),
        ("trump", 2, 13, 18),
    ]


def test_stopwords_leave_no_gap_between_the_words_around_them() -> None:
    tokens = analyze("Sicherheitsgarantien für die Ukraine")
    assert [(t.text, t.position) for t in tokens] == [
        ("sicherheitsgaranti", 0),
        ("sich", 0),
        ("garanti", 0),
        ("ukrain", 1),
    ]


def test_offsets_and_positions_hold_on_the_seed_article() -> None:
    tokens = analyze(SEED)
    check_invariants(SEED, tokens)
    assert len(tokens) > 500
    assert {"whole", "hpart", "cpart", "word"} <= {t.kind for t in tokens}
    compounds = {t.original for t in tokens if t.kind == "cpart"}
    assert {"Sicherheitsgarantien", "Kremlchef", "Verteidigungsminister"} <= compounds


def test_offsets_and_positions_hold_on_the_10kgnad_sample() -> None:
    for text in corpus_sample(every=50):
        check_invariants(text, analyze(text))


def test_start_char_and_start_pos_shift_every_token() -> None:
    analyzer = german_analyzer()
    text = "Der US-Präsident lobt die Sicherheitsgarantien."
    for mode in ("index", "query"):
        base = rows(analyzer, text, mode=mode)
        shifted = rows(analyzer, text, mode=mode, start_pos=7, start_char=100)
        assert shifted == [(w, p + 7, s + 100, e + 100, k) for w, p, s, e, k in base]


def test_the_invariant_check_can_fail() -> None:
    tokens = analyze("Kremlchef Putin")
    bad_offset = [*tokens[:-1], AnalyzedToken("putin", 9, 15, 1, "word", "Putin")]
    with pytest.raises(AssertionError):
        check_invariants("Kremlchef Putin", bad_offset)
    jump = [*tokens[:-1], AnalyzedToken("putin", 10, 15, 3, "word", "Putin")]
    with pytest.raises(AssertionError):
        check_invariants("Kremlchef Putin", jump)


# (b) Any text: no crash, offsets in bounds and ordered, the same output every time ------------

_PIECES = st.sampled_from(
    [
        *"aäbcdeéfghijklmnoöpqrsßtuüvwxyzAÄBCDEFGHIJKLMNOÖPQRSTUÜVWXYZẞ",
        *"0123456789",
        *" \t\n\r\u00a0\u2009",
        *".,;:!?-–—_/\\@#%&+*=()[]{}<>'\"",
        *"„“”‚‘’»«›‹…",
        *"😀🇩🇪👍🏽\u200d\u0301ﬁİı",
        "US-",
        "-Präsident",
        "z.B.",
        "Dr.",
        "www.",
        "https://",
        ".de",
        "@example",
        "1,5",
        "21.30",
        "Straße",
        "Mueller",
        "Sicherheitsgarantien",
        "Verteidigungsminister",
        "kein ",
        "nicht ",
        "die ",
        "und ",
    ]
)
TEXTS = st.one_of(st.lists(_PIECES, max_size=30).map("".join), st.text(max_size=40))
FUZZ = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(TEXTS)
def test_any_text_gives_well_formed_tokens_every_time(text: str) -> None:
    tokens = analyze(text)
    check_invariants(text, tokens)
    assert analyze(text) == tokens
    shared = german_analyzer()
    first = rows(shared, text, mode="index")
    assert rows(shared, text, mode="index") == first  # the warm cache changes nothing
    assert first == [(t.text, t.position, t.start, t.end, t.kind) for t in tokens]


@FUZZ
@given(TEXTS)
def test_any_text_analyses_alike_for_the_index_and_for_queries(text: str) -> None:
    check_alike(text)


def check_alike(text: str) -> None:
    """Index and query analysis (and the documented chain, and the exact twin)
    give ``text`` the same tokens."""
    analyzer = german_analyzer()
    indexed = rows(analyzer, text, mode="index")
    assert rows(analyzer, text, mode="query") == indexed
    assert rows(documented_chain(), text, mode="index") == indexed
    exact = exact_analyzer()
    assert rows(exact, text, mode="query") == rows(exact, text, mode="index")


@FUZZ
@given(TEXTS, st.integers(min_value=1, max_value=4))
def test_find_gives_the_indexed_tokens_of_the_wanted_terms(text: str, every: int) -> None:
    """The highlighter's shortcut: offsets and terms as the token stream has them."""
    analyzer = german_analyzer()
    tokens = [(t.startchar, t.endchar, t.text) for t in analyzer(text, chars=True, mode="index")]
    wanted = {term for _, _, term in tokens[::every]}
    assert list(analyzer.find(text, wanted)) == [t for t in tokens if t[2] in wanted]
    assert list(analyzer.find(text, set())) == []


# (c) Pickling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        AnalyzerConfig(),
        AnalyzerConfig(min_part_length=4),
        AnalyzerConfig(stemming=False, stopwords=False),
        AnalyzerConfig(decompound=False, normalize=False),
    ],
    ids=["default", "min4", "nostem-nostop", "nosplit-nonorm"],
)
def test_the_analyzer_survives_pickling(config: AnalyzerConfig) -> None:
    analyzer = german_analyzer(config)
    before = rows(analyzer, SEED, mode="index")  # fills the analyzer's caches first
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    assert rows(copy, SEED, mode="index") == before
    assert rows(copy, SEED, mode="query") == rows(analyzer, SEED, mode="query")
    # Caches are not pickled: a used analyzer pickles like a fresh one.
    assert pickle.dumps(analyzer) == pickle.dumps(german_analyzer(config))


def test_the_exact_analyzer_survives_pickling() -> None:
    analyzer = exact_analyzer()
    before = rows(analyzer, SEED, mode="index")
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    assert rows(copy, SEED, mode="index") == before


def test_the_analyzer_parts_survive_pickling_and_still_make_the_same_chain() -> None:
    parts = [
        GermanTokenizer(),
        LowercaseFilter(),
        GermanStopFilter(),
        GermanDecompoundFilter(min_part_length=3),
        GermanNormalizeFilter(),
        GermanStemFilter(),
    ]
    chain: Any = parts[0]
    for part in parts[1:]:
        chain = chain | part
    before = rows(chain, SEED, mode="index")  # the filters fill their caches
    copies = [pickle.loads(pickle.dumps(part)) for part in parts]
    for part, copy in zip(parts, copies, strict=True):
        assert type(copy) is type(part)
        assert copy == part
    copied_chain: Any = copies[0]
    for copy in copies[1:]:
        copied_chain = copied_chain | copy
    assert rows(copied_chain, SEED, mode="index") == before
    assert before == rows(german_analyzer(), SEED, mode="index")


@pytest.mark.parametrize(
    "part",
    [
        GermanStopFilter(extra=("putin",)),
        GermanDecompoundFilter(min_part_length=5),
        GermanNormalizeFilter(),
        GermanStemFilter(),
    ],
    ids=lambda p: type(p).__name__,
)
def test_a_used_filter_pickles_without_its_caches_and_keeps_its_settings(part: Any) -> None:
    fresh = pickle.dumps(part)
    list(part(GermanTokenizer()(SEED.lower(), positions=True, chars=True)))
    assert pickle.dumps(part) == fresh
    assert pickle.loads(fresh) == part


def test_settings_survive_pickling_in_the_filters() -> None:
    stop = pickle.loads(pickle.dumps(GermanStopFilter(extra=("putin",))))
    text = "Putin und Trump"
    assert [t.text for t in (GermanTokenizer() | LowercaseFilter() | stop)(text)] == ["trump"]
    split = pickle.loads(pickle.dumps(GermanDecompoundFilter(min_part_length=5)))
    assert split == GermanDecompoundFilter(min_part_length=5)
    assert split != GermanDecompoundFilter(min_part_length=3)
    chain: Any = GermanTokenizer() | LowercaseFilter() | split
    assert [t.text for t in chain("Kremlchef Verteidigungsminister")] == [
        "kremlchef",
        "verteidigungsminister",
        "verteidigung",
        "minister",
    ]


def test_the_compound_splitter_survives_pickling() -> None:
    splitter = CompoundSplitter(min_part_length=4)
    assert splitter.split("sicherheitsgarantien") == ("sicherheit", "garantien")
    copy = pickle.loads(pickle.dumps(splitter))
    assert copy == splitter
    assert copy.min_part_length == 4
    for word in ("sicherheitsgarantien", "kremlchef", "ortszeit", "regierung"):
        assert copy.split(word) == splitter.split(word)


@pytest.mark.parametrize(
    "settings_",
    [IndexSettings(), IndexSettings(analyzer=AnalyzerConfig(min_part_length=4, stemming=False))],
    ids=["default", "min4-nostem"],
)
def test_the_index_schema_survives_pickling(settings_: IndexSettings) -> None:
    schema = build_schema(settings_)
    copy = pickle.loads(pickle.dumps(schema))
    assert copy.names() == schema.names()
    for name in schema.names():
        assert type(copy[name]) is type(schema[name]), name
        assert copy[name].stored == schema[name].stored, name
        assert copy[name].scorable == schema[name].scorable, name
    text = SEED[:2000]
    for name in TEXT_FIELDS:
        analyzer = copy[name].analyzer
        assert analyzer == german_analyzer(settings_.analyzer)
        assert rows(analyzer, text, mode="index") == rows(
            german_analyzer(settings_.analyzer), text, mode="index"
        )
        exact = copy[exact_field(name)].analyzer
        assert exact == exact_analyzer(settings_.analyzer)
        assert rows(exact, text, mode="index") == rows(
            exact_analyzer(settings_.analyzer), text, mode="index"
        )


# (d) One chain for indexing and for queries -------------------------------------------------


def test_index_and_query_analysis_agree_on_the_seed_and_the_corpus() -> None:
    analyzer = german_analyzer()
    exact = exact_analyzer()
    chain = documented_chain()
    exact_chain = documented_chain(exact=True)
    for text in [SEED, *corpus_sample(every=40)]:
        indexed = rows(analyzer, text, mode="index")
        assert rows(analyzer, text, mode="query") == indexed
        assert rows(chain, text, mode="index") == indexed
        exact_indexed = rows(exact, text, mode="index")
        assert rows(exact, text, mode="query") == exact_indexed
        assert rows(exact_chain, text, mode="index") == exact_indexed


@pytest.mark.parametrize(
    "config",
    [AnalyzerConfig(stopwords=False), AnalyzerConfig(min_part_length=5, normalize=False)],
    ids=["nostop", "min5-nonorm"],
)
def test_index_and_query_analysis_agree_for_other_configs(config: AnalyzerConfig) -> None:
    analyzer = german_analyzer(config)
    indexed = rows(analyzer, SEED, mode="index")
    assert rows(analyzer, SEED, mode="query") == indexed
    assert rows(documented_chain(config), SEED, mode="index") == indexed


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    lead, _, body = SEED.partition("\n")
    article = Article(id="seed", title="Putin lobt US-Bemühungen", lead=lead, body=body)
    path = tmp_path_factory.mktemp("analysis") / "index"
    build_index(path, [article])[0].close()
    with open_index(path) as index:  # the schema as unpickled from disk
        yield index


# Query words in other forms than the body has them (case, inflection, spelling, compounds).
QUERY_WORDS = [
    "Sicherheitsgarantie",
    "Garantien",
    "Sicherheit",
    "US-Präsidenten",
    "Präsidenten",
    "us-präsident",
    "Verteidigungsministers",
    "Atomwaffe",
    "Waffen",
    "Elmendorf-Richardson",
    "Richardson",
    "EU-Kommission",
    "Kommission",
    "1,5",
    "21.30",
    "2022",
    "Aeusserung",
    "Massnahme",
    "Waffenruhe",
    "Ruhe",
    "Kämpfen",
    "Dorf",
    "nicht",
    "keine",
]


def test_query_words_analyse_to_terms_the_index_holds(seed_index: NewsIndex) -> None:
    schema = seed_index.schema
    analyzer = schema["body"].analyzer
    assert analyzer == german_analyzer(seed_index.settings.analyzer)
    with seed_index.store.reader() as reader:
        for word in QUERY_WORDS:
            terms = [t.text for t in analyzer(word, mode="query")]
            assert terms, word
            missing = [term for term in terms if ("body", term) not in reader]
            assert not missing, f"{word!r} → {terms}, not indexed: {missing}"
        # ... and the check can fail: a word that is not in the article.
        assert ("body", next(iter(analyzer("Hochwasser", mode="query"))).text) not in reader


def test_parsed_queries_use_terms_the_index_holds(seed_index: NewsIndex) -> None:
    with Searcher(seed_index) as searcher, seed_index.store.reader() as reader:
        for word in QUERY_WORDS:
            terms = {
                (field, text)
                for field, text in searcher.parse(word).iter_all_terms()
                if field == "body"
            }
            assert terms, word
            assert all(term in reader for term in terms), (word, terms)
        # The exact twin holds the word as written, lowercased and folded, unstemmed.
        exact = [
            text
            for field, text in searcher.parse("Sicherheitsgarantien").iter_all_terms()
            if field == exact_field("body")
        ]
        assert exact == ["sicherheitsgarantien"]
        assert (exact_field("body"), "sicherheitsgarantien") in reader


# (e) Token kinds and the analyzer's own steps -----------------------------------------------


def test_token_kinds_are_the_plain_strings_they_always_were() -> None:
    assert [str(k) for k in TokenKind] == ["word", "whole", "hpart", "cpart", "stop"]
    assert all(isinstance(k, str) for k in TokenKind)
    assert frozenset({"word", "hpart"}) == PHRASE_KINDS
    assert "hpart" in PHRASE_KINDS and TokenKind.WHOLE not in PHRASE_KINDS
    tokens = analyze("US-Präsident lobt Sicherheitsgarantien")
    assert [t.kind for t in tokens] == ["whole", "hpart", "hpart", "word", "word", "cpart", "cpart"]
    dumped = json.loads(json.dumps([asdict(t) for t in tokens]))
    assert [row["kind"] for row in dumped] == [str(t.kind) for t in tokens]
    assert f"{tokens[0].kind}" == "whole"


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "index"},
        {"mode": "query"},
        {"mode": ""},
        {"mode": "index", "keeporiginal": True},
        {"mode": "index", "removestops": False},
        {"mode": "query", "tokenize": False},
    ],
    ids=["index", "query", "nomode", "keeporiginal", "keepstops", "notokenize"],
)
def test_every_token_carries_a_token_kind(options: dict[str, Any]) -> None:
    text = SEED[:3000]
    for analyzer in (german_analyzer(), exact_analyzer()):
        kinds = {t.kind for t in analyzer(text, positions=True, chars=True, **options)}
        assert kinds and all(type(k) is TokenKind for k in kinds), kinds
    tokens = documented_chain()(text, positions=True, chars=True, mode="query")
    assert all(type(t.kind) is TokenKind for t in tokens)


@pytest.mark.parametrize(
    ("config", "exact", "steps"),
    [
        (
            AnalyzerConfig(),
            False,
            [
                GermanTokenizer,
                LowercaseFilter,
                GermanStopFilter,
                GermanDecompoundFilter,
                GermanNormalizeFilter,
                GermanStemFilter,
                GermanUniquePartsFilter,
            ],
        ),
        (
            AnalyzerConfig(),
            True,
            [GermanTokenizer, LowercaseFilter, GermanStopFilter, GermanNormalizeFilter],
        ),
        (
            AnalyzerConfig(stopwords=False, normalize=False),
            False,
            [
                GermanTokenizer,
                LowercaseFilter,
                GermanDecompoundFilter,
                GermanStemFilter,
                GermanUniquePartsFilter,
            ],
        ),
        (AnalyzerConfig(decompound=False, stemming=False), False, None),
    ],
    ids=["default", "exact", "nostop-nonorm", "nosplit-nostem"],
)
def test_the_analyzer_runs_its_own_steps_built_from_the_config(
    config: AnalyzerConfig, exact: bool, steps: list[type] | None
) -> None:
    analyzer = german_analyzer(config) if not exact else exact_analyzer(config)
    want = steps or [GermanTokenizer, LowercaseFilter, GermanStopFilter, GermanNormalizeFilter]
    assert [type(step) for step in analyzer.steps] == want
    assert analyzer.steps == pickle.loads(pickle.dumps(analyzer)).steps
    # Whoosh's composition of the same steps (for callers who want it) agrees.
    chain = documented_chain(config, exact=exact)
    assert rows(analyzer.chain, SEED, mode="query") == rows(chain, SEED, mode="query")
    assert rows(analyzer, SEED, mode="query") == rows(chain, SEED, mode="query")


def test_no_morph_skips_stemming_as_in_whoosh_composition() -> None:
    """Whoosh asks for unstemmed words with ``no_morph=True`` (spelling suggestions)."""
    analyzer = german_analyzer()
    text = "Die Verteidigungsminister beraten über Sicherheitsgarantien"
    for mode in ("query", ""):
        unstemmed = rows(analyzer, text, mode=mode, no_morph=True)
        assert unstemmed == rows(documented_chain(), text, mode=mode, no_morph=True)
        assert unstemmed == rows(documented_chain(AnalyzerConfig(stemming=False)), text, mode=mode)
        assert unstemmed != rows(analyzer, text, mode=mode)
