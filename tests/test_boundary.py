"""The Whoosh boundary: only ``newssearch/engine/`` reaches into Whoosh's private parts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "newssearch"
OUTSIDE = sorted(p for p in PACKAGE.rglob("*.py") if "engine" not in p.relative_to(PACKAGE).parts)


#: Documented standard-library names that start with an underscore (a forked
#: child leaves with ``os._exit``, never running its parent's exit code).
_PUBLIC_UNDERSCORED = {"os": "_exit"}


def _private_uses(tree: ast.AST) -> list[str]:
    """``x._name`` on anything but ``self``/``cls``, and private names imported from whoosh."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                found.append(str(node.module))
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            and _PUBLIC_UNDERSCORED.get(getattr(node.value, "id", None)) != node.attr
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize("path", OUTSIDE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_the_engine_touches_private_names(path: Path) -> None:
    assert _private_uses(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_whoosh_subclasses_live_in_the_engine_or_are_analysis_steps() -> None:
    # Analysis steps subclass Whoosh's public Filter/Tokenizer/Composable/Token, its
    # documented extension points; every other subclass of Whoosh is engine code.
    allowed = {"Filter", "Tokenizer", "Composable", "Token"}
    offenders = []
    for path in OUTSIDE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        whoosh_names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
                    if name in whoosh_names and name not in allowed:
                        offenders.append(f"{path.name}: {node.name}({name})")
    assert offenders == []


def test_the_engine_refuses_another_whoosh_release(monkeypatch: pytest.MonkeyPatch) -> None:
    from newssearch import engine
    from newssearch.errors import IndexStateError

    engine.check_whoosh()  # the pinned release is installed
    monkeypatch.setattr(engine, "_installed_version", lambda: "2.7.4")
    with pytest.raises(IndexStateError, match=r"needs whoosh3 3\.54\.0, but 2\.7\.4"):
        engine.check_whoosh()
