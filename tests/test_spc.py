"""XmR limits and the Making Data Count special-cause rules, table-driven."""

import pytest

from concerns.spc import BEYOND_LIMIT, SHIFT, TREND, TWO_OF_THREE, xmr

FLAT = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11]  # common cause only


def flagged(values):
    return [i for i, flag in enumerate(xmr(values).special_cause) if flag]


def test_limits_are_the_mean_plus_or_minus_2_66_times_the_mean_moving_range():
    result = xmr([10, 14, 12, 16])
    assert result.mean == pytest.approx(13.0)
    assert result.moving_range_mean == pytest.approx((4 + 2 + 4) / 3)
    assert result.upper == pytest.approx(13 + 2.66 * 10 / 3)
    assert result.lower == pytest.approx(13 - 2.66 * 10 / 3)


def test_common_cause_variation_flags_nothing():
    assert flagged(FLAT) == []
    assert not xmr(FLAT).provisional


@pytest.mark.parametrize(
    ("values", "expected", "reason"),
    [
        (FLAT + [30], [12], BEYOND_LIMIT),
        (FLAT + [-10], [12], BEYOND_LIMIT),
        # 7 in a row above the mean (the mean of the whole series is lower)
        ([5, 5, 5, 5, 5, 5, 5, 8, 9, 8, 9, 8, 9, 8], list(range(7, 14)), SHIFT),
        # 7 rising, each higher than the one before
        ([10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17], list(range(4, 12)), TREND),
        # 7 falling
        ([20, 19, 20, 19, 18, 17, 16, 15, 14, 13, 19, 20], list(range(3, 10)), TREND),
    ],
)
def test_each_rule_flags_the_points_it_describes(values, expected, reason):
    result = xmr(values)
    assert [i for i in expected if result.special_cause[i]] == expected
    assert all(reason in result.reasons[i] for i in expected)


def test_six_rising_is_not_a_trend():
    values = [10, 12, 10, 12, 10, 11, 12, 13, 14, 15, 10, 12]
    assert TREND not in {r for reasons in xmr(values).reasons for r in reasons}


def test_a_point_on_the_mean_breaks_a_run_on_one_side():
    # mean is 10: six above, one on the mean, six above would be two runs of six
    values = [12, 12, 12, 12, 12, 12, 10, 12, 12, 12, 12, 12, 12, -14]
    result = xmr(values)
    assert result.mean == pytest.approx(10)
    assert all(SHIFT not in reasons for reasons in result.reasons)


def test_a_tie_breaks_a_trend():
    values = [1, 2, 3, 4, 4, 5, 6, 7]  # 4 rising then 4 rising: neither reaches 7
    assert all(TREND not in reasons for reasons in xmr(values).reasons)


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit():
    values = FLAT * 3 + [15, 10.5, 15]
    result = xmr(values)
    zone = result.mean + (result.upper - result.mean) * 2 / 3
    assert zone < 15 < result.upper
    assert result.reasons[36] == (TWO_OF_THREE,) and result.reasons[38] == (TWO_OF_THREE,)
    assert not result.special_cause[37]


def test_two_of_three_must_be_on_the_same_side():
    values = FLAT * 3 + [15, 6.3, 10.5]
    result = xmr(values)
    assert result.mean - (result.mean - result.lower) * 2 / 3 > 6.3 > result.lower
    assert not any(result.special_cause[36:])


def test_direction_says_whether_special_cause_is_high_or_low():
    assert xmr(FLAT + [30]).latest_direction == 1
    assert xmr(FLAT + [-10]).latest_direction == -1
    assert xmr(FLAT).latest_direction == 0


def test_fewer_than_twelve_points_are_provisional():
    assert xmr(FLAT[:11]).provisional
    assert not xmr(FLAT[:12]).provisional


def test_identical_values_have_no_special_cause():
    result = xmr([4] * 15)
    assert (result.upper, result.lower) == (4, 4)
    assert not any(result.special_cause)


def test_no_values_is_an_error():
    with pytest.raises(ValueError):
        xmr([])


# ------------------------------------------------------- recorded changes and honest words

BASELINE = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11]
RAISED = [20, 22, 19, 21, 20, 22, 19, 21, 20, 22, 19, 21]


def test_without_a_recorded_change_a_rise_makes_the_baseline_a_run_below_the_mean():
    result = xmr(BASELINE + RAISED)
    assert all(SHIFT in result.reasons[i] for i in range(12))
    assert "part of a run of 12 below the mean" in result.finding(0)
    assert "unusually" not in result.finding(0)


def test_a_recorded_change_computes_limits_before_and_after_it():
    result = xmr(BASELINE + RAISED, changes=[12])
    before, after = result.periods
    assert (before.start, before.end, after.start, after.end) == (0, 12, 12, 24)
    assert before.mean == pytest.approx(10.5) and after.mean == pytest.approx(20.5)
    assert before.moving_range_mean == pytest.approx(
        sum(abs(a - b) for a, b in zip(BASELINE[1:], BASELINE[:-1], strict=True)) / 11
    )
    assert result.mean == after.mean and result.upper == after.upper  # today's limits: the latest period's
    assert not any(result.special_cause)
    assert result.changes == (12,)
    assert result.period_at(11) is before and result.period_at(12) is after


def test_the_moving_range_never_spans_a_change():
    result = xmr([1, 1, 1, 9, 9, 9], changes=[3])
    assert [p.moving_range_mean for p in result.periods] == [0, 0]


def test_changes_outside_the_series_are_ignored():
    assert len(xmr(BASELINE, changes=[0, 12, 40, -3]).periods) == 1


def test_fewer_points_than_the_minimum_since_a_change_are_provisional_and_say_why():
    result = xmr(BASELINE + RAISED[:5], changes=[12])
    assert result.provisional
    assert result.why_no_limits == (
        "Only 5 points since the last recorded change: process limits need at least 12, "
        "so the months since are shown as a run chart, without limits or special-cause colours."
    )
    assert not xmr(BASELINE + RAISED, changes=[12]).why_no_limits


def test_the_minimum_number_of_points_is_a_setting():
    assert xmr(BASELINE[:8], min_points=8).provisional is False
    assert xmr(BASELINE[:8]).provisional is True
    assert xmr(BASELINE[:8]).why_no_limits.startswith("Only 8 points: process limits need at least 12")


@pytest.mark.parametrize(
    ("values", "index", "words"),
    [
        (FLAT + [30], 12, "unusually high: beyond the upper limit"),
        (FLAT + [-10], 12, "unusually low: beyond the lower limit"),
        ([10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17], 7, "part of 8 points rising in a row"),
        (
            [10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17],
            6,
            "part of a run of 7 below the mean; part of 8 points rising in a row",
        ),
        (
            [10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17],
            11,
            "unusually high: beyond the upper limit; part of 8 points rising in a row",
        ),
        ([20, 19, 20, 19, 18, 17, 16, 15, 14, 13, 19, 20], 5, "part of 8 points falling in a row"),
        (FLAT * 2 + [12] * 7, 26, "part of a run of 8 above the mean"),
        (FLAT, 3, "no"),
    ],
)
def test_each_finding_is_worded_for_what_it_is(values, index, words):
    assert xmr(values).finding(index) == words
