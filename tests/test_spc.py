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
