"""Expected calibration error, its bins, and temperature fitting, against plain loops."""

import numpy as np
import pytest

from cnnviz.calibration import calibration_bins, expected_calibration_error, fit_temperature
from cnnviz.losses import softmax


def ece_by_loops(p, y, n_bins):
    """ECE the long way: put every sample in its bin (b/B, (b+1)/B], then sum the weighted gaps."""
    n = len(y)
    bins = [[] for _ in range(n_bins)]
    for row, label in zip(p, y):
        conf = max(row)
        pred = int(np.argmax(row))
        b = 0
        for k in range(n_bins):
            if k / n_bins < conf <= (k + 1) / n_bins:
                b = k
        bins[b].append((conf, pred == label))
    total = 0.0
    for members in bins:
        if members:
            acc = sum(right for _, right in members) / len(members)
            conf = sum(c for c, _ in members) / len(members)
            total += len(members) / n * abs(acc - conf)
    return total


@pytest.mark.parametrize("seed", range(6))
def test_ece_matches_a_loop(seed):
    """expected_calibration_error equals the loop over bins, for random logits, classes and bin counts."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 300)), int(rng.integers(2, 6))
    p = softmax(rng.standard_normal((n, k)) * rng.uniform(0.1, 8))
    y = rng.integers(0, k, n)
    n_bins = int(rng.integers(1, 20))
    assert expected_calibration_error(p, y, n_bins=n_bins) == pytest.approx(ece_by_loops(p, y, n_bins), abs=1e-12)


def test_ece_puts_a_confidence_on_a_bin_edge_in_the_lower_bin():
    """Confidence exactly 0.6 with 5 bins belongs to (0.4, 0.6], as in the loop."""
    p = np.array([[0.6, 0.4], [0.6, 0.4], [0.9, 0.1]])
    counts, acc, conf = calibration_bins(p, [0, 1, 0], n_bins=5)
    assert counts.tolist() == [0, 0, 2, 0, 1]
    assert acc[2] == 0.5 and conf[2] == pytest.approx(0.6)
    assert expected_calibration_error(p, [0, 1, 0], n_bins=5) == pytest.approx(ece_by_loops(p, [0, 1, 0], 5))


def test_ece_of_a_perfectly_calibrated_and_of_an_overconfident_classifier():
    """Always right and sure: 0. Sure and right 7 times in 10: 0.3."""
    sure = np.tile([[1.0, 0.0, 0.0]], (10, 1))
    assert expected_calibration_error(sure, np.zeros(10, int)) == 0.0
    assert expected_calibration_error(sure, [0] * 7 + [1] * 3) == pytest.approx(0.3)


@pytest.mark.parametrize("probabilities, labels, message", [
    ([[0.5, 0.6]], [0], r"probabilities must be rows of numbers from 0 to 1 that sum to 1"),
    ([[1.0]], [0], r"probabilities must have shape \(N, K\) with N >= 1 samples and K >= 2 classes; got \(1, 1\)"),
    ([[0.5, 0.5]], [2], r"labels must be class indices from 0 to 1; got 2"),
])
def test_ece_rejects_bad_input(probabilities, labels, message):
    """Rows that are not probabilities, or labels out of range, are refused with the values."""
    with pytest.raises(ValueError, match=message):
        expected_calibration_error(probabilities, labels)


@pytest.mark.parametrize("true_t", [0.4, 1.0, 2.5, 7.0])
def test_fit_temperature_finds_the_temperature_that_made_the_labels(true_t):
    """Labels drawn from softmax(z); logits handed over as z * T: the fit recovers T within 10%."""
    rng = np.random.default_rng(int(true_t * 10))
    z = rng.standard_normal((4000, 4)) * 2
    p = softmax(z)
    y = np.array([rng.choice(4, p=row) for row in p])
    assert fit_temperature(z * true_t, y) == pytest.approx(true_t, rel=0.1)


def test_fit_temperature_minimises_the_loss_over_a_grid():
    """No temperature on a fine grid gives a lower mean cross-entropy than the fitted one."""
    rng = np.random.default_rng(7)
    z, y = rng.standard_normal((300, 3)) * 5, rng.integers(0, 3, 300)

    def nll(t):
        logp = np.log(softmax(z / t))
        return -logp[np.arange(300), y].mean()

    t = fit_temperature(z, y)
    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 4001))
    assert nll(t) <= min(nll(g) for g in grid) + 1e-9


def test_fit_temperature_rejects_a_bad_interval():
    """low must be positive and below high."""
    with pytest.raises(ValueError, match=r"low must be a positive number; got 0"):
        fit_temperature(np.zeros((2, 2)), [0, 1], low=0)
    with pytest.raises(ValueError, match=r"low must be less than high; got low=3 and high=2"):
        fit_temperature(np.zeros((2, 2)), [0, 1], low=3, high=2)
