"""README.md runs as written: every Python block executes on the bundled sample, in order,
in a fresh directory holding the ``articles.jsonl`` the examples read."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
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


TOUR = README.read_text(encoding="utf-8").split("### A tour", 1)[1].split("\n## ", 1)[0]
STEPS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", TOUR, flags=re.S)


def _steady(text: str) -> str:
    """``text`` without what varies from run to run: times."""
    text = re.sub(r"\d+(\.\d+)? ms", "N ms", text)
    text = re.sub(r"in \d+\.\d+ s", "in N s", text)
    return re.sub(r'"(took_ms|startup_ms)": [0-9.]+', r'"\1": N', text)


def test_the_tour_shows_what_the_commands_print(tmp_path: Path) -> None:
    assert len(STEPS) >= 6
    examples = tmp_path / "examples"
    examples.mkdir()
    shutil.copy(README.parent / "examples" / "news.jsonl", examples)
    env = {**os.environ, "NO_COLOR": "1", "NEWSSEARCH_INDEX": str(tmp_path / "unused")}
    for command, shown in STEPS:
        argv = shlex.split(command)
        assert argv[0] == "newssearch", command
        done = subprocess.run(
            [sys.executable, "-m", "newssearch", *argv[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, (command, done.stderr)
        assert _steady(done.stdout.rstrip("\n")) == _steady(shown.rstrip("\n")), command
