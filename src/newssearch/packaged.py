"""Files shipped inside the package: word lists, parameters, query sets.

Read through the package's own loader (as ``pkgutil.get_data`` does, for a
package on disk or in a zip file), not ``importlib.resources``: the first use
of that costs about 4 ms, most of a one-shot ``newssearch suggest``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["read_packaged"]


def read_packaged(package: str, name: str) -> bytes:
    """The bytes of the file ``name`` (a path relative to ``package``'s directory)
    of an imported ``package``; ``OSError`` if it is not there."""
    spec = sys.modules[package].__spec__
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"{package} has no files")
    loader: Any = spec.loader
    return bytes(loader.get_data(str(Path(spec.origin).parent / name)))
