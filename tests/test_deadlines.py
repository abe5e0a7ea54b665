"""Deadline arithmetic, table-driven (2024 to 2030)."""

import datetime

import pytest

from agencies.deadlines import deadline, is_working_day, response_due, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("sent", "period", "unit", "due"),
    [
        # SI 2012/3094: 20 working days, over Christmas and New Year 2026
        (D(2026, 12, 18), 20, "working_days", D(2027, 1, 20)),
        # over Easter 2025 (Good Friday 18 April, Easter Monday 21 April)
        (D(2025, 4, 16), 5, "working_days", D(2025, 4, 25)),
        # sent on a Saturday: day 1 is Monday
        (D(2024, 6, 1), 1, "working_days", D(2024, 6, 3)),
        # the early May bank holiday 2026 (4 May)
        (D(2026, 5, 1), 1, "working_days", D(2026, 5, 5)),
        # Christmas 2027 falls on a Saturday: substitute days Mon 27 and Tue 28 Dec
        (D(2027, 12, 24), 1, "working_days", D(2027, 12, 29)),
        # coronation of King Charles III, 8 May 2023 is outside the range; 2030 late summer
        (D(2030, 8, 23), 1, "working_days", D(2030, 8, 27)),
        (D(2028, 12, 22), 5, "working_days", D(2029, 1, 3)),
        # SI 2013/218 reg. 22: 28 days, stays on a weekend
        (D(2026, 3, 7), 28, "calendar_days", D(2026, 4, 4)),
        (D(2024, 2, 1), 28, "calendar_days", D(2024, 2, 29)),
        # LGA 2000 s.9FE: two months, clamped to the month's end
        (D(2025, 12, 31), 2, "months", D(2026, 2, 28)),
        (D(2027, 12, 31), 2, "months", D(2028, 2, 29)),
        (D(2026, 1, 31), 1, "months", D(2026, 2, 28)),
        (D(2029, 11, 30), 3, "months", D(2030, 2, 28)),
        (D(2026, 10, 15), 2, "months", D(2026, 12, 15)),
        (D(2026, 1, 1), 0, "working_days", D(2026, 1, 1)),
    ],
)
def test_response_due(sent, period, unit, due):
    assert response_due(sent, period, unit) == due


def test_closure_days_are_skipped_in_working_days():
    assert response_due(D(2026, 6, 1), 2, "working_days", closures=[D(2026, 6, 2)]) == D(2026, 6, 4)


def test_the_explanation_names_the_days_skipped():
    text = deadline(D(2026, 12, 18), 20, "working_days").explanation()
    assert text == (
        "Counting from the day after sending: 20 working days from Fri 18 Dec 2026, "
        "skipping 25 and 28 Dec and 1 Jan: due Wed 20 Jan 2027"
    )


def test_a_month_deadline_can_roll_to_the_next_working_day():
    result = deadline(D(2026, 2, 3), 2, "months", roll_forward=True)  # 3 April 2026 is Good Friday
    assert result.due_on == D(2026, 4, 7)
    assert "moved from Fri 3 Apr 2026 to the next working day" in result.explanation()


def test_every_day_from_2024_to_2030_gives_a_working_day_after_it():
    day = D(2024, 1, 1)
    while day < D(2031, 1, 1):
        due = response_due(day, 1, "working_days")
        assert due > day and is_working_day(due)
        assert all(not is_working_day(day + datetime.timedelta(days=i)) for i in range(1, (due - day).days))
        day += datetime.timedelta(days=1)


def test_working_days_between():
    assert working_days_between(D(2026, 12, 18), D(2027, 1, 20)) == 20
    assert working_days_between(D(2027, 1, 20), D(2026, 12, 18)) == -20


def test_bad_units_and_periods_are_refused():
    with pytest.raises(ValueError, match="unit must be one of"):
        response_due(D(2026, 1, 1), 1, "fortnights")
    with pytest.raises(ValueError):
        response_due(D(2026, 1, 1), -1, "working_days")
