"""Notebook 08's claims, checked against what cnnviz computes.

Each test recomputes a number the notebook's prose states or relies on; the
notebook itself only prints (nbval compares the printed outputs).
"""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

import cnnviz
from cnnviz.calibration import calibration_bins, expected_calibration_error
from cnnviz.datasets import CLASS_NAMES, make_shapes
from cnnviz.lessons.forward import INVERT_ABOVE, demo_samples, forward_pass, read_picture
from cnnviz.images import sample_path
from cnnviz.pretrained import INPUT_SHAPE, shapes_cnn, training_record

NET = shapes_cnn()
RECORD = training_record()


def fresh_set():
    """The notebook's fresh images: the first seed after every seed the record names."""
    used = [RECORD["seed"], RECORD["held_out"]["seed"],
            int(RECORD["calibration"]["fit_on"].split("seed=")[1].rstrip(")"))]
    images, labels, _ = make_shapes(1000, seed=max(used) + 1)
    return images, labels, NET.forward(images)


def test_parameter_counts_match_the_summary_and_the_record():
    """'80 ... 1,168 ... 3,140 parameters' and 4,388 in all, per layer by formula, as recorded."""
    rows = NET.summary(INPUT_SHAPE).rows
    assert [row.params for row in rows] == [
        cnnviz.conv2d_params(1, 8, 3), 0, 0, cnnviz.conv2d_params(8, 16, 3), 0, 0, 0,
        cnnviz.dense_params(16 * 7 * 7, 4), 0,
    ] == [80, 0, 0, 1168, 0, 0, 0, 3140, 0]
    assert RECORD["total_params"] == NET.num_params == 4388


def test_dense_layer_holds_almost_three_quarters_of_the_parameters():
    """'Dense-8 ... 3,140 parameters, almost three quarters of the whole network.'"""
    assert 0.70 < NET[7].num_params / NET.num_params < 0.75


def test_label_smoothing_targets_are_the_quoted_percentages():
    """'towards 98.5% for the right class (and 0.5% for each other)': the record's smoothing 0.02 over 4 classes."""
    eps, k = RECORD["label_smoothing"], len(CLASS_NAMES)
    assert (1 - eps + eps / k, eps / k) == pytest.approx((0.985, 0.005))


def test_one_sample_moves_accuracy_by_more_than_a_point_and_a_half():
    """'one mistake more or less moves it by more than a point and a half' (of 64 samples)."""
    images, _, _ = demo_samples()
    assert 100 / len(images) > 1.5


def test_filmstrip_samples_are_a_square_and_a_triangle():
    """'sample 3 is a square, 6 a triangle': the classes the stored view promises, both predicted right."""
    images, labels, _ = demo_samples()
    assert [CLASS_NAMES[labels[k]] for k in (3, 6)] == ["square", "triangle"]
    assert list(NET.forward(images[[3, 6]]).argmax(axis=1)) == [1, 2]


def test_fresh_accuracy_is_about_99_percent():
    """'reach about 99% accuracy on fresh shapes'; probabilities of every image sum to 1."""
    _, labels, probs = fresh_set()
    accuracy = np.mean(probs.argmax(axis=1) == labels)
    assert 0.985 <= accuracy <= 0.995
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_network_is_less_sure_when_wrong():
    """'Is the network less sure of itself on them': the median confidence is lower on the mistakes."""
    _, labels, probs = fresh_set()
    right = probs.argmax(axis=1) == labels
    confidence = probs.max(axis=1)
    assert np.median(confidence[~right]) < np.median(confidence[right])


def test_most_answers_land_in_the_top_bin_where_confidence_matches_accuracy():
    """'Most answers land in the top bin, where the network is right about as often as it is sure.'"""
    _, labels, probs = fresh_set()
    counts, accuracy, confidence = calibration_bins(probs, labels, n_bins=15)
    assert counts[-1] > counts.sum() / 2
    assert abs(accuracy[-1] - confidence[-1]) < 0.02
    assert expected_calibration_error(probs, labels, n_bins=15) <= 0.03


def png_bytes(draw_on, size=200):
    paper = Image.new("L", (size, size), 255)
    draw_on(ImageDraw.Draw(paper))
    buffer = io.BytesIO()
    paper.save(buffer, format="PNG")
    return buffer.getvalue()


def test_strangers_get_a_confident_answer():
    """'A confident answer, both times, for pictures that are none of the four shapes.'"""
    disc = read_picture(png_bytes(lambda d: d.ellipse((40, 40, 160, 160), fill=0)))
    cat = read_picture(sample_path("chelsea").read_bytes())
    for picture in (disc, cat):
        assert forward_pass(NET, picture, layer=9).probabilities.max() > 0.9


def test_drawn_circle_is_inverted_and_recognised():
    """The black-on-white circle is mostly bright (mean above 0.5), so it is inverted, and seen as a circle."""
    drawing = read_picture(png_bytes(lambda d: d.ellipse((40, 40, 160, 160), outline=0, width=14)))
    state = forward_pass(NET, drawing, layer=9)
    assert drawing.mean() > INVERT_ABOVE and state.inverted and state.prediction == "circle"


def test_temperature_never_changes_the_winner():
    """'The winner never changes, only how sure it sounds', for every sample and slider end."""
    images, _, _ = demo_samples()
    winners = NET.forward(images).argmax(axis=1)
    for t in (0.25, 4.0):
        got = [np.argmax(forward_pass(NET, im, layer=9, temperature=t).probabilities) for im in images]
        assert np.array_equal(got, winners)


def test_training_took_seconds_to_minutes():
    """'small enough to train on a laptop CPU in seconds to minutes': the record's training time is under 10 minutes."""
    assert 0 < RECORD["train_seconds"] < 600


def test_answers_below_the_top_bin_are_right_less_often():
    """'taken together they are right less often than the answers of the top bin, as their lower confidence says.'"""
    _, labels, probs = fresh_set()
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == labels
    top = confidence > 14 / 15
    assert right[~top].mean() < right[top].mean()
    assert confidence[~top].mean() < confidence[top].mean()


def test_before_the_temperature_the_network_was_less_sure_than_right():
    """'T came out below 1 ...: the network had become less sure of itself than it deserved', and ECE was larger before."""
    from cnnviz.layers import Sequential
    from cnnviz.losses import softmax

    t, held = RECORD["calibration"]["temperature"], RECORD["held_out"]
    images, labels, _ = make_shapes(held["size"], seed=held["seed"])
    logits = Sequential(NET.layers[:-1]).forward(images).astype(float)
    before = softmax(logits * t)                     # undo the folded 1 / T
    assert t < 1
    assert before.max(axis=1).mean() < np.mean(before.argmax(axis=1) == labels)
    assert held["ece_15_bins_before_calibration"] > held["ece_15_bins"]
    assert expected_calibration_error(before, labels) == pytest.approx(held["ece_15_bins_before_calibration"], abs=2e-3)
