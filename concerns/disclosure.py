"""Protecting small numbers in the public figures: counts in, what may be shown out (no ORM).

A table of counts has cells, a total for each row, a total for each column and a grand total.
The rule, as the public page states it:

1. A count from 1 to 4 is shown as "fewer than 5", wherever it is: a cell or a total. Zero is
   shown as 0 (nobody can be picked out of nobody).
2. A total is shown only when every number it adds up is shown; otherwise it is "not shown",
   whatever its size. The rule runs across the whole table: the row totals are numbers the
   grand total adds up, and so are the column totals, so a hidden row or column total hides
   the grand total too.

Why that is enough for subtraction: a hidden cell hides its row total, its column total and so
the grand total, which makes a rectangle of four hidden figures. Any sum a reader can take of
shown figures moves two of the rectangle's corners together, so no hidden figure can be worked
out by adding and subtracting the shown ones (a hidden figure could only be isolated if it were
the one hidden figure in some row, column or total, which the rule never leaves).

Nor by bounds: a reader knows a hidden cell is from 1 to 4, and a shown figure is 0 or at least
5, but a "not shown" total says nothing about its size. (Were a total of 4 over four hidden
cells labelled "fewer than 5", a reader would know each cell was 1: so it is "not shown".) Any
hidden cell can then move up or down by one, with its rectangle's totals, and still fit
everything shown; tests/test_disclosure.py checks every 2 x 2 table this way.

A total here need not be the exact sum of its cells (an experience can have several themes, or
none): the rule treats every total as if it were, which can only hide more, never less.
"""

from __future__ import annotations

import dataclasses

SMALL = 5  # counts from 1 to SMALL - 1 are never shown
SMALL_NUMBER = "small"
HIDES_A_SMALL_NUMBER = "total"
TEXT = {SMALL_NUMBER: f"fewer than {SMALL}", HIDES_A_SMALL_NUMBER: "not shown"}


@dataclasses.dataclass(frozen=True)
class Figure:
    """One count and whether it may be shown: `hidden` is "" (shown), SMALL_NUMBER (a count of
    1 to 4) or HIDES_A_SMALL_NUMBER (a total that would give a hidden number away)."""

    value: int
    hidden: str = ""

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def text(self) -> str:
        return TEXT[self.hidden] if self.hidden else f"{self.value:,}"


@dataclasses.dataclass(frozen=True)
class ProtectedTable:
    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    grand_total: Figure

    @property
    def anything_hidden(self) -> bool:
        every = [f for row in self.cells for f in row] + self.row_totals + self.column_totals + [self.grand_total]
        return any(f.hidden for f in every)


def is_small(value: int) -> bool:
    return 0 < value < SMALL


def _figure(value: int, hides_a_hidden_part: bool = False) -> Figure:
    if value < 0:
        raise ValueError(f"A count cannot be negative: {value}")
    if hides_a_hidden_part:
        return Figure(value, HIDES_A_SMALL_NUMBER)
    return Figure(value, SMALL_NUMBER if is_small(value) else "")


def protect_table(
    cells: list[list[int]], row_totals: list[int], column_totals: list[int], grand_total: int
) -> ProtectedTable:
    """Apply the two rules above to a table of counts (rows of equal length, a total for each
    row and each column, and the grand total)."""
    width = len(column_totals)
    if len(row_totals) != len(cells) or any(len(row) != width for row in cells):
        raise ValueError("Each row needs a cell for every column and a total.")
    shown_cells = [[_figure(n) for n in row] for row in cells]
    shown_rows = [
        _figure(total, any(f.hidden for f in row)) for total, row in zip(row_totals, shown_cells, strict=True)
    ]
    shown_columns = [_figure(total, any(row[j].hidden for row in shown_cells)) for j, total in enumerate(column_totals)]
    margins_hidden = any(f.hidden for f in shown_rows + shown_columns)
    return ProtectedTable(shown_cells, shown_rows, shown_columns, _figure(grand_total, margins_hidden))
