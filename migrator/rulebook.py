"""The reviewable rulebook: learned boilerplate rules in a TOML file people accept or reject.

``migrator learn`` writes one ``[[rule]]`` per repeated block found in the corpus, with the evidence
(how many pages it stands in, their share, a sample URL) and ``status = "proposed"``. People set
``status`` to ``"accepted"`` or ``"rejected"``; crawls and ``migrator reclean`` then apply:

- every accepted rule (``text``: a block whose whole text is this; ``pattern``: a block whose text
  matches this regex; ``selector``: elements this CSS selector picks);
- the blocks learned automatically at crawl end (the ``boilerplate`` table), unless the mapping
  sets ``[clean] learn = false``; a rejected rule is never applied, learned or not.

The file lives beside the site's mapping (``site.toml`` -> ``site.rules.toml``), else beside the
database (``site.db`` -> ``site.rules.toml``); the mapping's ``[clean] rules`` names another.
Each rule removes under the name ``learned:<id>``, counted in the run's stats like built-in rules.
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import lxml.html
import tomli_w
from lxml import etree
from lxml.cssselect import CSSSelector

from migrator.clean import drop_pattern, drop_selector
from migrator.clean import rules as cleaners
from migrator.clean.repeated import drop_blocks_counted, learn
from migrator.errors import MappingError

if TYPE_CHECKING:
    from migrator.mapping import Config
    from migrator.store import Store

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

STATUSES = ("proposed", "accepted", "rejected")
KINDS = ("text", "pattern", "selector")
_KEYS = {*KINDS, "id", "pages", "share", "sample_url", "status", "removed"}


def rule_id(kind: str, value: str) -> str:
    """A short stable id for a rule: the same text always gets the same id.

    >>> rule_id("text", "Спасибо, ждём вас")
    'e4214e6a'
    """
    return hashlib.sha1(f"{kind}:{value}".encode("utf-8")).hexdigest()[:8]


@dataclass
class Rule:
    """One rule: what it removes (exactly one of text, pattern, selector), its evidence and its status."""

    kind: str
    value: str
    pages: int = 0
    share: float = 0.0
    sample_url: str | None = None
    status: str = "proposed"
    removed: int | None = None  # what it removed in the last crawl run, when known

    @property
    def id(self) -> str:
        return rule_id(self.kind, self.value)

    @property
    def name(self) -> str:
        """The name its removals are counted under (``migrator/removed/<name>``)."""
        return f"learned:{self.id}"


def learned_name(text: str) -> str:
    """The removal name of an automatically learned block (the same as its rule's, once written)."""
    return f"learned:{rule_id('text', text)}"


# -- the file -------------------------------------------------------------------------------------

def read_rules(path: str | Path) -> list[Rule]:
    """The rules of a rulebook file, validated; a bad one fails with the file, the key and what was expected."""
    name = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(name, "(file)", "an existing rules file") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(name, "(syntax)", f"valid TOML ({exc})") from None
    unknown = set(data) - {"rule", "fields"}  # [[fields]]: learned field places, for review only
    if unknown:
        raise MappingError(name, sorted(unknown)[0], "only [[rule]] and [[fields]] tables")
    return [_rule(name, i, item) for i, item in enumerate(data.get("rule", []))]


def _rule(path: str, i: int, item: Any) -> Rule:
    where = f"rule[{i}]"
    if not isinstance(item, dict):
        raise MappingError(path, where, "a [[rule]] table")
    unknown = set(item) - _KEYS
    if unknown:
        raise MappingError(path, f"{where}.{sorted(unknown)[0]}", "one of " + ", ".join(sorted(_KEYS)))
    kinds = [k for k in KINDS if k in item]
    if len(kinds) != 1 or not isinstance(item[kinds[0]], str) or not item[kinds[0]].strip():
        raise MappingError(path, where, "exactly one of text, pattern, selector (a non-empty string)")
    kind, value = kinds[0], item[kinds[0]]
    status = item.get("status", "proposed")
    if status not in STATUSES:
        raise MappingError(path, f"{where}.status", "one of " + ", ".join(map(repr, STATUSES)) + f", got {status!r}")
    try:
        if kind == "pattern":
            re.compile(value)
        elif kind == "selector":
            CSSSelector(value)
    except Exception as exc:
        raise MappingError(path, f"{where}.{kind}", f"a valid {kind} ({exc})") from None
    return Rule(kind, value, int(item.get("pages", 0)), float(item.get("share", 0.0)), item.get("sample_url"),
                status, item.get("removed"))


HEADER = """\
# Learned boilerplate rules (written by `migrator learn`; review and edit `status`).
#   status = "proposed"  learned, not reviewed: applied automatically unless the mapping sets [clean] learn = false
#   status = "accepted"  always applied by crawls and `migrator reclean`
#   status = "rejected"  never applied, even when learned again
# A rule removes a block whose whole text is `text`, a block whose text matches the regex `pattern`,
# or the elements the CSS `selector` picks. `pages`/`share`: how many bodies it stood in when learned;
# `removed`: how many blocks it removed in the last crawl. Preview a change with `migrator reclean --dry-run`.
"""


def _table(rule: Rule) -> dict[str, Any]:
    """One ``[[rule]]`` table, keys in reading order; absent evidence is left out (TOML has no null)."""
    table: dict[str, Any] = {"id": rule.id, rule.kind: rule.value, "pages": rule.pages, "share": rule.share}
    if rule.sample_url:
        table["sample_url"] = rule.sample_url
    if rule.removed is not None:
        table["removed"] = rule.removed
    table["status"] = rule.status
    return table


def write_rules(path: str | Path, rules: Iterable[Rule]) -> None:
    """Write the rulebook whole (a reader never sees half a file), most frequent rules first."""
    tables = [_table(rule) for rule in rules]
    text = HEADER + ("\n" + tomli_w.dumps({"rule": tables}) if tables else "")
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def merge_learned(existing: list[Rule], learned: Iterable[Rule]) -> list[Rule]:
    """Learned rules over the file's: people's statuses and hand-written rules stay, evidence is refreshed.

    >>> old = [Rule("text", "Баннер сайта, который повторяется", status="rejected")]
    >>> [(r.value, r.pages, r.status) for r in merge_learned(old, [Rule("text", "Баннер сайта, который повторяется", 9)])]
    [('Баннер сайта, который повторяется', 9, 'rejected')]
    """
    by_id = {rule.id: rule for rule in existing}
    for rule in learned:
        old = by_id.get(rule.id)
        if old is None:
            by_id[rule.id] = rule
        else:
            old.pages, old.share = rule.pages, rule.share
            old.sample_url = rule.sample_url or old.sample_url
            old.removed = rule.removed if rule.removed is not None else old.removed
    return sorted(by_id.values(), key=lambda r: (-r.pages, r.kind, r.value))


# -- where it lives, and applying it ----------------------------------------------------------------

def default_path(mapping: str | None, db: str | None) -> Path:
    """``<mapping>.rules.toml`` beside the site's mapping, else beside the database.

    >>> str(default_path("mappings/demo.toml", "site.db")), str(default_path(None, "data/site.db"))
    ('mappings/demo.rules.toml', 'data/site.rules.toml')
    """
    base = Path(mapping or db or "site")
    return base.with_name(base.stem + ".rules.toml")


def rules_path(config: Config, db: str | None, explicit: str | None = None) -> Path:
    """The rulebook a run uses: the command line's, the mapping's ``[clean] rules``, else the default."""
    if explicit:
        return Path(explicit)
    named = getattr(config, "rules", None)
    if named:
        return (Path(config.source).parent / named) if config.source else Path(named)
    return default_path(config.source, db)


@dataclass
class Rulebook:
    """The rules a run applies, and whether automatically learned blocks apply too."""

    rules: list[Rule] = field(default_factory=list)
    learn: bool = True

    @classmethod
    def for_run(cls, config: Config, db: str | None, explicit: str | None = None) -> Rulebook:
        """The run's rulebook: the file if it exists (none is fine), and the mapping's ``learn``."""
        path = rules_path(config, db, explicit)
        found = read_rules(path) if (explicit or path.exists()) else []
        return cls(found, bool(getattr(config, "learn", True)))

    def _rejected(self) -> set[str]:
        return {r.value for r in self.rules if r.kind == "text" and r.status == "rejected"}

    def allowed(self, learned: Mapping[str, int]) -> dict[str, int]:
        """Automatically learned blocks this run may remove: none when learning is off, never rejected ones."""
        if not self.learn:
            return {}
        rejected = self._rejected()
        return {text: n for text, n in learned.items() if text not in rejected}

    def texts(self, learned: Mapping[str, int]) -> dict[str, int]:
        """Every block text to remove: allowed learned ones plus accepted ``text`` rules."""
        texts = self.allowed(learned)
        for rule in self.rules:
            if rule.kind == "text" and rule.status == "accepted":
                texts.setdefault(rule.value, rule.pages)
        return texts

    def apply(self, html: str, texts: Mapping[str, int]) -> tuple[str, Counter[str]]:
        """Remove ``texts`` blocks and the accepted pattern and selector rules; removals by rule name."""
        html, by_text = drop_blocks_counted(html, texts)
        removed: Counter[str] = Counter({learned_name(t): n for t, n in by_text.items()})
        extra = [r for r in self.rules if r.status == "accepted" and r.kind != "text"]
        if extra:
            html, more = _apply_markup_rules(html, extra)
            removed.update(more)
        return html, removed


def _apply_markup_rules(html: str, rules: list[Rule]) -> tuple[str, Counter[str]]:
    root = lxml.html.fragment_fromstring(html or "<div></div>", create_parent="div")
    removed: Counter[str] = Counter()
    for rule in rules:
        make = drop_selector if rule.kind == "selector" else drop_pattern  # the mapping's own cleaners
        count = make(rule.value).apply(root)
        if count:
            removed[rule.name] += count
    if not removed:
        return html, removed
    cleaners.empty_blocks(root)
    inner = (root.text or "") + "".join(etree.tostring(c, encoding="unicode", method="html") for c in root)
    return inner, removed


# -- learning it from a crawled corpus --------------------------------------------------------------

def learned_rules(store: Store) -> list[Rule]:
    """Rules for every repeated block known: those the crawls learned (their bodies are already clean of
    them) and those the stored bodies show now (a crawl with ``learn = false`` left them in)."""
    removed = (store.last_run() or {}).get("stats", {}).get("removed", {})
    rules = {row["text"]: Rule("text", row["text"], row["pages"], row["share"], row["sample_url"])
             for row in store.boilerplate_rows()}
    for profile in store.profiles():
        total = sum(1 for _ in store.bodies(profile))
        for text, pages in learn(html for _, html in store.bodies(profile)).items():
            if pages > (rules[text].pages if text in rules else 0):
                rules[text] = Rule("text", text, pages, round(pages / max(total, 1), 4), store.sample_url(text))
    for rule in rules.values():
        rule.removed = removed.get(rule.name)
    return list(rules.values())


def update_rulebook(store: Store, path: str | Path) -> tuple[list[Rule], int]:
    """Merge what the corpus teaches into the rulebook file at ``path`` (created if missing);
    returns (every rule, how many are new)."""
    existing = read_rules(path) if Path(path).exists() else []
    known = {rule.id for rule in existing}
    rules = merge_learned(existing, learned_rules(store))
    write_rules(path, rules)
    append_fields(path, store.template_rows())
    return rules, sum(1 for rule in rules if rule.id not in known)


FIELDS_HEADER = """
# Where each template keeps its fields, learned at crawl end by comparing its pages (review only: the
# crawl applies what it learns; a mapping's [selectors] title/date/author/tags/sources overrides a field).
# section: the URL section the places hold for ("*": every page of the template).
"""


def append_fields(path: str | Path, templates: Iterable[Mapping[str, Any]]) -> None:
    """Add one ``[[fields]]`` table per template and URL section with learned field places to the rulebook."""
    from migrator.extract.fields import describe

    tables = []
    for template in templates:
        for section, found in sorted((template.get("fields") or {}).items()):
            if found:
                tables.append({"template": template["xpath"], "pages": template["pages"], "section": section,
                               **describe(found)})
    parts = ["\n" + tomli_w.dumps({"fields": tables})] if tables else []
    if parts:
        target = Path(path)
        target.write_text(target.read_text(encoding="utf-8") + FIELDS_HEADER + "".join(parts), encoding="utf-8")
