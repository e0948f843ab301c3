"""What crawls learned about a site: repeated blocks (boilerplate), page templates and site-wide facts."""
from __future__ import annotations

import json
from typing import Any, Iterable

from migrator.store.database import Database, dumps


class Learned(Database):
    """``boilerplate``, ``templates`` and ``facts``."""

    def boilerplate(self) -> dict[str, int]:
        return {r["text"]: r["pages"] for r in self.db.table("boilerplate").rows}

    def boilerplate_rows(self) -> list[dict[str, Any]]:
        """Every learned repeated block with its evidence (pages, share, sample URL), most frequent first."""
        return list(self.db.table("boilerplate").rows_where(order_by="pages desc, text"))

    def save_boilerplate(self, learned: dict[str, int], total: int, run_id: int) -> None:
        """Record repeated blocks found this run (with page counts); earlier findings stay, since bodies
        already cleaned of a block no longer show it."""
        for text, pages in learned.items():
            row = self.db.execute("SELECT url FROM articles WHERE state = 'live' AND instr(body_text, ?) LIMIT 1",
                                  [text[:200]]).fetchone()
            known = self.db.execute("SELECT pages, share, learned_run FROM boilerplate WHERE text = ?",
                                    [text]).fetchone()
            share = round(pages / max(total, 1), 4)
            if known and known[2] == run_id and known[0] >= pages:
                continue  # the same block in another template this run: keep its larger count
            self.db.table("boilerplate").upsert({"text": text, "pages": pages, "share": share,
                                           "sample_url": row[0] if row else None, "learned_run": run_id}, pk="text")

    def save_templates(self, rows: Iterable[dict[str, Any]], run_id: int) -> None:
        """Replace the learned templates: each learning pass sees the whole corpus, so its findings are the
        current truth (rows: ``xpath``, ``skeleton`` as a list, ``pages``, ``agreeing``)."""
        self.db.execute("DELETE FROM templates")
        for row in rows:
            self.db.table("templates").upsert({**row, "skeleton": dumps(sorted(row["skeleton"])), "learned_run": run_id,
                                         "fields": dumps(row.get("fields") or {})}, pk=("xpath", "skeleton"))

    def template_rows(self) -> list[dict[str, Any]]:
        """The learned templates, most pages first, ``skeleton`` parsed."""
        rows = list(self.db.table("templates").rows_where(order_by="pages desc, xpath"))
        return [{**row, "skeleton": json.loads(row["skeleton"]), "fields": json.loads(row.get("fields") or "{}")}
                for row in rows]

    def fact(self, name: str) -> str | None:
        """A site-wide fact a crawl end learned (``date-order``), None when none is known."""
        found = self.db.execute("SELECT value FROM facts WHERE name = ?", [name]).fetchone()
        return found[0] if found else None

    def save_fact(self, name: str, value: str | None, evidence: str, run_id: int) -> None:
        """Record what the whole site showed this run (each crawl end sees the whole corpus); None forgets it."""
        if value is None:
            self.db.execute("DELETE FROM facts WHERE name = ?", [name])
            return
        self.db.table("facts").upsert({"name": name, "value": value, "evidence": evidence, "learned_run": run_id},
                                      pk="name")
