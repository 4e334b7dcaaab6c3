"""Article text cannot steer the terminal: control and bidi characters never reach it raw."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newssearch import Article, build_index
from newssearch.cli import main

HOSTILE = (
    "Wien \x1b]0;pwned\x07 Rathaus \x1b[2J\x1b[31mrot\x08\x08 \u202eesrever\u202c "
    "\x9b31m C1 \u2066isolate\u2069 \x7f"
)
#: Our own colour codes are the only escape sequences allowed in colour output.
OWN_SGR = re.compile(r"\x1b\[(?:1;33|0)m")
UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    path = tmp_path / "ix"
    article = Article(
        id="boese",
        title=f"Rathaus {HOSTILE}",
        lead=f"Im Rathaus {HOSTILE}.",
        body=f"Das Rathaus in Wien. {HOSTILE} Noch ein Satz über das Rathaus.",
        section="Inland\x1b[5m",
        author="Anna\u202eBerger",
    )
    build_index(path, [article])[0].close()
    return path


@pytest.mark.parametrize("color", ["never", "always"])
def test_search_output_has_no_raw_control_or_bidi_characters(
    index_dir: Path, color: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "Rathaus", "--index", str(index_dir), "--color", color]) == 0
    out = capsys.readouterr().out
    assert "Rathaus" in out and "\ufffd" in out
    assert UNSAFE.search(OWN_SGR.sub("", out)) is None
    if color == "always":
        assert OWN_SGR.search(out)


def test_json_output_keeps_the_text_exact(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "Rathaus", "--index", str(index_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert HOSTILE in result["hits"][0]["title"]
