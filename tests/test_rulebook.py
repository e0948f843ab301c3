"""The rulebook file: whatever text a learned block holds, the file written is TOML that reads back the same."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from migrator.rulebook import Rule, read_rules, write_rules

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: Text a real page's block can hold that TOML basic strings must escape: DEL, C0 and C1 controls,
#: quotes, backslashes, line and paragraph separators, and a BOM.
AWKWARD = ["Счётчик\x7fпросмотров", "NUL\x00inside", "tab\tand\nnewline", "esc \x1b[31m red", "C1 \x85 next line",
           'quote " and \\ backslash', "sep \u2028 \u2029", "\ufeffBOM first", "'''triple'''", 'x = "y"\n[[rule]]']


@pytest.mark.parametrize("text", AWKWARD)
def test_learned_block_round_trips_through_tomllib(tmp_path: Path, text: str) -> None:
    path = tmp_path / "site.rules.toml"
    rules = [Rule("text", text, pages=12, share=0.4, sample_url="http://old.example.ru/node/1?x=\x7f"),
             Rule("pattern", r"^Просмотров: \d+$", status="accepted", removed=3)]
    write_rules(path, rules)
    tomllib.loads(path.read_text(encoding="utf-8"))  # the file every later crawl loads first
    assert read_rules(path) == rules


def test_empty_rulebook_is_valid_toml(tmp_path: Path) -> None:
    path = tmp_path / "empty.rules.toml"
    write_rules(path, [])
    assert read_rules(path) == []
