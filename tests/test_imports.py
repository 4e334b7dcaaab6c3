"""``import newssearch`` loads nothing but itself; each public name is there on first use.

The command line starts from ``newssearch.cli``: ``newssearch --version`` and
argument errors must not wait for Whoosh, PyStemmer or NLTK to load.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import newssearch

HEAVY = ("whoosh", "Stemmer", "nltk", "newssearch.index", "newssearch.analysis")


def _loaded_after(code: str) -> set[str]:
    """The heavy modules loaded after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.splitlines()[-1].split()[1:])


@pytest.mark.parametrize(
    "code",
    [
        "import newssearch",
        "import newssearch.cli",
        "from newssearch import __version__, NewsSearchError, Article, IndexSettings",
    ],
)
def test_importing_the_package_or_the_cli_loads_no_engine(code: str) -> None:
    assert _loaded_after(code) == set()


def test_the_version_flag_loads_no_engine() -> None:
    code = (
        "from newssearch.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code) == set()


def test_a_public_name_loads_its_module_on_first_use() -> None:
    assert _loaded_after("from newssearch import Searcher") >= {"whoosh", "newssearch.index"}


def test_every_public_name_resolves_to_what_its_module_defines() -> None:
    exports = newssearch._EXPORTS
    assert set(exports) | {"__version__"} == set(newssearch.__all__)
    for name, module in exports.items():
        value = getattr(newssearch, name)
        assert value is getattr(sys.modules[module], name), name
    assert dir(newssearch) == sorted(newssearch.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        newssearch.nothing  # noqa: B018


def test_search_is_the_function_whatever_was_imported_first() -> None:
    code = (
        "import newssearch.searcher\n"
        "from newssearch import Searcher, search\n"
        "print(callable(search) and search.__module__ == 'newssearch.searcher')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "True"


def test_the_default_index_comes_from_the_environment_or_the_user_data_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pathlib import Path

    from newssearch import default_index_path

    assert default_index_path({"NEWSSEARCH_INDEX": "/srv/ix", "HOME": "/h"}) == Path("/srv/ix")
    if sys.platform.startswith("linux"):
        assert default_index_path({"HOME": "/h"}) == Path("/h/.local/share/newssearch/default")
        env = {"HOME": "/h", "XDG_DATA_HOME": "/data"}
        assert default_index_path(env) == Path("/data/newssearch/default")
    # Read when called: the environment of the moment counts.
    monkeypatch.setenv("NEWSSEARCH_INDEX", "/tmp/elsewhere")
    assert default_index_path() == Path("/tmp/elsewhere")
