import numpy as np
import pytest

from outsourcing_risk.model.distributions import LogNormal, Pert, Triangular, Uniform, parse_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.8", 0.8),
        (" 85000 ", 85000.0),
        ("pert(0.05, 0.12, 0.25)", Pert(0.05, 0.12, 0.25)),
        ("Triangular(1,2,4)", Triangular(1, 2, 4)),
        ("uniform(0, 1)", Uniform(0, 1)),
        ("lognormal(100, 150)", LogNormal(100, 150)),
    ],
)
def test_parse_numbers_and_distributions(text, expected):
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not a number or a distribution"),
        ("gamma(1, 2)", "unknown distribution 'gamma'"),
        ("pert(1, 2)", "pert(...) takes 3 numbers (low, mode, high), got 2"),
        ("uniform(a, b)", "uniform(...) takes 2 numbers"),
    ],
)
def test_parse_errors_say_what_was_expected(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        parse_value(text)


@pytest.mark.parametrize(
    "dist", [Pert(1, 2, 6), Triangular(1, 2, 6), Uniform(1, 6), LogNormal(2, 3)], ids=str
)
def test_ppf_matches_mean_and_bounds(dist):
    u = (np.arange(200_000) + 0.5) / 200_000
    x = dist.ppf(u)
    assert np.all(np.diff(x) >= 0), "inverse CDF must be monotone (common random numbers rely on it)"
    lo, hi = dist.bounds
    assert x.min() >= lo
    assert x.max() <= hi
    assert x.mean() == pytest.approx(dist.mean(), rel=2e-3)


def test_lognormal_p90_is_the_90th_percentile():
    assert LogNormal(100, 150).quantile(0.9) == pytest.approx(150)
    assert LogNormal(100, 150).quantile(0.5) == pytest.approx(100)


@pytest.mark.parametrize(
    ("dist", "problem"),
    [
        (Pert(3, 2, 4), "needs low ≤ mode ≤ high (got 3, 2, 4)"),
        (Triangular(2, 2, 2), "needs low < high"),
        (Uniform(5, 1), "needs low < high (got 5 and 1)"),
        (LogNormal(10, 5), "needs 0 < median < p90"),
    ],
)
def test_invalid_distributions_report_their_rule(dist, problem):
    assert dist.problems() == [problem] or problem in dist.problems()[0]


def test_text_form_round_trips():
    for dist in (Pert(0.05, 0.12, 0.25), Uniform(1, 2), LogNormal(280000, 420000)):
        assert parse_value(str(dist)) == dist
