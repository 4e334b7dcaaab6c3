"""Indexing throughput and query latency of newssearch against plain Whoosh and native
engines: the same as ``newssearch bench`` (``newssearch.bench``), kept for this path.

    python benchmarks/speed.py --sizes 1000,10000 --json speed.json --plot speed.png
"""

from __future__ import annotations

import sys

from newssearch.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
