"""Small-number protection for the public figures (concerns.disclosure): a pure module."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import pytest

from concerns.disclosure import protect_table


def additive(cells: list[list[int]]):
    """A table whose totals are the sums of its cells."""
    rows = [sum(row) for row in cells]
    columns = [sum(column) for column in zip(*cells, strict=True)]
    return cells, rows, columns, sum(rows)


def view(table) -> tuple:
    """What a reader sees: every figure's text."""
    return (
        tuple(tuple(f.text for f in row) for row in table.cells),
        tuple(f.text for f in table.row_totals),
        tuple(f.text for f in table.column_totals),
        table.grand_total.text,
    )


def worked_out_by_subtraction(table) -> dict:
    """What a reader can work out by subtracting shown figures from shown totals, again and
    again with what they found: {(kind, position): value}."""
    known: dict = {}
    for i, row in enumerate(table.cells):
        for j, f in enumerate(row):
            if f.shown:
                known["cell", i, j] = f.value
    for i, f in enumerate(table.row_totals):
        if f.shown:
            known["row", i] = f.value
    for j, f in enumerate(table.column_totals):
        if f.shown:
            known["column", j] = f.value
    if table.grand_total.shown:
        known["grand"] = table.grand_total.value
    height, width = len(table.row_totals), len(table.column_totals)
    lines = [(("row", i), [("cell", i, j) for j in range(width)]) for i in range(height)]
    lines += [(("column", j), [("cell", i, j) for i in range(height)]) for j in range(width)]
    lines += [(("grand",), [("row", i) for i in range(height)]), (("grand",), [("column", j) for j in range(width)])]
    found = True
    while found:
        found = False
        for total, parts in lines:
            unknown = [p for p in [total, *parts] if p not in known]
            if len(unknown) == 1:
                rest = sum(known[p] for p in parts if p in known)
                known[unknown[0]] = rest if unknown[0] == total else known[total] - rest
                found = True
    return known


def hidden_positions(table) -> list:
    out = [("cell", i, j) for i, row in enumerate(table.cells) for j, f in enumerate(row) if f.hidden]
    out += [("row", i) for i, f in enumerate(table.row_totals) if f.hidden]
    out += [("column", j) for j, f in enumerate(table.column_totals) if f.hidden]
    return out + ([("grand",)] if table.grand_total.hidden else [])


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (12, "12"), (1234, "1,234")],
)
def test_a_count_from_1_to_4_is_shown_as_fewer_than_5_and_zero_as_0(value, text):
    table = protect_table([[value]], [value], [value], value)
    assert table.cells[0][0].text == text
    # The totals of a hidden cell are "not shown", saying nothing about their size.
    assert table.grand_total.text == ("not shown" if text == "fewer than 5" else text)


def test_a_total_that_would_give_away_a_hidden_number_by_subtraction_is_not_shown():
    # 25 - 10 - 12 = 3: with the row total shown, the hidden 3 could be worked out.
    table = protect_table(*additive([[3, 10, 12], [6, 7, 8]]))
    assert [f.text for f in table.cells[0]] == ["fewer than 5", "10", "12"]
    assert table.row_totals[0].text == "not shown"
    assert table.row_totals[1].text == "21"  # every number it adds up is shown
    assert [f.text for f in table.column_totals] == ["not shown", "17", "20"]
    assert table.grand_total.text == "not shown"
    assert ("cell", 0, 0) not in worked_out_by_subtraction(table)
    assert worked_out_by_subtraction(table).keys().isdisjoint(hidden_positions(table))


def test_the_grand_total_is_hidden_when_one_total_is_even_if_every_cell_is_shown():
    # Column totals counted apart from the cells (experiences with no theme count only there):
    # 3 in the second column hides the grand total, or 20 - 17 would give it away.
    table = protect_table([[10, 0], [7, 0]], [10, 7], [17, 3], 20)
    assert [f.text for f in table.column_totals] == ["17", "fewer than 5"]
    assert [f.text for f in table.row_totals] == ["10", "7"]
    assert table.grand_total.text == "not shown"


def test_four_hidden_ones_under_a_small_total_are_not_given_away_by_its_size():
    # Were the total labelled "fewer than 5", four cells of at least 1 adding up to at most 4
    # would all have to be 1.
    table = protect_table(*additive([[1, 1, 1, 1]]))
    assert table.row_totals[0].text == "not shown"
    assert table.grand_total.text == "not shown"


def test_a_table_with_nothing_small_shows_everything():
    table = protect_table(*additive([[5, 0, 9], [0, 0, 0]]))
    assert not table.anything_hidden
    assert view(table)[3] == "14"


def test_rows_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        protect_table([[1, 2], [3]], [3, 3], [4, 2], 6)
    with pytest.raises(ValueError):
        protect_table([[-1]], [-1], [-1], -1)


def test_no_hidden_number_in_a_thousand_random_tables_can_be_worked_out_by_subtraction():
    rng = random.Random(14)
    for _ in range(1000):
        height, width = rng.randint(1, 6), rng.randint(1, 12)
        cells = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(width)] for _ in range(height)]
        table = protect_table(*additive(cells))
        known = worked_out_by_subtraction(table)
        assert known.keys().isdisjoint(hidden_positions(table)), cells


def test_no_hidden_number_of_any_small_two_by_two_table_is_given_away_by_what_is_shown():
    """Every 2 x 2 table with cells from 0 to 11, grouped by what a reader sees: within each
    group of tables that look the same, every hidden figure takes at least two values, so what
    is shown (texts, totals and the bounds "fewer than 5" and "not shown" imply) never pins it
    down. Only tables with cells up to 6 are judged, so the upper edge of 11 pins nothing."""
    looks_alike: dict = defaultdict(list)
    for a, b, c, d in itertools.product(range(12), repeat=4):
        cells = [[a, b], [c, d]]
        table = protect_table(*additive(cells))
        looks_alike[view(table)].append((cells, table))
    judged = 0
    for group in looks_alike.values():
        for cells, table in group:
            if max(max(row) for row in cells) > 6:
                continue
            judged += 1
            for position in hidden_positions(table):
                values = {value_at(other, position) for _, other in group}
                assert len(values) > 1, (cells, position)
    assert judged == 7**4


def value_at(table, position) -> int:
    kind, *where = position
    if kind == "cell":
        return table.cells[where[0]][where[1]].value
    if kind == "row":
        return table.row_totals[where[0]].value
    if kind == "column":
        return table.column_totals[where[0]].value
    return table.grand_total.value
