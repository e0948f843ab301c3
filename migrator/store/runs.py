"""The runs ledger, each run's frontier and its errors."""
from __future__ import annotations

import json
from typing import Any, Iterable

from migrator.store.database import Database, dumps, utcnow

#: Rows of the errors table that list a refusal by policy, with its target (counted as skipped, not as errors).
POLICY_REFUSALS = frozenset({"offsite-redirect"})


class Runs(Database):
    """``runs``, ``frontier``, ``errors`` and ``site_validators``; the reports of what a run changed."""

    # -- runs ---------------------------------------------------------------------------------

    def begin_run(self, command: str, target: str, options: dict[str, Any]) -> int:
        with self.batch():
            table = self.db.table("runs")
            table.insert({
                "command": command, "target": target, "options": json.dumps(options, default=str),
                "started_at": utcnow(), "status": "running",
            })
            assert table.last_pk is not None  # set by the insert just made
            return int(table.last_pk)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self.batch():
            if status != "interrupted":  # an interrupted run keeps its frontier to be resumed
                self.db.execute("DELETE FROM frontier WHERE run_id = ?", [run_id])
            self.db.table("runs").update(run_id, {
                "finished_at": utcnow(), "status": status, "stats": json.dumps(stats, default=str),
                "pages": int(stats.get("pages", 0)), "articles": int(stats.get("articles", 0)),
                "errors": int(stats.get("errors", 0)),
            })

    def has_run(self, run_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE id = ?", [run_id]).fetchone() is not None

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        return list(self.db.table("runs").rows_where(order_by="id desc", limit=limit))

    def last_run(self, commands: tuple[str, ...] = ("crawl", "sync")) -> dict[str, Any] | None:
        """The latest run of one of ``commands``, with ``options`` and ``stats`` parsed."""
        marks = ", ".join("?" for _ in commands)
        rows = list(self.db.table("runs").rows_where(f"command IN ({marks})", list(commands), order_by="id desc", limit=1))
        if not rows:
            return None
        run = rows[0]
        run["options"] = json.loads(run["options"] or "{}")
        run["stats"] = json.loads(run["stats"] or "{}")
        return run

    def run_targets(self) -> list[str]:
        """The target of every run, first run first."""
        return [target or "" for (target,) in self.db.execute("SELECT target FROM runs ORDER BY id").fetchall()]

    def resumable_run(self, command: str, target: str) -> int | None:
        """The id of the latest run if it was cut short (killed: still ``running``; stopped by a signal:
        ``interrupted`` with its frontier kept) and has the same command and target; else None.

        The caller holds the lock, so a ``running`` run is a dead one; any other is marked interrupted.
        """
        resumable = None
        with self.batch():
            latest = next(iter(self.runs(1)), None)
            if latest and latest["command"] == command and latest["target"] == target:
                pending = self.db.execute("SELECT 1 FROM frontier WHERE run_id = ? LIMIT 1", [latest["id"]]).fetchone()
                if latest["status"] == "running" or (latest["status"] == "interrupted" and pending):
                    resumable = int(latest["id"])
            for row in self.db.table("runs").rows_where("status IN ('running', 'interrupted') AND id != ?",
                                                   [resumable or 0]):
                self.db.execute("DELETE FROM frontier WHERE run_id = ?", [row["id"]])
                if row["status"] == "running":
                    self.db.table("runs").update(row["id"], {"status": "interrupted", "finished_at": utcnow()})
        return resumable

    def count_page(self, run_id: int) -> None:
        """One more page fetched by the run, counted in the page's own transaction: the part of a run that
        was killed counts exactly the pages it committed."""
        self.db.execute("UPDATE runs SET pages = coalesce(pages, 0) + 1 WHERE id = ?", [run_id])

    def pages_counted(self, run_id: int) -> int:
        """Pages the run has counted so far (all its parts, when it was resumed)."""
        row = self.db.execute("SELECT pages FROM runs WHERE id = ?", [run_id]).fetchone()
        return int(row[0] or 0) if row else 0

    def pages_in_run(self, run_id: int) -> int:
        """Pages stored (or answered 304) by a run so far."""
        return self.db.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()[0]

    # -- frontier -----------------------------------------------------------------------------

    def frontier_add(self, run_id: int, requests: Iterable[tuple[str, str, int]], state: str = "pending") -> None:
        """Queue (url, role, priority) as pending (or record them as ``skipped`` by the revisit policy); a URL
        already known to this run keeps its state, except that a skipped one queued after all becomes pending."""
        self.db.conn.executemany(
            "INSERT INTO frontier (run_id, url, role, priority, state) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (run_id, url) DO UPDATE SET state = 'pending', role = excluded.role, "
            "priority = excluded.priority WHERE frontier.state = 'skipped' AND excluded.state = 'pending'",
            [(run_id, url, role, priority, state) for url, role, priority in requests],
        )

    def frontier_done(self, run_id: int, url: str) -> None:
        self.db.execute(
            "INSERT INTO frontier (run_id, url, role, priority, state) VALUES (?, ?, 'page', 0, 'done') "
            "ON CONFLICT (run_id, url) DO UPDATE SET state = 'done'", [run_id, url])

    def frontier_skipped(self, run_id: int) -> set[str]:
        """URLs this run's revisit policy decided not to ask (and nothing has queued since)."""
        return {r[0] for r in self.db.execute("SELECT url FROM frontier WHERE run_id = ? AND state = 'skipped'",
                                              [run_id])}

    def settle_skipped(self, run_id: int) -> int:
        """Articles the revisit policy skipped count as seen by this run, content unchanged; returns how many."""
        with self.batch():
            return self.db.execute(
                "UPDATE articles SET last_run = ? WHERE state = 'live' AND (last_run IS NULL OR last_run != ?) "
                "AND url IN (SELECT url FROM frontier WHERE run_id = ? AND state = 'skipped')",
                [run_id, run_id, run_id]).rowcount

    def frontier(self, run_id: int) -> tuple[list[str], list[tuple[str, str, int]]]:
        """(every URL this run admitted, the pending ones as (url, role, priority))."""
        rows = self.db.execute("SELECT url, role, priority, state FROM frontier WHERE run_id = ? ORDER BY rowid",
                               [run_id]).fetchall()
        return [r[0] for r in rows], [(r[0], r[1], r[2]) for r in rows if r[3] == "pending"]

    # -- errors -------------------------------------------------------------------------------

    def record_error(self, run_id: int, url: str, reason: str, detail: str = "") -> None:
        """One row per (run, url, reason); repeats count up instead of piling up."""
        self.db.execute(
            "INSERT INTO errors (run_id, url, reason, detail, at, count) VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (run_id, url, reason) DO UPDATE SET count = count + 1, detail = excluded.detail",
            [run_id, url, reason, detail[:2000], utcnow()],
        )

    def errors(self, run_id: int | None = None) -> list[dict[str, Any]]:
        where, args = ("run_id = ?", [run_id]) if run_id is not None else (None, [])
        return list(self.db.table("errors").rows_where(where, args, order_by="reason, url"))

    # -- what runs changed --------------------------------------------------------------------

    def run_report(self, run_id: int) -> dict[str, Any]:
        """What a run changed: ``{"new": [urls], "updated": [urls], "gone": [urls], "unchanged": N}``."""
        report: dict[str, Any] = {"new": [], "updated": [], "gone": []}
        for change, url in self.db.execute("SELECT change, url FROM changes WHERE run_id = ? ORDER BY url", [run_id]):
            report.setdefault(change, []).append(url)
        report["unchanged"] = self.db.execute(
            "SELECT count(*) FROM articles WHERE last_run = ? AND state = 'live' AND source_id NOT IN "
            "(SELECT source_id FROM changes WHERE run_id = ?)", [run_id, run_id]).fetchone()[0]
        return report

    def run_totals(self, run_id: int) -> dict[str, int]:
        """A run's counts from what it stored (every part of a resumed run), as crawl stats keys: the one source
        of the summary, the runs row and ``status``. Live articles it saw, new / updated / unchanged ones, errors
        by reason (the refusals by policy the errors table lists with their target count as skipped)."""
        one = self.db.execute
        articles = one("SELECT count(*) FROM articles WHERE last_run = ? AND state = 'live'", [run_id]).fetchone()[0]
        totals = {"migrator/articles": articles}
        for change in ("new", "updated"):
            totals[f"migrator/articles/{change}"] = one(
                "SELECT count(DISTINCT source_id) FROM changes c JOIN articles a USING (source_id) WHERE c.run_id = ? "
                "AND c.change = ? AND a.state = 'live' AND a.last_run = ?", [run_id, change, run_id]).fetchone()[0]
        totals["migrator/articles/unchanged"] = max(
            articles - totals["migrator/articles/new"] - totals["migrator/articles/updated"], 0)
        for reason, count in one("SELECT reason, sum(count) FROM errors WHERE run_id = ? GROUP BY reason", [run_id]):
            kind = "skipped" if reason in POLICY_REFUSALS else "errors"
            totals[f"migrator/{kind}/{reason}"] = int(count)
        return totals

    def run_progress(self, run_id: int) -> dict[str, int]:
        """What the earlier parts of a resumed run did, as the progress line counts it: pages, articles, errors
        (the stats keys of :meth:`run_totals`); zeros for a new run."""
        totals = self.run_totals(run_id)
        errors = sum(n for key, n in totals.items() if key.startswith("migrator/errors/"))
        return {"migrator/pages": self.pages_counted(run_id), "migrator/articles": totals["migrator/articles"],
                "migrator/errors": errors}

    # -- validators a sync sends, per host ----------------------------------------------------

    def validator_choices(self) -> dict[str, tuple[str, dict[str, int]]]:
        """host -> (validator choice, evidence counts) learned by earlier syncs."""
        return {host: (choice, json.loads(evidence or "{}"))
                for host, choice, evidence in self.db.execute("SELECT host, choice, evidence FROM site_validators")}

    def validator_reason(self, host: str) -> str | None:
        """Why a sync sends what it sends to ``host``, as last recorded."""
        row = self.db.execute("SELECT reason FROM site_validators WHERE host = ?", [host]).fetchone()
        return row[0] if row else None

    def save_validator_choice(self, host: str, choice: str, reason: str, evidence: dict[str, int],
                              run_id: int | None) -> None:
        """Record which validators a sync sends to ``host``, why, and the evidence counted so far."""
        with self.batch():
            self.db.table("site_validators").upsert({"host": host, "choice": choice, "reason": reason,
                                               "evidence": dumps(evidence), "run_id": run_id, "at": utcnow()},
                                              pk="host")

    def status(self, runs: int = 10) -> dict[str, Any]:
        """Articles by state, the last runs with their change counts, errors of the last run by reason."""
        states = dict(self.db.execute("SELECT state, count(*) FROM articles GROUP BY state ORDER BY state").fetchall())
        last = self.runs(runs)
        for run in last:
            run["changes"] = dict(self.db.execute(
                "SELECT change, count(*) FROM changes WHERE run_id = ? GROUP BY change", [run["id"]]).fetchall())
        errors = []
        if last:
            errors = self.db.execute(
                "SELECT reason, sum(count), count(*) FROM errors WHERE run_id = ? GROUP BY reason "
                "ORDER BY sum(count) DESC", [last[0]["id"]]).fetchall()
        types = self.db.execute(
            "SELECT COALESCE(NULLIF(type, ''), '(none)'), count(*), min(url) FROM articles WHERE state = 'live' "
            "GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()
        withdrawn: dict[str, list[str]] = {}
        for reason, url in self.db.execute("SELECT reason, url FROM withdrawals WHERE run_id = "
                                           "(SELECT max(run_id) FROM withdrawals) ORDER BY reason, url"):
            withdrawn.setdefault(reason, []).append(url)
        validators = list(self.db.table("site_validators").rows_where(order_by="host"))
        return {"articles": states, "runs": last, "errors": [tuple(e) for e in errors],
                "types": [tuple(t) for t in types], "withdrawn": withdrawn, "validators": validators,
                "skipped": self.skipped_reasons()}  # type: ignore[attr-defined]  # Pages, beside it in Store
