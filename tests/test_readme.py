"""README.md runs as written: every Python block executes on the bundled sample, in order,
in a fresh directory holding the ``articles.jsonl`` the examples read; the command-line
tour prints what it shows and shows every option."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from newssearch import sample_articles
from newssearch.cli import _build_parser

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


def _tour(readme: str) -> str:
    """README's "### A tour" and what follows it up to the next ``## `` heading
    outside a code block (``bench`` prints Markdown headings of its own)."""
    lines = readme.split("### A tour", 1)[1].split("\n")
    fenced = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif line.startswith("## ") and not fenced:
            return "\n".join(lines[:number])
    return "\n".join(lines)


TOUR = _tour(README.read_text(encoding="utf-8"))
STEPS = re.findall(r"```console\n\$ (.*?)\n(.*?)```", TOUR, flags=re.S)

#: A command line of the tour: ``newssearch ARGS``, optionally fed standard input
#: (``printf '%s\n' LINE... | newssearch ARGS``, each LINE a shell word) and
#: optionally ending in ``# exit N`` when the command fails with exit code N.
COMMAND_LINE = re.compile(
    r"(?:printf '%s\\n' (?P<stdin>.+?) \| )?"
    r"newssearch(?P<args>(?: .*?)?)"
    r"(?:\s+# exit (?P<code>\d+))?"
)


@dataclass(frozen=True)
class Step:
    """One console block of the tour: the command to run and what it must print."""

    argv: tuple[str, ...]
    stdin: str  # empty when the line does not pipe anything in
    exit_code: int
    shown: str

    @classmethod
    def parse(cls, line: str, shown: str) -> Step:
        match = COMMAND_LINE.fullmatch(line)
        assert match, f"not a tour command line: {line!r}"
        lines = match["stdin"]
        return cls(
            argv=tuple(shlex.split(match["args"])),
            stdin="".join(f"{word}\n" for word in shlex.split(lines or "")),
            exit_code=int(match["code"] or 0),
            shown=shown,
        )


TOUR_STEPS = [Step.parse(line, shown) for line, shown in STEPS]


def _steady(text: str) -> str:
    """``text`` without what varies from run to run or machine to machine: times,
    the exact size of an index on disk, the speed, memory and size columns of
    ``bench`` tables (the first column, the corpus size, stays) and the note that
    ``--plot`` needs matplotlib, which depends on the extras installed. Scores and
    quality measures are kept."""
    text = re.sub(r"\d+(\.\d+)? ms", "N ms", text)
    text = re.sub(r"in \d+\.\d+ s", "in N s", text)
    text = re.sub(r"\d[\d,]* articles/s", "N articles/s", text)
    text = re.sub(r'"(took_ms|startup_ms|size_bytes)": [0-9.]+', r'"\1": N', text)
    lines = [_steady_table_row(line) for line in text.rstrip("\n").split("\n")]
    return "\n".join(line for line in lines if not line.startswith("newssearch: no plot"))


def _steady_table_row(line: str) -> str:
    """A Markdown table row with each number but the first column's as ``N``."""
    if not line.startswith("|"):
        return line
    first, *cells = line.split("|")[1:-1]
    cells = [re.sub(r"^ [\d,]+(\.\d+)? $", " N ", cell) for cell in cells]
    return "|".join(["", first, *cells, ""])


def test_the_tour_uses_every_option() -> None:
    """Each option of each command (``--help`` aside) is shown at work in the tour."""
    used: dict[str, set[str]] = {}
    for step in TOUR_STEPS:
        command = "" if step.argv[0].startswith("-") else step.argv[0]
        used.setdefault(command, set()).update(step.argv)
    parser = _build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = {"": parser, **sub.choices}
    missing = [
        f"newssearch {name} {option}".replace("  ", " ")
        for name, command_parser in commands.items()
        for action in command_parser._actions
        for option in action.option_strings
        if option.startswith("--")
        and option not in used.get(name, set())
        and (option != "--help" or not name)
    ]
    assert not missing, f"options the tour does not show: {missing}"


def test_the_tour_shows_what_the_commands_print(tmp_path: Path) -> None:
    """Each block runs in turn, in one directory holding ``examples/``. A block's output
    is what a terminal shows: standard output and error together, in order."""
    assert len(TOUR_STEPS) >= 6
    shutil.copytree(README.parent / "examples", tmp_path / "examples")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "NEWSSEARCH_INDEX": str(tmp_path / "unused"),
        "PYTHONUNBUFFERED": "1",  # both streams in the order they are written
        "COLUMNS": "80",  # --help wraps at the terminal's width
    }
    for step in TOUR_STEPS:
        command = shlex.join(["newssearch", *step.argv])
        done = subprocess.run(
            [sys.executable, "-m", "newssearch", *step.argv],
            cwd=tmp_path,
            input=step.stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == step.exit_code, (command, done.stdout)
        assert _steady(done.stdout) == _steady(step.shown), command
