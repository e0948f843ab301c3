"""Month-first dates ("March 25, 2014") are found as before the month-first pattern was skipped on texts that
cannot hold one (:data:`migrator.extract.dates._DAY_COMMA_YEAR`), and texts without one find none."""
from __future__ import annotations

import pytest

from migrator.extract.dates import find_date, find_written


@pytest.mark.parametrize("text, expected, written", [
    ("Posted on March 25, 2014 at 10:15", (2014, 3, 25, 10, 15), "March 25, 2014 at 10:15"),
    ("Fri Apr 06, 2018 10:45 pm", (2018, 4, 6, 22, 45), "Apr 06, 2018 10:45 pm"),
    ("Updated: January 5 2010", (2010, 1, 5, 0, 0), "January 5 2010"),
    ("Sept. 3, 2019", (2019, 9, 3, 0, 0), "Sept. 3, 2019"),
    ("Опубликовано в разделе Новости, 250 просмотров, 2010 год", None, None),
    ("Главная страница сайта без дат вовсе", None, None),
])
def test_month_first_dates(text: str, expected: tuple[int, ...] | None, written: str | None) -> None:
    assert find_date(text) == expected
    assert find_written(text) == ((expected, written) if expected else None)
