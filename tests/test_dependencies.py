"""pyproject.toml declares exactly what the package imports: nothing missing, nothing unused."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
#: Declared without an import statement: loaded by name from Scrapy settings (spiders/distributed.py).
BY_NAME = {"scrapy-redis"}
#: Needed by a dependency that does not install it itself (justext, under trafilatura: lxml.html.clean).
FOR_DEPENDENCIES = {"lxml-html-clean"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _imported(*folders: str, skip: set[str] = frozenset()) -> set[str]:
    """Distributions of every top-level import of third-party modules under the folders."""
    owners = packages_distributions()
    local = {p.stem for f in folders for p in (ROOT / f).rglob("*.py")} | {p.name for p in ROOT.iterdir() if p.is_dir()}
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if str(path.relative_to(ROOT)) in skip:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in local:
                        continue
                    found.update(_name(d) for d in owners.get(top, [top]))
    return found


def test_runtime_dependencies_are_exactly_the_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    imported = _imported("migrator", "spiders")
    assert imported - declared == set(), "imported but not declared"
    assert declared - imported - BY_NAME - FOR_DEPENDENCIES == set(), "declared but never imported"


def test_extras_cover_the_tests_and_benchmarks() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras, declared = project["optional-dependencies"], {_name(r) for r in project["dependencies"]}
    test_names = {_name(r) for r in extras["test"]}
    assert _imported("tests") - declared - test_names - {"pytest"} == set()
    # the benchmarks crawl the test sites too (tests/sites/, Faker's text)
    assert _imported("bench", "tests/sites") - declared - {_name(r) for r in extras["bench"]} == set()
