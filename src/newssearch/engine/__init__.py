"""The Whoosh boundary: the only code that subclasses Whoosh or reads its private parts.

Everything here was written against one exact release of ``whoosh3``
(:data:`WHOOSH_VERSION`, pinned in ``pyproject.toml``): posting formats and the
block reader (``postings``), scoring and matchers (``scoring``), term-at-a-time
evaluation (``accumulate``), the query parser (``parser``), the schema
(``schema``), opening and writing an index (``storage``, ``writers``) and
reading its segment files without plain unpickling (``segments``).  The rest of
newssearch uses Whoosh only through this package and Whoosh's public API, so a
Whoosh upgrade is a change in this folder.  :func:`check_whoosh` runs on first
use (opening or creating an index) and refuses any other Whoosh release with a
clear message instead of failing later in a private method.
"""

from __future__ import annotations

from functools import cache

from newssearch.errors import IndexStateError

__all__ = ["WHOOSH_VERSION", "check_whoosh"]

#: The ``whoosh3`` release this package was written and tested against.
WHOOSH_VERSION = "3.54.0"


def check_whoosh() -> None:
    """Raise :class:`IndexStateError` unless the installed whoosh3 is :data:`WHOOSH_VERSION`."""
    installed = _installed_version()
    if installed != WHOOSH_VERSION:
        raise IndexStateError(
            f"newssearch needs whoosh3 {WHOOSH_VERSION}, but {installed or 'no whoosh3'} is "
            f"installed; reinstall newssearch (pip install newssearch) to get the right one"
        )


@cache
def _installed_version() -> str | None:
    # The version of the whoosh package that runs (which is what matters if two
    # distributions provide it), and without importlib.metadata, whose import
    # (email, zipfile, csv …) cost every command-line search 10 ms.
    try:
        import whoosh
    except ImportError:
        return None
    return str(whoosh.versionstring())
