"""Score a crawl's records against a site whose truth is known (the demo site, test fixtures).

The body metric is the project's standard one (``shared/tools/textscore.py``): 4-gram shingles
of ``\\w+`` tokens, per-page shares, precision and recall averaged over pages.
"""
from __future__ import annotations

import statistics
from collections import Counter
from typing import Any, Iterable

from migrator.clean.text import shingles, words

FIELDS = ("title", "published_at", "author", "tags", "sources", "images", "comments")

#: Phrases that must never reach the new platform: boilerplate, and the labels of fields and bylines.
BOILERPLATE = (
    "Войдите на сайт", "для отправки комментариев", "Источник(и):", "Версия для печати",
    "Отправить другу", "просмотров", "просмотра", "Login or register",
    "Источник:", "Источники:", "Опубликовано", "Submitted by",
)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    """The body F1's 4-word shingles, case kept, as ``tools/textscore.py`` makes them."""
    return Counter(shingles(words(text or "", lower=False), short=True))


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) shingle shares of one page, as textscore.py computes them."""
    a, b = _shingles(true), _shingles(pred)
    keys = a.keys() | b.keys()
    tp = sum(min(a[k], b[k]) for k in keys)
    fp = sum(max(0, b[k] - a[k]) for k in keys)
    fn = sum(max(0, a[k] - b[k]) for k in keys)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_f1(pairs: Iterable[tuple[str, str]]) -> float:
    """Corpus F1 over (truth, predicted) body texts."""
    counts = [page_counts(t, p) for t, p in pairs]
    if not counts:
        return 0.0

    def prec(c: tuple[float, float, float]) -> float:
        return 1.0 if c[1] == c[2] == 0 else (0.0 if c[0] == c[1] == 0 else c[0] / (c[0] + c[1]))

    def rec(c: tuple[float, float, float]) -> float:
        return 1.0 if c[1] == c[2] == 0 else (0.0 if c[0] == c[2] == 0 else c[0] / (c[0] + c[2]))

    p = statistics.mean(prec(c) for c in counts if c[0] + c[1] > 0) if any(c[0] + c[1] for c in counts) else 0.0
    r = statistics.mean(rec(c) for c in counts if c[0] + c[2] > 0) if any(c[0] + c[2] for c in counts) else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _field(record: dict[str, Any], name: str) -> Any:
    value = record.get(name)
    if name == "comments":
        return [(c.get("author"), c.get("published_at"), " ".join(words(c.get("body_text") or "", lower=False)))
                for c in value or []]
    return value


def compare(records: list[dict[str, Any]], truth: list[dict[str, Any]]) -> dict[str, Any]:
    """Coverage, duplicates, non-article records, per-field exact rates, body F1, boilerplate left.

    ``truth`` records carry absolute ``url`` values, like the records.
    """
    by_url: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        for url in [record["url"], *record.get("aliases", [])]:
            by_url.setdefault(url, []).append(record)
    found = 0
    exact: Counter[str] = Counter()
    pairs: list[tuple[str, str]] = []
    mismatches: list[dict[str, Any]] = []
    canonical_ok = 0
    matched_ids: set[int] = set()
    for item in truth:
        candidates = by_url.get(item["url"]) or []
        if not candidates:
            mismatches.append({"url": item["url"], "field": "missing"})
            continue
        record = candidates[0]
        matched_ids.add(id(record))
        found += 1
        canonical_ok += record["url"] == item["url"]
        for name in FIELDS:
            if _field(record, name) == _field(item, name):
                exact[name] += 1
            elif len(mismatches) < 200:
                mismatches.append({"url": item["url"], "field": name, "want": item.get(name), "got": record.get(name)})
        pairs.append((item.get("body_text", ""), record.get("body_text", "")))
    ids = [r["source_id"] for r in records]
    extra = [r["url"] for r in records if id(r) not in matched_ids]
    boiler = [r["url"] for r in records if any(p in (r.get("body_text") or "") for p in BOILERPLATE)]
    n = len(truth) or 1
    return {
        "truth": len(truth), "records": len(records), "found": found, "coverage": round(found / n, 4),
        "duplicates": len(ids) - len(set(ids)), "not_in_truth": len(extra), "not_in_truth_sample": extra[:10],
        "canonical_url": round(canonical_ok / n, 4),
        "exact": {name: round(exact[name] / (found or 1), 4) for name in FIELDS},
        "body_f1": round(body_f1(pairs), 4), "boilerplate_records": len(boiler), "boilerplate_sample": boiler[:5],
        "mismatches": mismatches,
    }
