"""Run an OpenSearch export in Apache Lucene, without a cluster.

OpenSearch's analysis chains and BM25 are Lucene's classes, so the parity of
``newssearch.opensearch``'s export can be checked on Lucene itself:

- :func:`analyzer_from_settings` assembles a Lucene ``Analyzer`` with
  ``CustomAnalyzer.builder()`` from exactly the components and parameters of
  an OpenSearch ``settings.analysis`` dict, mapping each OpenSearch tokenizer
  and filter type to the Lucene factory OpenSearch itself uses (see
  :func:`analyzer_spec`, which is plain Python and needs no Java);
- :class:`LuceneIndex` builds a Lucene index from an ``index.json`` (its
  mappings and BM25 settings), loads ``_bulk`` lines, and answers the Query
  DSL subset that ``to_query_dsl`` emits the way OpenSearch builds Lucene
  queries from it (``multi_match``, ``match``, ``match_phrase``, ``bool``,
  ``dis_max``, ``prefix``, ``term(s)``, ``range``, ``constant_score``,
  ``rescore``, ``sort``, ``from``/``size``, ``terms`` aggregations).

Lucene runs in-process through ``jpype1`` (``pip install -e '.[lucene]'``)
on the jar ``tools/fetch_lucene.py`` fetches (Lucene 9.9.1, Java ≥ 11).  One
OpenSearch parameter Lucene's factory cannot take (``truncate`` longer than
127: Lucene parses the length as a byte) is served by a ten-line factory
class compiled with ``javac`` on first use and cached beside the jar.

    >>> import lucene_bridge as lb                                 # doctest: +SKIP
    >>> a = lb.analyzer_from_settings(index["settings"]["analysis"], "german")  # doctest: +SKIP
    >>> lb.analyze(a, "Die Sicherheitsgarantien")                  # doctest: +SKIP
    [(1, 'sicherheitsgaranti'), (1, 'sich'), (1, 'garanti')]
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newssearch.errors import InputError

__all__ = [
    "ENV_JAR",
    "AnalyzerSpec",
    "Component",
    "LuceneIndex",
    "LuceneResult",
    "LuceneToken",
    "LuceneUnavailable",
    "UnsupportedComponent",
    "UnsupportedQuery",
    "analyze",
    "analyze_tokens",
    "analyzer_from_settings",
    "analyzer_spec",
    "find_jar",
    "lucene_unavailable",
    "start_jvm",
]

ENV_JAR = "NEWSSEARCH_LUCENE_JAR"


class LuceneUnavailable(RuntimeError):
    """Java, jpype1 or the Lucene jar is missing (the message says which)."""


class UnsupportedComponent(InputError):
    """An analysis component (or parameter) the bridge does not map to Lucene."""


class UnsupportedQuery(InputError):
    """A Query DSL construct outside the subset ``to_query_dsl`` may emit."""


# ---------------------------------------------------------------------------
# The JVM


def find_jar() -> Path | None:
    """``$NEWSSEARCH_LUCENE_JAR``, else the newest jar ``tools/fetch_lucene.py`` cached."""
    named = os.environ.get(ENV_JAR)
    if named:
        return Path(named) if Path(named).is_file() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    found = sorted((Path(base) / "newssearch" / "lucene").glob("anserini-*-fatjar.jar"))
    return found[-1] if found else None


def lucene_unavailable() -> str | None:
    """Why Lucene cannot run here, or ``None`` when it can (does not start the JVM)."""
    try:
        import jpype  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return "jpype1 is not installed (pip install -e '.[lucene]')"
    if find_jar() is None:
        return f"no Lucene jar: run tools/fetch_lucene.py or set {ENV_JAR}"
    if not jpype.isJVMStarted():
        try:
            jpype.getDefaultJVMPath()
        except Exception as exc:  # jpype raises its own JVMNotFoundException
            return f"no Java runtime found: {exc}"
    return None


#: Java sources compiled at run time: factories whose Lucene version cannot
#: take OpenSearch's parameters.  Lucene's TruncateTokenFilterFactory parses its
#: length as a byte (at most 127); OpenSearch's ``truncate`` takes any int.
_JAVA_PACKAGE = "newssearch.bridge"
_JAVA_SOURCES = {
    "IntTruncateFilterFactory": """
package newssearch.bridge;

import java.util.Map;
import org.apache.lucene.analysis.TokenFilterFactory;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;

/** OpenSearch's truncate filter: TruncateTokenFilter with an int length. */
public class IntTruncateFilterFactory extends TokenFilterFactory {
  public static final String NAME = "newssearchIntTruncate";
  private final int length;

  public IntTruncateFilterFactory(Map<String, String> args) {
    super(args);
    length = requireInt(args, "length");
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("Unknown parameters: " + args);
    }
  }

  public IntTruncateFilterFactory() {
    throw defaultCtorException();
  }

  @Override
  public TokenStream create(TokenStream input) {
    return new TruncateTokenFilter(input, length);
  }
}
""",
}
#: Components that need a compiled class: SPI name → the class's simple name.
_COMPILED = {"newssearchIntTruncate": "IntTruncateFilterFactory"}


def _compiled_classes(jar: Path) -> Path | None:
    """The directory of the compiled helper classes (compiled once, cached beside
    the jar's cache), or ``None`` when no ``javac`` is found."""
    import shutil
    import subprocess

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    out = Path(base) / "newssearch" / "lucene" / "bridge-classes"
    wanted = [out / _JAVA_PACKAGE.replace(".", "/") / f"{n}.class" for n in _JAVA_SOURCES]
    if all(p.is_file() for p in wanted):
        return out
    javac = shutil.which("javac")
    if javac is None:
        return None
    with tempfile.TemporaryDirectory(prefix="newssearch-javac-") as tmp:
        sources = []
        for name, text in _JAVA_SOURCES.items():
            path = Path(tmp) / f"{name}.java"
            path.write_text(text, encoding="utf-8")
            sources.append(str(path))
        out.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [javac, "--release", "11", "-cp", str(jar), "-d", str(out), *sources],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise LuceneUnavailable(f"javac failed on the bridge's helper classes: {done.stderr}")
    return out


def start_jvm(jar: Path | None = None) -> Path:
    """Start the JVM on the Lucene jar (once per process) and return the jar's path.

    Raises :class:`LuceneUnavailable` when jpype, Java or the jar is missing.
    """
    reason = lucene_unavailable() if jar is None else None
    if reason is not None:
        raise LuceneUnavailable(reason)
    import jpype  # type: ignore[import-untyped,import-not-found,unused-ignore]

    path = jar or find_jar()
    assert path is not None
    if not jpype.isJVMStarted():
        classes = _compiled_classes(path)
        classpath = [str(path)] + ([str(classes)] if classes is not None else [])
        # convertStrings: Java strings come back as Python str.
        jpype.startJVM(classpath=classpath, convertStrings=True)
    return path


def _j(name: str) -> Any:
    """A Java class by its full name (the JVM must be started)."""
    import jpype  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return jpype.JClass(name)


def _hashmap(values: Mapping[str, str]) -> Any:
    out = _j("java.util.HashMap")()
    for k, v in values.items():
        out.put(k, v)
    return out


def _arraylist(values: Iterable[Any]) -> Any:
    out = _j("java.util.ArrayList")()
    for v in values:
        out.add(v)
    return out


# ---------------------------------------------------------------------------
# Analysis: OpenSearch components → Lucene factories


@dataclass(frozen=True)
class Component:
    """One Lucene analysis factory by its SPI name, with its arguments."""

    spi: str
    args: Mapping[str, str] = field(default_factory=dict)


#: Word lists written for the factories that read files: a tuple of words, or
#: the name of a list Lucene ships (``_german_`` …), resolved when built.
WordList = tuple[str, ...] | str


@dataclass(frozen=True)
class AnalyzerSpec:
    """A chain as Lucene factories, and the word files its arguments name."""

    tokenizer: Component
    filters: tuple[Component, ...]
    files: Mapping[str, WordList] = field(default_factory=dict)


#: OpenSearch's predefined stopword lists the bridge knows (Lucene's sets).
_PREDEFINED_STOPS = {
    "_german_": "org.apache.lucene.analysis.de.GermanAnalyzer",
    "_english_": "org.apache.lucene.analysis.en.EnglishAnalyzer",
}

#: ``stemmer`` filter names (OpenSearch's StemmerTokenFilterFactory) → Lucene.
_STEMMERS: dict[str, Component] = {
    "german": Component("snowballPorter", {"language": "German"}),
    "german2": Component("snowballPorter", {"language": "German2"}),
    "light_german": Component("germanLightStem"),
    "lightgerman": Component("germanLightStem"),
    "minimal_german": Component("germanMinimalStem"),
    "minimalgerman": Component("germanMinimalStem"),
    "english": Component("porterStem"),
    "porter": Component("porterStem"),
    "porter2": Component("snowballPorter", {"language": "English"}),
}

#: Built-in tokenizer and filter names usable without a definition.
_BUILTIN_TOKENIZERS = {"standard", "whitespace", "keyword", "letter", "pattern"}
_BUILTIN_FILTERS = {
    "lowercase",
    "german_normalization",
    "german_stem",
    "asciifolding",
    "stop",
    "unique",
    "remove_duplicates",
}


def _bool(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if str(value).lower() in ("true", "false"):
        return str(value).lower()
    raise UnsupportedComponent(f"expected true or false, not {value!r}")


def _int(value: Any, what: str) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        raise UnsupportedComponent(f"{what} must be a whole number, not {value!r}") from None


def _check_keys(kind: str, name: str, spec: Mapping[str, Any], known: set[str]) -> None:
    extra = set(spec) - known - {"type"}
    if extra:
        raise UnsupportedComponent(
            f"{kind} {name!r} ({spec.get('type', name)}): unmapped option(s) {sorted(extra)}"
        )


def _word_list(
    kind: str, name: str, spec: Mapping[str, Any], key: str, files: dict[str, WordList]
) -> str:
    """Register the words of ``spec[key]`` (or ``spec[key + '_path']``) as a file; its name."""
    filename = f"{kind}_{len(files)}.txt"
    inline = spec.get(key)
    path = spec.get(f"{key}_path")
    if inline is not None and path is not None:
        raise UnsupportedComponent(f"{name!r}: give {key} or {key}_path, not both")
    if isinstance(inline, str):
        if inline == "_none_":
            files[filename] = ()
        elif inline in _PREDEFINED_STOPS:
            files[filename] = inline
        else:
            raise UnsupportedComponent(f"{name!r}: predefined list {inline!r} is not mapped")
    elif isinstance(inline, list):
        files[filename] = tuple(str(w) for w in inline)
    elif path is not None:
        # OpenSearch resolves a relative path against its config directory;
        # here it is taken as it stands.
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UnsupportedComponent(
                f"{name!r}: cannot read {key}_path {path!r}: {exc}"
            ) from None
        files[filename] = tuple(w.strip() for w in text.splitlines() if w.strip())
    else:
        raise UnsupportedComponent(f"{name!r} ({spec.get('type')}) needs {key} or {key}_path")
    return filename


def _tokenizer(analysis: Mapping[str, Any], name: str) -> Component:
    defined = analysis.get("tokenizer", {}).get(name)
    if defined is None:
        if name not in _BUILTIN_TOKENIZERS:
            raise UnsupportedComponent(f"tokenizer {name!r} is neither defined nor mapped")
        defined = {"type": name}
    kind = defined.get("type")
    if kind == "standard":
        _check_keys("tokenizer", name, defined, {"max_token_length"})
        args = {}
        if "max_token_length" in defined:
            args["maxTokenLength"] = _int(defined["max_token_length"], "max_token_length")
        return Component("standard", args)
    if kind == "pattern":
        _check_keys("tokenizer", name, defined, {"pattern", "group", "flags"})
        if defined.get("flags"):
            raise UnsupportedComponent(f"tokenizer {name!r}: pattern flags are not mapped")
        return Component(
            "pattern",
            {
                "pattern": str(defined.get("pattern", r"\W+")),
                "group": _int(defined.get("group", -1), "group"),
            },
        )
    if kind == "whitespace":
        _check_keys("tokenizer", name, defined, {"max_token_length"})
        args = {}
        if "max_token_length" in defined:
            args["maxTokenLen"] = _int(defined["max_token_length"], "max_token_length")
        return Component("whitespace", args)
    if kind in ("keyword", "letter"):
        _check_keys("tokenizer", name, defined, set())
        return Component(str(kind))
    raise UnsupportedComponent(f"tokenizer {name!r} of type {kind!r} is not mapped")


def _filter(analysis: Mapping[str, Any], name: str, files: dict[str, WordList]) -> Component:
    defined = analysis.get("filter", {}).get(name)
    if defined is None:
        if name not in _BUILTIN_FILTERS:
            raise UnsupportedComponent(f"token filter {name!r} is neither defined nor mapped")
        defined = {"type": name}
    kind = defined.get("type")
    if kind == "lowercase":
        _check_keys("filter", name, defined, {"language"})
        language = defined.get("language")
        if language is None:
            return Component("lowercase")
        if language in ("greek", "irish", "turkish"):
            return Component(f"{language}LowerCase")
        raise UnsupportedComponent(f"filter {name!r}: lowercase language {language!r}")
    if kind == "stop":
        _check_keys(
            "filter",
            name,
            defined,
            {"stopwords", "stopwords_path", "ignore_case", "remove_trailing"},
        )
        if "remove_trailing" in defined and _bool(defined["remove_trailing"]) == "false":
            raise UnsupportedComponent(f"filter {name!r}: remove_trailing false is not mapped")
        spec = dict(defined)
        if "stopwords" not in spec and "stopwords_path" not in spec:
            spec["stopwords"] = "_english_"  # OpenSearch's default list
        words = _word_list("stop", name, spec, "stopwords", files)
        return Component(
            "stop", {"words": words, "ignoreCase": _bool(defined.get("ignore_case", False))}
        )
    if kind == "dictionary_decompounder":
        options = {
            "min_word_size": "minWordSize",
            "min_subword_size": "minSubwordSize",
            "max_subword_size": "maxSubwordSize",
        }
        _check_keys(
            "filter",
            name,
            defined,
            {*options, "only_longest_match", "word_list", "word_list_path"},
        )
        args = {"dictionary": _word_list("compound", name, defined, "word_list", files)}
        for key, lucene in options.items():
            if key in defined:
                args[lucene] = _int(defined[key], key)
        if "only_longest_match" in defined:
            args["onlyLongestMatch"] = _bool(defined["only_longest_match"])
        return Component("dictionaryCompoundWord", args)
    if kind == "german_normalization":
        _check_keys("filter", name, defined, set())
        return Component("germanNormalization")
    if kind == "german_stem":
        _check_keys("filter", name, defined, set())
        return Component("germanStem")
    if kind == "snowball":
        _check_keys("filter", name, defined, {"language", "name"})
        # OpenSearch: Strings.capitalize(language), then SnowballFilter(stream, language).
        language = str(defined.get("language", defined.get("name", "English")))
        return Component("snowballPorter", {"language": language[:1].upper() + language[1:]})
    if kind == "stemmer":
        _check_keys("filter", name, defined, {"language", "name"})
        language = str(defined.get("language", defined.get("name", "porter"))).lower()
        if language not in _STEMMERS:
            raise UnsupportedComponent(f"filter {name!r}: stemmer {language!r} is not mapped")
        return _STEMMERS[language]
    if kind == "unique":
        _check_keys("filter", name, defined, {"only_on_same_position"})
        if _bool(defined.get("only_on_same_position", False)) != "true":
            # OpenSearch's UniqueTokenFilter (across positions) is not Lucene's.
            raise UnsupportedComponent(f"filter {name!r}: unique needs only_on_same_position")
        return Component("removeDuplicates")
    if kind == "pattern_replace":
        _check_keys("filter", name, defined, {"pattern", "replacement", "all", "flags"})
        if defined.get("flags"):
            raise UnsupportedComponent(f"filter {name!r}: pattern flags are not mapped")
        return Component(
            "patternReplace",
            {
                "pattern": str(defined["pattern"]),
                "replacement": str(defined.get("replacement", "")),
                "replace": "all" if _bool(defined.get("all", True)) == "true" else "first",
            },
        )
    if kind == "truncate":
        _check_keys("filter", name, defined, {"length"})
        length = _int(defined.get("length", 10), "length")
        if int(length) <= 127:
            return Component("truncate", {"prefixLength": length})
        return Component("newssearchIntTruncate", {"length": length})
    if kind == "keyword_marker":
        _check_keys(
            "filter",
            name,
            defined,
            {"keywords", "keywords_path", "keywords_pattern", "ignore_case"},
        )
        if "keywords_pattern" in defined:
            if "keywords" in defined or "keywords_path" in defined:
                raise UnsupportedComponent(f"filter {name!r}: keywords and a pattern")
            # OpenSearch: PatternKeywordMarkerFilter(Pattern.compile(keywords_pattern)).
            return Component("keywordMarker", {"pattern": str(defined["keywords_pattern"])})
        words = _word_list("keywords", name, defined, "keywords", files)
        return Component(
            "keywordMarker",
            {"protected": words, "ignoreCase": _bool(defined.get("ignore_case", False))},
        )
    if kind == "stemmer_override":
        _check_keys("filter", name, defined, {"rules", "rules_path"})
        lines = _word_list("override", name, defined, "rules", files)
        rules: list[str] = []
        for rule in files[lines]:
            # OpenSearch's "a, b => stem"; Lucene's file: "a<TAB>stem" a line.
            left, arrow, right = str(rule).partition("=>")
            if not arrow or not right.strip():
                raise UnsupportedComponent(f"filter {name!r}: rule {rule!r} is not 'a, b => c'")
            rules += [f"{w.strip()}\t{right.strip()}" for w in left.split(",") if w.strip()]
        files[lines] = tuple(rules)
        return Component("stemmerOverride", {"dictionary": lines, "ignoreCase": "false"})
    if kind == "synonym":
        _check_keys(
            "filter", name, defined, {"synonyms", "synonyms_path", "expand", "lenient", "format"}
        )
        if defined.get("format", "solr") != "solr":
            raise UnsupportedComponent(f"filter {name!r}: only the solr synonym format is mapped")
        # OpenSearch parses the rules with the chain before this filter; the bridge
        # with Lucene's whitespace tokenizer, which is the same for rules of
        # single lowercase words that chain leaves as they are (the export's:
        # tests/test_lucene_parity.py checks it on the sample).
        return Component(
            "synonym",
            {
                "synonyms": _word_list("synonyms", name, defined, "synonyms", files),
                "expand": _bool(defined.get("expand", True)),
                "format": "solr",
            },
        )
    if kind == "remove_duplicates":
        _check_keys("filter", name, defined, set())
        return Component("removeDuplicates")
    if kind == "asciifolding":
        _check_keys("filter", name, defined, {"preserve_original"})
        return Component(
            "asciiFolding", {"preserveOriginal": _bool(defined.get("preserve_original", False))}
        )
    raise UnsupportedComponent(f"token filter {name!r} of type {kind!r} is not mapped")


def analyzer_spec(analysis: Mapping[str, Any], name: str) -> AnalyzerSpec:
    """The Lucene factories for analyzer ``name`` of an OpenSearch ``settings.analysis``.

    Plain Python (no Java): raises :class:`UnsupportedComponent` for a
    component, type or option it does not map, so nothing is silently dropped.

    >>> analyzer_spec({"analyzer": {"a": {"type": "custom", "tokenizer": "standard",
    ...     "filter": ["lowercase", "german_normalization"]}}}, "a").filters
    (Component(spi='lowercase', args={}), Component(spi='germanNormalization', args={}))
    """
    defined = analysis.get("analyzer", {}).get(name)
    if defined is None:
        if name == "standard":
            defined = {"type": "standard"}
        elif name in ("keyword", "whitespace"):
            defined = {"type": "custom", "tokenizer": name}
        else:
            raise UnsupportedComponent(f"analyzer {name!r} is not defined in the settings")
    kind = defined.get("type", "custom")
    files: dict[str, WordList] = {}
    if kind == "standard":
        _check_keys("analyzer", name, defined, {"stopwords", "max_token_length"})
        tokenizer = _tokenizer(
            {"tokenizer": {"t": {"type": "standard", **_only(defined, "max_token_length")}}}, "t"
        )
        filters = [Component("lowercase")]
        stops = defined.get("stopwords", "_none_")
        if stops != "_none_":
            words = _word_list("stop", name, {"stopwords": stops}, "stopwords", files)
            filters.append(Component("stop", {"words": words, "ignoreCase": "false"}))
        return AnalyzerSpec(tokenizer, tuple(filters), files)
    if kind != "custom":
        raise UnsupportedComponent(f"analyzer {name!r} of type {kind!r} is not mapped")
    _check_keys(
        "analyzer", name, defined, {"tokenizer", "filter", "char_filter", "position_increment_gap"}
    )
    if defined.get("char_filter"):
        raise UnsupportedComponent(f"analyzer {name!r}: char filters are not mapped")
    if "tokenizer" not in defined:
        raise UnsupportedComponent(f"analyzer {name!r} names no tokenizer")
    filter_names = defined.get("filter", [])
    if isinstance(filter_names, str):
        filter_names = [filter_names]
    return AnalyzerSpec(
        _tokenizer(analysis, str(defined["tokenizer"])),
        tuple(_filter(analysis, str(f), files) for f in filter_names),
        files,
    )


def _only(spec: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: spec[k] for k in keys if k in spec}


def build_analyzer(spec: AnalyzerSpec) -> Any:
    """A Lucene ``CustomAnalyzer`` from ``spec`` (starts the JVM if needed)."""
    start_jvm()
    with tempfile.TemporaryDirectory(prefix="newssearch-lucene-words-") as tmp:
        for filename, words in spec.files.items():
            if isinstance(words, str):
                stop_set = _j(_PREDEFINED_STOPS[words]).getDefaultStopSet()
                words = tuple(sorted(str(w) for w in stop_set))
            # One word a line; Lucene's word-set reader skips lines starting with '#'.
            (Path(tmp) / filename).write_text(
                "".join(f"{w}\n" for w in words if w and not w.startswith("#")),
                encoding="utf-8",
            )
        builder = _j("org.apache.lucene.analysis.custom.CustomAnalyzer").builder(
            _j("java.nio.file.Paths").get(tmp)
        )
        builder = builder.withTokenizer(spec.tokenizer.spi, _hashmap(spec.tokenizer.args))
        for f in spec.filters:
            if f.spi in _COMPILED:
                try:
                    factory = _j(f"{_JAVA_PACKAGE}.{_COMPILED[f.spi]}")
                except TypeError:  # jpype: class not found
                    raise UnsupportedComponent(
                        f"{f.spi} needs a class compiled with javac, and no javac was found"
                    ) from None
                builder = builder.addTokenFilter(factory, _hashmap(f.args))
            else:
                builder = builder.addTokenFilter(f.spi, _hashmap(f.args))
        # Factories read their word files here, so the directory may go afterwards.
        return builder.build()


def analyzer_from_settings(analysis: Mapping[str, Any], name: str) -> Any:
    """A Lucene ``Analyzer`` for analyzer ``name`` of an OpenSearch ``settings.analysis``."""
    return build_analyzer(analyzer_spec(analysis, name))


@dataclass(frozen=True, slots=True)
class LuceneToken:
    """A token as Lucene's ``_analyze`` shows it."""

    position: int
    term: str
    start: int
    end: int
    type: str


def analyze_tokens(analyzer: Any, text: str, *, field_name: str = "f") -> list[LuceneToken]:
    """Every token ``analyzer`` makes of ``text``, with positions and offsets."""
    attrs = "org.apache.lucene.analysis.tokenattributes."
    out: list[LuceneToken] = []
    stream = analyzer.tokenStream(field_name, text)
    try:
        term = stream.addAttribute(_j(attrs + "CharTermAttribute"))
        inc = stream.addAttribute(_j(attrs + "PositionIncrementAttribute"))
        offset = stream.addAttribute(_j(attrs + "OffsetAttribute"))
        kind = stream.addAttribute(_j(attrs + "TypeAttribute"))
        stream.reset()
        position = -1
        while stream.incrementToken():
            position += int(inc.getPositionIncrement())
            out.append(
                LuceneToken(
                    position,
                    str(term.toString()),
                    int(offset.startOffset()),
                    int(offset.endOffset()),
                    str(kind.type()),
                )
            )
        stream.end()
    finally:
        stream.close()
    return out


def analyze(analyzer: Any, text: str) -> list[tuple[int, str]]:
    """``(position, term)`` of each token ``analyzer`` makes of ``text``, in order."""
    return [(t.position, t.term) for t in analyze_tokens(analyzer, text)]


# ---------------------------------------------------------------------------
# Index and search


@dataclass(frozen=True)
class LuceneResult:
    """What a search returns: ranked ``(id, score)``, total matches, aggregations."""

    hits: tuple[tuple[str, float], ...]
    total: int
    aggregations: Mapping[str, tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class _Field:
    name: str  # the Lucene field: "title", "title.exact"
    type: str  # text, keyword, date
    analyzer: str | None = None
    search_analyzer: str | None = None
    quote_analyzer: str | None = None
    similarity: str | None = None
    normalizer: str | None = None  # keyword fields: the value as its normalizer makes it
    indexed: bool = True


def _fields(properties: Mapping[str, Any], prefix: str = "") -> Iterator[_Field]:
    for name, spec in properties.items():
        full = prefix + name
        kind = spec.get("type", "object" if "properties" in spec else None)
        if kind == "text":
            analyzer = spec.get("analyzer", "standard")
            search = spec.get("search_analyzer", analyzer)
            yield _Field(
                full,
                "text",
                analyzer,
                search,
                spec.get("search_quote_analyzer", search),
                spec.get("similarity"),
            )
        elif kind == "keyword":
            _check_keys(
                "mapping",
                full,
                spec,
                {"normalizer", "index", "doc_values", "fields", "ignore_above"},
            )
            indexed = _bool(spec.get("index", True)) == "true"
            yield _Field(full, kind, normalizer=spec.get("normalizer"), indexed=indexed)
        elif kind == "date":
            _check_keys("mapping", full, spec, {"format", "index", "doc_values"})
            fmt = spec.get("format", "strict_date_optional_time")
            if fmt not in ("strict_date_optional_time", "strict_date_optional_time||epoch_millis"):
                raise UnsupportedComponent(f"mapping of {full!r}: date format {fmt!r}")
            yield _Field(full, kind, indexed=_bool(spec.get("index", True)) == "true")
        else:
            raise UnsupportedComponent(f"mapping of {full!r}: type {kind!r} is not mapped")
        for sub, sub_spec in spec.get("fields", {}).items():
            yield from _fields({sub: sub_spec}, full + ".")


def _epoch_millis(value: Any, *, round_up: bool = False) -> int:
    """Milliseconds since the epoch of an ISO date or date-time (date-only → UTC day;
    ``round_up`` makes it the day's last millisecond, as OpenSearch does for gt/lte)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if round_up:
                moment += timedelta(days=1) - timedelta(milliseconds=1)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise UnsupportedQuery(f"{value!r} is not an ISO date") from None
    return math.floor(moment.timestamp() * 1000)


class LuceneIndex:
    """A Lucene index with an ``index.json``'s mappings, analysis and BM25 settings.

    Text fields (and their ``fields`` sub-fields, as ``title.exact``) are
    indexed with their analyzer and norms; keyword fields as untokenized
    terms without norms (stored, for aggregations); ``date`` fields as a
    ``LongPoint`` of epoch milliseconds with doc values for sorting.  The
    similarity is ``BM25Similarity(k1, b)`` from ``settings.index.similarity``.
    OpenSearch scores with ``LegacyBM25Similarity``, (1 + k1) times Lucene's
    BM25; this jar lacks that class, so instead every constant score (prefix,
    terms, range, constant_score, match_all) is divided by (1 + k1): each
    document's score is OpenSearch's divided by (1 + k1), in the same order.
    """

    def __init__(self, index_json: Mapping[str, Any]) -> None:
        start_jvm()
        settings = index_json.get("settings", {})
        if "index" in settings and isinstance(settings["index"], Mapping):
            settings = {**settings, **settings["index"]}
        self.analysis: Mapping[str, Any] = settings.get("analysis", {})
        mappings = index_json.get("mappings", {})
        self.fields = {f.name: f for f in _fields(mappings.get("properties", {}))}
        self._analyzers: dict[str, Any] = {}
        self.similarity = self._similarity(settings.get("similarity", {}))
        k1 = float(self.similarity.getK1())
        #: Constant scores on the scale of BM25Similarity, as OpenSearch's
        #: LegacyBM25Similarity puts them relative to (1 + k1) · BM25.
        self._constant_scale = 1.0 / (1.0 + k1)
        per_field = {
            f.name: self.analyzer(f.analyzer)
            for f in self.fields.values()
            if f.type == "text" and f.analyzer
        }
        wrapper = _j("org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper")(
            self.analyzer("standard"), _hashmap_any(per_field)
        )
        config = _j("org.apache.lucene.index.IndexWriterConfig")(wrapper)
        config.setSimilarity(self.similarity)
        self._directory = _j("org.apache.lucene.store.ByteBuffersDirectory")()
        self._writer = _j("org.apache.lucene.index.IndexWriter")(self._directory, config)
        self._searcher: Any = None
        self._ids: dict[int, str] = {}
        self._stored: dict[int, Any] = {}

    # -- setup

    def analyzer(self, name: str) -> Any:
        """The Lucene analyzer named ``name`` in the settings (built once)."""
        if name not in self._analyzers:
            self._analyzers[name] = analyzer_from_settings(self.analysis, name)
        return self._analyzers[name]

    def _similarity(self, similarities: Mapping[str, Any]) -> Any:
        used = {f.similarity for f in self.fields.values() if f.type == "text"}
        names = {n for n in used if n is not None} or {"default"}
        if len(names) > 1:
            raise UnsupportedComponent(f"one similarity for all fields, not {sorted(names)}")
        name = names.pop()
        spec = similarities.get(name, {"type": "BM25"} if name in ("default", "BM25") else None)
        if spec is None or str(spec.get("type", "BM25")).upper() != "BM25":
            raise UnsupportedComponent(f"similarity {name!r} is not BM25: {spec!r}")
        _check_keys("similarity", name, spec, {"k1", "b", "discount_overlaps"})
        return _j("org.apache.lucene.search.similarities.BM25Similarity")(
            float(spec.get("k1", 1.2)),
            float(spec.get("b", 0.75)),
            _bool(spec.get("discount_overlaps", True)) == "true",
        )

    def normalizer(self, name: str) -> Any:
        """The Lucene analyzer of normalizer ``name`` (keyword tokenizer + its filters)."""
        key = f"normalizer:{name}"
        if key not in self._analyzers:
            spec = self.analysis.get("normalizer", {}).get(name)
            if spec is None:
                raise UnsupportedComponent(f"normalizer {name!r} is not defined in the settings")
            if spec.get("char_filter") or spec.get("type", "custom") != "custom":
                raise UnsupportedComponent(f"normalizer {name!r}: only custom filter lists")
            as_analyzer = {
                **self.analysis,
                "analyzer": {
                    name: {
                        "type": "custom",
                        "tokenizer": "keyword",
                        "filter": spec.get("filter", []),
                    }
                },
            }
            self._analyzers[key] = analyzer_from_settings(as_analyzer, name)
        return self._analyzers[key]

    def _keyword_value(self, f: _Field, value: Any) -> str:
        """A keyword value as indexed and as term queries compare it (normalised)."""
        text = _keyword(value)
        if f.normalizer is None:
            return text
        tokens = analyze(self.normalizer(f.normalizer), text)
        return tokens[0][1] if tokens else ""

    # -- documents

    def add(self, doc_id: str, source: Mapping[str, Any]) -> None:
        """Index one document (``_id`` and its ``_source``)."""
        doc = _j("org.apache.lucene.document.Document")()
        store = _j("org.apache.lucene.document.Field$Store")
        string_field = _j("org.apache.lucene.document.StringField")
        doc.add(string_field("_id", doc_id, store.YES))
        for f in self.fields.values():
            if not f.indexed:
                continue
            value = _lookup(source, f.name)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v is None:
                    continue
                if f.type == "text":
                    doc.add(_j("org.apache.lucene.document.TextField")(f.name, str(v), store.NO))
                elif f.type == "keyword":
                    doc.add(string_field(f.name, self._keyword_value(f, v), store.YES))
                else:
                    millis = _epoch_millis(v)
                    doc.add(_j("org.apache.lucene.document.LongPoint")(f.name, [millis]))
                    doc.add(_j("org.apache.lucene.document.NumericDocValuesField")(f.name, millis))
        self._writer.addDocument(doc)
        self._searcher = None

    def add_bulk(self, lines: Iterable[str]) -> int:
        """Index ``_bulk`` lines (action line, then source line); returns the documents added."""
        import json

        count = 0
        action: Mapping[str, Any] | None = None
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            data = json.loads(line)
            if action is None:
                if not isinstance(data, dict) or len(data) != 1:
                    raise InputError("expected a bulk action line", line=line_no)
                ((verb, meta),) = data.items()
                if verb not in ("index", "create"):
                    raise UnsupportedQuery(f"bulk action {verb!r} is not mapped", line=line_no)
                action = meta
                continue
            self.add(str(action["_id"]), data)
            action = None
            count += 1
        return count

    def searcher(self) -> Any:
        """An ``IndexSearcher`` over what is added so far (commits first)."""
        if self._searcher is None:
            self._writer.commit()
            reader = _j("org.apache.lucene.index.DirectoryReader").open(self._directory)
            searcher = _j("org.apache.lucene.search.IndexSearcher")(reader)
            searcher.setSimilarity(self.similarity)
            self._searcher = searcher
            self._ids = {}
            stored = searcher.storedFields()
            for doc in range(int(reader.maxDoc())):
                self._ids[doc] = str(stored.document(doc).get("_id"))
            self._stored_fields = stored
        return self._searcher

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> LuceneIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- search

    def search(self, dsl: Mapping[str, Any]) -> list[tuple[str, float]]:
        """The ranked ``(id, score)`` hits of a Query DSL request body."""
        return list(self.execute(dsl).hits)

    def execute(self, dsl: Mapping[str, Any]) -> LuceneResult:
        """Run a Query DSL request body: hits, total and ``terms`` aggregations."""
        known = {"query", "size", "from", "sort", "aggs", "highlight", "rescore", "_source"}
        extra = set(dsl) - known - {"track_total_hits", "aggregations"}
        if extra:
            raise UnsupportedQuery(f"top-level key(s) {sorted(extra)} are not in the subset")
        searcher = self.searcher()
        query = self.query(dsl.get("query", {"match_all": {}}))
        size, offset = int(dsl.get("size", 10)), int(dsl.get("from", 0))
        rescores = dsl.get("rescore", [])
        if isinstance(rescores, Mapping):
            rescores = [rescores]
        windows = [int(r.get("window_size", 10)) for r in rescores]
        depth = max([offset + size, *windows, 1])
        sort = self._sort(dsl.get("sort"))
        if sort is not None and rescores:
            raise UnsupportedQuery("rescore cannot be combined with a sort (as in OpenSearch)")
        if sort is None:
            top = searcher.search(query, depth)
        else:
            top = searcher.search(query, depth, sort, True)
        ranked = [(int(sd.doc), float(sd.score)) for sd in top.scoreDocs]
        for spec in rescores:
            ranked = self._rescore(ranked, spec)
        hits = tuple((self._ids[d], s) for d, s in ranked[offset : offset + size])
        aggs = self._aggregations(query, dsl.get("aggs", dsl.get("aggregations", {})))
        return LuceneResult(hits, int(searcher.count(query)), aggs)

    def _sort(self, spec: Any) -> Any:
        if spec is None:
            return None
        sort_field = _j("org.apache.lucene.search.SortField")
        long_type = _j("org.apache.lucene.search.SortField$Type").LONG
        fields = []
        for item in spec if isinstance(spec, list) else [spec]:
            if item == "_score":
                fields.append(sort_field.FIELD_SCORE)
                continue
            if not isinstance(item, Mapping) or len(item) != 1:
                raise UnsupportedQuery(f"sort entry {item!r} is not in the subset")
            ((name, how),) = item.items()
            if self.fields.get(name, _Field(name, "")).type != "date":
                raise UnsupportedQuery(f"sort on {name!r}: only date fields are in the subset")
            order = how.get("order", "asc") if isinstance(how, Mapping) else str(how)
            reverse = order == "desc"
            sf = sort_field(name, long_type, reverse)
            # OpenSearch puts documents without the field last in either order.
            long_cls = _j("java.lang.Long")
            sf.setMissingValue(long_cls(long_cls.MIN_VALUE if reverse else long_cls.MAX_VALUE))
            fields.append(sf)
        if fields == [sort_field.FIELD_SCORE]:
            return None
        return _j("org.apache.lucene.search.Sort")(*fields)

    def _rescore(
        self, ranked: list[tuple[int, float]], spec: Mapping[str, Any]
    ) -> list[tuple[int, float]]:
        """OpenSearch's QueryRescorer: the top ``window_size`` hits get
        ``query_weight·score + rescore_query_weight·rescore_score`` (the first
        term alone where the rescore query does not match), the rest
        ``query_weight·score``, and all are sorted again."""
        window = int(spec.get("window_size", 10))
        body = spec.get("query", {})
        extra = set(body) - {"rescore_query", "query_weight", "rescore_query_weight", "score_mode"}
        if extra or str(body.get("score_mode", "total")) != "total":
            raise UnsupportedQuery(f"rescore options {sorted(extra) or body.get('score_mode')!r}")
        qw = float(body.get("query_weight", 1.0))
        rw = float(body.get("rescore_query_weight", 1.0))
        top = ranked[:window]
        if not top:
            return ranked
        ids = _j("java.util.ArrayList")()
        bytes_ref = _j("org.apache.lucene.util.BytesRef")
        for doc, _ in top:
            ids.add(bytes_ref(self._ids[doc]))
        only = _j("org.apache.lucene.search.TermInSetQuery")("_id", ids)
        occur = _j("org.apache.lucene.search.BooleanClause$Occur")
        builder = _j("org.apache.lucene.search.BooleanQuery$Builder")()
        builder.add(self.query(body["rescore_query"]), occur.MUST)
        builder.add(only, occur.FILTER)
        found = self.searcher().search(builder.build(), len(top))
        second = {int(sd.doc): float(sd.score) for sd in found.scoreDocs}
        combined = [
            (doc, _f32(qw * score + rw * second[doc]) if doc in second else _f32(qw * score))
            for doc, score in top
        ]
        combined += [(doc, _f32(qw * score)) for doc, score in ranked[window:]]
        combined.sort(key=lambda h: (-h[1], h[0]))
        return combined

    def _aggregations(
        self, query: Any, aggs: Mapping[str, Any]
    ) -> dict[str, tuple[tuple[str, int], ...]]:
        out: dict[str, tuple[tuple[str, int], ...]] = {}
        if not aggs:
            return out
        searcher = self.searcher()
        every = searcher.search(query, max(1, int(searcher.getIndexReader().maxDoc())))
        docs = [int(sd.doc) for sd in every.scoreDocs]
        for name, spec in aggs.items():
            if set(spec) != {"terms"}:
                raise UnsupportedQuery(f"aggregation {name!r}: only terms is in the subset")
            terms = spec["terms"]
            fname, size = terms["field"], int(terms.get("size", 10))
            if self.fields.get(fname, _Field(fname, "")).type != "keyword":
                raise UnsupportedQuery(f"terms aggregation on {fname!r}: not a keyword field")
            counts: Counter[str] = Counter()
            for doc in docs:
                for v in self._stored_fields.document(doc).getValues(fname):
                    counts[str(v)] += 1
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out[name] = tuple(ordered[:size])
        return out

    # -- queries

    def query(self, node: Mapping[str, Any]) -> Any:
        """The Lucene query OpenSearch builds for one DSL query node."""
        if not isinstance(node, Mapping) or len(node) != 1:
            raise UnsupportedQuery(f"a query node has exactly one key: {node!r}")
        ((kind, body),) = node.items()
        method = getattr(self, f"_q_{kind}", None)
        if method is None:
            raise UnsupportedQuery(f"query {kind!r} is not in the subset")
        result: Any = method(body)
        return result

    def _boosted(self, query: Any, boost: Any) -> Any:
        if boost is None or float(boost) == 1.0:
            return query
        return _j("org.apache.lucene.search.BoostQuery")(query, float(boost))

    def _constant(self, query: Any, boost: Any) -> Any:
        """A constant-scoring query with its boost, on the bridge's score scale."""
        value = (1.0 if boost is None else float(boost)) * self._constant_scale
        return _j("org.apache.lucene.search.BoostQuery")(query, value)

    def _q_match_all(self, body: Mapping[str, Any]) -> Any:
        q = _j("org.apache.lucene.search.MatchAllDocsQuery")()
        return self._constant(q, body.get("boost"))

    def _q_match_none(self, body: Mapping[str, Any]) -> Any:
        return _j("org.apache.lucene.search.MatchNoDocsQuery")()

    def _q_bool(self, body: Mapping[str, Any]) -> Any:
        occur = _j("org.apache.lucene.search.BooleanClause$Occur")
        builder = _j("org.apache.lucene.search.BooleanQuery$Builder")()
        extra = set(body) - {
            "must",
            "should",
            "must_not",
            "filter",
            "minimum_should_match",
            "boost",
        }
        if extra:
            raise UnsupportedQuery(f"bool option(s) {sorted(extra)} are not in the subset")
        positive = 0
        for key, how in (
            ("must", occur.MUST),
            ("filter", occur.FILTER),
            ("should", occur.SHOULD),
            ("must_not", occur.MUST_NOT),
        ):
            clauses = body.get(key, [])
            for clause in clauses if isinstance(clauses, list) else [clauses]:
                builder.add(self.query(clause), how)
                positive += key != "must_not"
        if "minimum_should_match" in body:
            msm = body["minimum_should_match"]
            if not isinstance(msm, int) or isinstance(msm, bool):
                raise UnsupportedQuery(f"minimum_should_match must be an int, not {msm!r}")
            builder.setMinimumNumberShouldMatch(msm)
        if positive == 0:
            # OpenSearch (Queries.fixNegativeQueryIfNeeded) adds match_all as a
            # filter to a bool of must_not clauses alone: it matches, scoring 0.
            builder.add(_j("org.apache.lucene.search.MatchAllDocsQuery")(), occur.FILTER)
        return self._boosted(builder.build(), body.get("boost"))

    def _q_dis_max(self, body: Mapping[str, Any]) -> Any:
        queries = [self.query(q) for q in body.get("queries", [])]
        q = _j("org.apache.lucene.search.DisjunctionMaxQuery")(
            _arraylist(queries), float(body.get("tie_breaker", 0.0))
        )
        return self._boosted(q, body.get("boost"))

    def _q_constant_score(self, body: Mapping[str, Any]) -> Any:
        q = _j("org.apache.lucene.search.ConstantScoreQuery")(self.query(body["filter"]))
        return self._constant(q, body.get("boost"))

    def _text_field(self, name: str) -> _Field:
        f = self.fields.get(name)
        if f is None or f.type != "text":
            raise UnsupportedQuery(f"{name!r} is not a text field of the mapping")
        return f

    def _field_query(
        self,
        name: str,
        text: str,
        *,
        phrase: bool,
        operator: str = "or",
        slop: int = 0,
        analyzer: str | None = None,
    ) -> Any:
        """What OpenSearch's MatchQuery builds for one field: Lucene's QueryBuilder
        over the field's search (or quote) analyzer; tokens stacked at one position
        become one SynonymQuery (phrase: a MultiPhraseQuery)."""
        f = self._text_field(name)
        chosen = analyzer or (f.quote_analyzer if phrase else f.search_analyzer) or "standard"
        builder = _j("org.apache.lucene.util.QueryBuilder")(self.analyzer(chosen))
        if phrase:
            q = builder.createPhraseQuery(name, text, int(slop))
        else:
            if operator not in ("or", "and"):
                raise UnsupportedQuery(f"operator must be 'and' or 'or', not {operator!r}")
            occur = _j("org.apache.lucene.search.BooleanClause$Occur")
            q = builder.createBooleanQuery(
                name, text, occur.MUST if operator == "and" else occur.SHOULD
            )
        if q is None:  # every token was a stopword: zero_terms_query "none"
            return _j("org.apache.lucene.search.MatchNoDocsQuery")()
        return q

    def _q_multi_match(self, body: Mapping[str, Any]) -> Any:
        known = {"query", "fields", "type", "operator", "tie_breaker", "slop", "analyzer", "boost"}
        if set(body) - known:
            raise UnsupportedQuery(f"multi_match option(s) {sorted(set(body) - known)}")
        kind = body.get("type", "best_fields")
        if kind not in ("best_fields", "phrase"):
            raise UnsupportedQuery(f"multi_match type {kind!r} is not in the subset")
        per_field = []
        for spec in body.get("fields", []):
            name, _, boost = str(spec).partition("^")
            if "*" in name:
                raise UnsupportedQuery(f"field pattern {name!r} is not in the subset")
            q = self._field_query(
                name,
                str(body["query"]),
                phrase=kind == "phrase",
                operator=str(body.get("operator", "or")).lower(),
                slop=int(body.get("slop", 0)),
                analyzer=body.get("analyzer"),
            )
            per_field.append(self._boosted(q, float(boost) if boost else None))
        if not per_field:
            raise UnsupportedQuery("multi_match needs fields")
        q = (
            per_field[0]
            if len(per_field) == 1
            else _j("org.apache.lucene.search.DisjunctionMaxQuery")(
                _arraylist(per_field), float(body.get("tie_breaker", 0.0))
            )
        )
        return self._boosted(q, body.get("boost"))

    @staticmethod
    def _one_field(kind: str, body: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        if len(body) != 1:
            raise UnsupportedQuery(f"{kind} names exactly one field: {body!r}")
        ((name, spec),) = body.items()
        return str(name), spec

    def _q_match(self, body: Mapping[str, Any]) -> Any:
        name, spec = self._one_field("match", body)
        if not isinstance(spec, Mapping):
            spec = {"query": spec}
        if set(spec) - {"query", "operator", "boost", "analyzer"}:
            raise UnsupportedQuery(f"match option(s) {sorted(set(spec))}")
        q = self._field_query(
            name,
            str(spec["query"]),
            phrase=False,
            operator=str(spec.get("operator", "or")).lower(),
            analyzer=spec.get("analyzer"),
        )
        return self._boosted(q, spec.get("boost"))

    def _q_match_phrase(self, body: Mapping[str, Any]) -> Any:
        name, spec = self._one_field("match_phrase", body)
        if not isinstance(spec, Mapping):
            spec = {"query": spec}
        if set(spec) - {"query", "slop", "boost", "analyzer"}:
            raise UnsupportedQuery(f"match_phrase option(s) {sorted(set(spec))}")
        q = self._field_query(
            name,
            str(spec["query"]),
            phrase=True,
            slop=int(spec.get("slop", 0)),
            analyzer=spec.get("analyzer"),
        )
        return self._boosted(q, spec.get("boost"))

    def _q_prefix(self, body: Mapping[str, Any]) -> Any:
        name, spec = self._one_field("prefix", body)
        if not isinstance(spec, Mapping):
            spec = {"value": spec}
        if name not in self.fields:
            raise UnsupportedQuery(f"prefix on unknown field {name!r}")
        term = _j("org.apache.lucene.index.Term")(name, str(spec["value"]))
        # OpenSearch's default rewrite for prefix is constant_score: each match scores its boost.
        q = _j("org.apache.lucene.search.PrefixQuery")(term)
        return self._constant(q, spec.get("boost"))

    def _keyword_field(self, kind: str, name: str) -> None:
        if self.fields.get(name, _Field(name, "")).type != "keyword":
            raise UnsupportedQuery(f"{kind} on {name!r}: only keyword fields are in the subset")

    def _q_term(self, body: Mapping[str, Any]) -> Any:
        name, spec = self._one_field("term", body)
        if not isinstance(spec, Mapping):
            spec = {"value": spec}
        self._keyword_field("term", name)
        term = _j("org.apache.lucene.index.Term")(
            name, self._keyword_value(self.fields[name], spec["value"])
        )
        return self._boosted(_j("org.apache.lucene.search.TermQuery")(term), spec.get("boost"))

    def _q_terms(self, body: Mapping[str, Any]) -> Any:
        boost = body.get("boost")
        rest = {k: v for k, v in body.items() if k != "boost"}
        name, values = self._one_field("terms", rest)
        self._keyword_field("terms", name)
        bytes_ref = _j("org.apache.lucene.util.BytesRef")
        q = _j("org.apache.lucene.search.TermInSetQuery")(
            name,
            _arraylist(bytes_ref(self._keyword_value(self.fields[name], v)) for v in values),
        )
        # terms scores like a filter: a constant (its boost).
        q = _j("org.apache.lucene.search.ConstantScoreQuery")(q)
        return self._constant(q, boost)

    def _q_range(self, body: Mapping[str, Any]) -> Any:
        name, spec = self._one_field("range", body)
        if self.fields.get(name, _Field(name, "")).type != "date":
            raise UnsupportedQuery(f"range on {name!r}: only date fields are in the subset")
        extra = set(spec) - {"gte", "gt", "lte", "lt", "format", "boost"}
        if extra or spec.get("format", "strict_date_optional_time") != "strict_date_optional_time":
            raise UnsupportedQuery(f"range options {sorted(extra) or spec.get('format')!r}")
        long_cls = _j("java.lang.Long")
        low, high = int(long_cls.MIN_VALUE), int(long_cls.MAX_VALUE)
        # As OpenSearch's date math: gt and lte round a bare date up to its last
        # millisecond, gte and lt down to its first.
        if "gte" in spec:
            low = _epoch_millis(spec["gte"])
        if "gt" in spec:
            low = _epoch_millis(spec["gt"], round_up=True) + 1
        if "lte" in spec:
            high = _epoch_millis(spec["lte"], round_up=True)
        if "lt" in spec:
            high = _epoch_millis(spec["lt"]) - 1
        q = _j("org.apache.lucene.document.LongPoint").newRangeQuery(name, low, high)
        q = _j("org.apache.lucene.search.ConstantScoreQuery")(q)
        return self._constant(q, spec.get("boost"))


def _hashmap_any(values: Mapping[str, Any]) -> Any:
    out = _j("java.util.HashMap")()
    for k, v in values.items():
        out.put(k, v)
    return out


def _lookup(source: Mapping[str, Any], dotted: str) -> Any:
    """A field's value in ``_source``; a sub-field (``title.exact``) reads its parent."""
    head = dotted.split(".", 1)[0]
    return source.get(head)


def _keyword(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _f32(value: float) -> float:
    """``value`` rounded to a Java float, as Lucene's scores are."""
    import struct

    return float(struct.unpack("f", struct.pack("f", value))[0])


def read_bulk(path: str | Path) -> Iterator[str]:
    """The lines of a ``_bulk`` file, streamed."""
    with Path(path).open(encoding="utf-8") as f:
        yield from f
