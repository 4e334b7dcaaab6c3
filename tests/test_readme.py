"""README.md runs as written: every Python block executes on the bundled sample, in order,
in a fresh directory holding the ``articles.jsonl`` the examples read."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newssearch import sample_articles

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_each_python_block_of_the_readme_runs(number: int, tmp_path: Path) -> None:
    with (tmp_path / "articles.jsonl").open("w", encoding="utf-8") as out:
        for a in sample_articles()[:300]:
            record = {"id": a.id, "title": a.title, "lead": a.lead, "body": a.body}
            out.write(json.dumps({**record, "section": a.section}, ensure_ascii=False) + "\n")
    # The blocks before this one first, as a reader would run them.
    script = "\n\n".join(BLOCKS[: number + 1])
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "the example printed nothing"
