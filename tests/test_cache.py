"""The bounded cache the analysis chain memoises its per-word work in."""

from __future__ import annotations

import copy
import pickle
import textwrap
from pathlib import Path
from typing import Any

import pytest

from newssearch import sample_articles
from newssearch.analysis import chain, compounds, exact_analyzer, filters, german_analyzer
from newssearch.analysis.compounds import GermanDecompoundFilter
from newssearch.analysis.filters import GermanNormalizeFilter, GermanStemFilter
from newssearch.cache import BoundedCache

ROOT = Path(__file__).resolve().parents[1]


def test_put_keeps_and_returns_the_value() -> None:
    cache: BoundedCache[str, tuple[int, ...]] = BoundedCache(3)
    assert cache.put("a", (1,)) == (1,)
    assert cache.get("a") == (1,)
    assert cache.get("b") is None
    assert "a" in cache and cache["a"] == (1,)
    assert cache.limit == 3


def test_the_bound_is_never_passed() -> None:
    cache: BoundedCache[int, int] = BoundedCache(5)
    for i in range(100):
        cache.put(i, i * i)
        assert 1 <= len(cache) <= 5
        assert cache[i] == i * i  # the value just put is always there


def test_a_full_cache_is_cleared_before_the_next_put() -> None:
    cache: BoundedCache[str, int] = BoundedCache(3)
    for i, key in enumerate("abc"):
        cache.put(key, i)
    assert dict(cache) == {"a": 0, "b": 1, "c": 2}
    assert cache.put("d", 3) == 3
    assert dict(cache) == {"d": 3}
    cache.put("e", 4)
    cache.put("f", 5)
    assert dict(cache) == {"d": 3, "e": 4, "f": 5}


@pytest.mark.parametrize("limit", [0, -1])
def test_the_limit_must_be_positive(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        BoundedCache(limit)


def test_it_is_a_dict_whose_lookups_are_dicts_own() -> None:
    cache: BoundedCache[str, int] = BoundedCache(10)
    assert isinstance(cache, dict)
    assert type(cache).get is dict.get  # a hit runs in C, no Python frame
    assert not hasattr(cache, "__dict__")  # slots: no per-instance dict to look through
    assert cache == {}
    cache.put("x", 1)
    assert cache == {"x": 1}


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_it_pickles_and_copies_with_its_bound_and_entries(protocol: int) -> None:
    cache: BoundedCache[str, tuple[str, int]] = BoundedCache(2)
    cache.put("a", ("x", 1))
    for other in (pickle.loads(pickle.dumps(cache, protocol)), copy.copy(cache)):
        assert type(other) is BoundedCache
        assert other == cache and other.limit == 2
        other.put("b", ("y", 2))
        other.put("c", ("z", 3))
        assert dict(other) == {"c": ("z", 3)}
    assert dict(cache) == {"a": ("x", 1)}  # the copies share nothing with it


def test_get_and_put_are_typed(tmp_path: Path) -> None:
    """mypy knows the key and value types: ``get`` gives ``V | None``, ``put`` takes ``V``."""
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """
            from typing import assert_type

            from newssearch.cache import BoundedCache

            cache: BoundedCache[str, tuple[int, ...]] = BoundedCache(10)
            assert_type(cache.get("a"), tuple[int, ...] | None)
            assert_type(cache.put("a", (1, 2)), tuple[int, ...])
            assert_type(cache.limit, int)
            cache.put("b", "not a tuple")
            cache.put(1, (1,))
            """
        ),
        encoding="utf-8",
    )
    out, err, _ = api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "mypy_cache"),
            "--config-file",
            "",
            str(snippet),
        ]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["10", "11"], out + err
    assert all("[arg-type]" in line for line in errors), out


# The caches of the chain -------------------------------------------------------------------


def _word_caches(analyzer: Any) -> list[BoundedCache[Any, Any]]:
    caches: list[BoundedCache[Any, Any]] = [analyzer._cache]
    for step in analyzer.steps:
        if isinstance(step, GermanDecompoundFilter):
            caches.append(step.splitter._cache)
        elif isinstance(step, GermanNormalizeFilter | GermanStemFilter):
            caches.append(step._cache)
    return caches


def test_the_chain_caches_are_bounded_caches_before_and_after_pickling() -> None:
    analyzer = german_analyzer()
    limits = [c.limit for c in _word_caches(analyzer)]
    assert limits == [chain._CACHE_LIMIT, compounds._CACHE_LIMIT, *[filters._CACHE_LIMIT] * 2]
    assert all(type(c) is BoundedCache for c in _word_caches(analyzer))
    analyzer.term_positions("Der Verteidigungsminister lobt die Sicherheitsgarantien.")
    assert all(len(c) > 0 for c in _word_caches(analyzer))
    copied = pickle.loads(pickle.dumps(analyzer))
    assert [c.limit for c in _word_caches(copied)] == limits
    assert all(type(c) is BoundedCache and len(c) == 0 for c in _word_caches(copied))


def test_tiny_cache_bounds_change_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches cleared all the time (even in the middle of a text) give the same tokens."""
    texts = [a.body for a in list(sample_articles())[:40]]

    def everything(analyzer: Any) -> list[Any]:
        out: list[Any] = []
        for text in texts:
            out.append(analyzer.term_positions(text))
            out.append(list(analyzer.find(text, {"ukrain", "regier", "sich", "kanzl"})))
            out.append(
                [
                    (t.text, t.pos, t.startchar, t.endchar, t.kind)
                    for t in analyzer(text, positions=True, chars=True, mode="index")
                ]
            )
        return out

    wide = [everything(german_analyzer()), everything(exact_analyzer())]
    for module in (chain, compounds, filters):
        monkeypatch.setattr(module, "_CACHE_LIMIT", 7)
    small = german_analyzer(), exact_analyzer()
    assert all(c.limit == 7 for a in small for c in _word_caches(a))
    assert [everything(a) for a in small] == wide
    assert all(len(c) <= 7 for a in small for c in _word_caches(a))
