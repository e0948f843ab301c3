"""What a database is about: the site its first crawl read, and how (one row of ``site``)."""
from __future__ import annotations

import json
from typing import Any

from migrator.store.database import Database, utcnow


class Site(Database):
    """``site``: the target, mapping, time zone and flags the first crawl recorded (see :mod:`migrator.remembered`)."""

    def site(self) -> dict[str, Any] | None:
        """The recorded site, ``options`` parsed; None before the first crawl (or in a file too old to say)."""
        if "site" not in self.db.table_names():
            return None
        rows = list(self.db.table("site").rows_where("id = 1", limit=1))
        if not rows:
            return None
        row = rows[0]
        row["options"] = json.loads(row["options"] or "{}")
        return row

    def remember_site(self, site: dict[str, Any], run_id: int) -> None:
        """Record the site on the first crawl; later runs only update the mapping it is read with (its path
        and text's hash), never the target."""
        with self.batch():
            if self.site() is None:
                self.db.table("site").insert({**site, "id": 1, "options": json.dumps(site.get("options", {})),
                                              "first_run": run_id, "recorded_at": utcnow()})
            elif site.get("mapping"):
                self.db.table("site").update(1, {"mapping": site["mapping"],
                                                 "mapping_sha256": site.get("mapping_sha256")})
