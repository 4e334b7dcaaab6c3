"""A bounded memo for per-word work: a ``dict`` that is emptied when full.

The analysis chain memoises what it makes of each distinct surface form (a
whitespace chunk's tokens, a word's normalised form, stem and compound parts).
:class:`BoundedCache` is that memo with a bound, so that endless odd input
(random strings, a corpus of URLs) cannot grow it without end.

Why clear-when-full rather than LRU: a hit costs exactly one ``dict.get``
(``functools.lru_cache`` or an ``OrderedDict`` would also reorder on every
hit, which is most of the work on a warm chain), and news vocabularies stay
far below the bounds used here (the 1,028 bundled articles make about 70,000
distinct chunks and 55,000 distinct words), so clearing almost never happens;
when it does, the next texts simply warm the cache again.

Being a ``dict`` subclass, a hit is ``dict.get`` itself, run in C.  On a hot
path bind it once (``get = cache.get``, then ``get(key)`` in the loop):
CPython 3.11 specialises calls of ``cache.get(key)`` only when ``cache`` is
exactly a ``dict``, while a bound ``get`` is as fast for a subclass.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """A ``dict`` of at most ``limit`` entries: :meth:`put` empties it when full.

    Read it as a dict (``get``, ``in``, ``[]``); add to it with :meth:`put`
    only, which keeps the bound (plain item assignment does not check it).

    >>> cache: BoundedCache[str, int] = BoundedCache(2)
    >>> cache.put("a", 1), cache.put("b", 2), cache.get("a")
    (1, 2, 1)
    >>> cache.put("c", 3), sorted(cache)
    (3, ['c'])
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit!r}")
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key`` (emptying the cache first when it is full); return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles (with any protocol) as its bound and its entries, like a dict.
        return type(self), (self.limit,), None, None, iter(self.items())
