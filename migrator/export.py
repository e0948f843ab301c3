"""Exports for the new platform, streamed record by record (constant memory)."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, TextIO


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One article per line with exactly the record keys of design.md; returns the count."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


EXPORTERS: dict[str, Callable[[Iterable[dict[str, Any]], TextIO], int]] = {
    "jsonl": write_jsonl,
}
