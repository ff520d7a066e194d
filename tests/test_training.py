"""Optimisers, the training loop, the training command and the shipped pretrained network."""

import io
import json

import numpy as np
import pytest

from cnnviz.datasets import CLASS_NAMES, make_shapes
from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax
from cnnviz.pretrained import INPUT_SHAPE, RECORD_PATH, WEIGHTS_PATH, shapes_cnn, training_record
from cnnviz.optim import SGD, Adam, make_optimizer
from cnnviz.train import main, train_shapes_cnn
from cnnviz.training import evaluate, predict, train, weights_digest


# --------------------------------------------------------------------------- optimisers
def test_sgd_momentum_follows_its_formula():
    """v = momentum * v - lr * g; w += v, over three steps."""
    w = np.array([1.0, 2.0])
    opt = SGD({"w": w}, lr=0.1, momentum=0.9)
    grads = [np.array([1.0, -1.0]), np.array([0.5, 0.0]), np.array([-2.0, 1.0])]
    expected, v = np.array([1.0, 2.0]), np.zeros(2)
    for g in grads:
        opt.step({"w": g})
        v = 0.9 * v - 0.1 * g
        expected = expected + v
    np.testing.assert_allclose(w, expected)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_optimisers_match_torch(name):
    """SGD with momentum and Adam take the same steps as torch.optim."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; skipping the comparison")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2))
    grads = [rng.standard_normal((3, 2)) * 10 ** k for k in (-2, 0, 1, 0)]
    w = w0.copy()
    tw = torch.tensor(w0.copy(), requires_grad=True)
    if name == "sgd":
        ours, ref = SGD({"w": w}, lr=0.05, momentum=0.8), torch.optim.SGD([tw], lr=0.05, momentum=0.8)
    else:
        ours, ref = Adam({"w": w}, lr=0.01), torch.optim.Adam([tw], lr=0.01)
    for g in grads:
        ours.step({"w": g})
        tw.grad = torch.tensor(g)
        ref.step()
    np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_optimisers_reject_bad_settings():
    """lr, momentum, betas and mismatched gradients are named with what is valid."""
    w = {"w": np.zeros(2)}
    with pytest.raises(ValueError, match=r"lr must be a positive number; got 0"):
        SGD(w, lr=0)
    with pytest.raises(ValueError, match=r"momentum must be a number from 0 up to \(not including\) 1; got 1"):
        SGD(w, momentum=1)
    with pytest.raises(ValueError, match=r"betas must be a pair of numbers from 0 up to \(not including\) 1; got \(0.9,\)"):
        Adam(w, betas=(0.9,))
    with pytest.raises(TypeError, match=r"params must be a non-empty dict of weight arrays"):
        Adam({})
    with pytest.raises(ValueError, match=r"grads must have the keys of params \['w'\]; got \['v'\]"):
        Adam(w).step({"v": np.zeros(2)})


def test_make_optimizer_names_its_choices():
    """make_optimizer builds the named optimiser with the default learning rate."""
    w = {"w": np.zeros(2)}
    assert isinstance(make_optimizer("adam", w), Adam) and make_optimizer("adam", w).lr == 0.003
    sgd = make_optimizer("sgd", w, lr=0.2, momentum=0.0)
    assert isinstance(sgd, SGD) and (sgd.lr, sgd.momentum) == (0.2, 0.0)
    with pytest.raises(ValueError, match=r"optimizer must be one of 'adam', 'sgd'; got 'rmsprop'"):
        make_optimizer("rmsprop", w)


# ----------------------------------------------------------------------------- training
def small_cnn():
    return Sequential([
        Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Dense(4 * 8 * 8, 4), Softmax(),
    ])


def test_training_lowers_the_loss_and_learns():
    """Four short epochs of the shapes CNN more than halve the loss and beat chance by far."""
    x, y, _ = make_shapes(256, seed=0)
    net = shapes_cnn(pretrained=False).initialize(seed=0)
    history = train(net, x, y, epochs=4, batch_size=16, seed=0)
    assert len(history["loss"]) == 4 * 16
    assert history["epoch_loss"][-1] < 0.5 * history["epoch_loss"][0]
    assert evaluate(net, x, y) > 0.7


def test_training_is_deterministic_given_the_seed():
    """Same seed, same weights bit for bit; another seed, other weights."""
    runs = [train_shapes_cnn(seed=s, epochs=1, train_size=64, held_out_size=8)[1] for s in (3, 3, 4)]
    assert runs[0]["weights_sha256"] == runs[1]["weights_sha256"]
    assert runs[0]["weights_sha256"] != runs[2]["weights_sha256"]


def test_a_final_softmax_is_fused_into_the_loss():
    """Training with a final Softmax updates the weights exactly as training on the logits does."""
    x, y, _ = make_shapes(64, seed=1, size=16)
    with_softmax = small_cnn().initialize(seed=0)
    logits_only = Sequential(small_cnn().layers[:-1]).initialize(seed=0)
    train(with_softmax, x, y, epochs=1, batch_size=16, seed=0)
    train(logits_only, x, y, epochs=1, batch_size=16, seed=0)
    for a, b in zip(with_softmax.parameters().values(), logits_only.parameters().values()):
        np.testing.assert_array_equal(a, b)


def test_train_reports_every_step_to_the_callback():
    """The callback sees (step, epoch, loss) once per minibatch, steps counted across epochs."""
    x, y, _ = make_shapes(40, seed=2, size=16)
    seen = []
    history = train(small_cnn().initialize(seed=0), x, y, epochs=2, batch_size=16, optimizer="sgd",
                    callback=lambda step, epoch, loss: seen.append((step, epoch, loss)))
    assert [(s, e) for s, e, _ in seen] == [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1), (5, 1)]
    assert [loss for *_, loss in seen] == history["loss"]


def test_train_draws_a_progress_bar_when_asked():
    """progress=<stream> draws one tqdm bar per epoch, ending at 2/2 with the loss."""
    x, y, _ = make_shapes(32, seed=2, size=16)
    out = io.StringIO()
    train(small_cnn().initialize(seed=0), x, y, epochs=2, batch_size=16, progress=out)
    lines = out.getvalue().rstrip("\n").split("\n")
    assert len(lines) == 2
    last = [line.split("\r")[-1] for line in lines]
    assert last[0].startswith("epoch 1/2: 100%") and last[1].startswith("epoch 2/2: 100%")
    assert all(" 2/2 " in line and "loss " in line for line in last)


def test_train_draws_nothing_unless_asked(capsys):
    """progress=False (the default) writes nothing to stdout or stderr."""
    x, y, _ = make_shapes(32, seed=2, size=16)
    train(small_cnn().initialize(seed=0), x, y, epochs=1, batch_size=16)
    assert capsys.readouterr() == ("", "")


def test_train_rejects_bad_input():
    """An uninitialised model, mismatched labels and unknown optimisers are explained."""
    x, y, _ = make_shapes(8, seed=0, size=16)
    with pytest.raises(ValueError, match=r"model has no weights yet: call model.initialize\(seed\)"):
        train(small_cnn(), x, y)
    net = small_cnn().initialize(seed=0)
    with pytest.raises(ValueError, match=r"labels must have shape \(8,\), one per image; got \(7,\)"):
        train(net, x, y[:7])
    with pytest.raises(ValueError, match=r"optimizer must be one of 'adam', 'sgd'; got 'rmsprop'"):
        train(net, x, y, optimizer="rmsprop")
    with pytest.raises(TypeError, match=r"model must be a cnnviz Sequential; got \[\]"):
        train([], x, y)



@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_training_a_head_on_frozen_layers_is_training_the_head_on_their_features(optimizer):
    """trainable= leaves every other weight untouched, and the trained weights are those of
    the head trained alone on the frozen layers' outputs (same seed, same batches)."""
    x, y, _ = make_shapes(40, seed=3, size=16)
    net = small_cnn().initialize(seed=2)
    before = {name: w.copy() for name, w in net.parameters().items()}
    head = [name for name in before if name.startswith("Dense")]
    train(net, x, y, epochs=3, batch_size=8, optimizer=optimizer, seed=5, trainable=head)
    after = net.parameters()
    for name in before:
        changed = not np.array_equal(before[name], after[name])
        assert changed == (name in head), name
    # The reference: the frozen part as a fixed feature extractor, the head trained alone.
    reference = small_cnn().initialize(seed=2)
    cut = next(i for i, layer in enumerate(reference.layers) if isinstance(layer, Dense))
    features = Sequential(reference.layers[:cut]).forward(x)
    alone = Sequential(reference.layers[cut:])
    train(alone, features, y, epochs=3, batch_size=8, optimizer=optimizer, seed=5)
    for name in head:
        np.testing.assert_allclose(after[name], reference.parameters()[name], rtol=1e-5, atol=1e-6)


def test_train_rejects_unknown_trainable_weights():
    """trainable must name weights of the model: a typo, a bare string or nothing is explained."""
    x, y, _ = make_shapes(8, seed=0, size=16)
    net = small_cnn().initialize(seed=0)
    with pytest.raises(ValueError, match=r"trainable must name weights of the model, some of "
                                         r"\['Conv2d-1.weight'.*; got \['Dense-9.wieght'\]"):
        train(net, x, y, trainable=["Dense-9.wieght"])
    with pytest.raises(ValueError, match=r"trainable must name weights of the model.*; got \[\]"):
        train(net, x, y, trainable=[])
    with pytest.raises(TypeError, match=r"trainable must be a collection of weight names"
                                        r".*; got 'Conv2d-1.weight'"):
        train(net, x, y, trainable="Conv2d-1.weight")
    with pytest.raises(TypeError, match=r"trainable must be a collection of weight names.*; got 3"):
        train(net, x, y, trainable=3)

def test_predict_and_evaluate_agree():
    """evaluate is the fraction of predict's answers that match the labels, in any batch size."""
    x, y, _ = make_shapes(30, seed=4, size=16)
    net = small_cnn().initialize(seed=1)
    labels = predict(net, x, batch_size=7)
    np.testing.assert_array_equal(labels, predict(net, x))
    assert evaluate(net, x, y, batch_size=4) == pytest.approx(np.mean(labels == y))


# ------------------------------------------------------------------------------ command
def test_command_writes_weights_and_a_record(tmp_path, capsys):
    """python -m cnnviz.train writes an .npz that shapes_cnn loads and a JSON record of the run."""
    out = tmp_path / "tiny.npz"
    argv = ["--seed", "2", "--epochs", "1", "--train-size", "48", "--held-out-size", "40",
            "--out", str(out), "--quiet"]
    assert main(argv) == 0
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["seed"] == 2 and record["epochs"] == 1 and record["train_size"] == 48
    assert record["held_out"]["seed"] != record["seed"] and record["held_out"]["size"] == 40
    assert record["numpy_version"] == np.__version__
    assert {"train_seconds", "architecture", "total_params", "class_names"} <= set(record)
    with np.load(out) as weights:
        params = dict(weights)
    assert all(v.dtype == np.float32 for v in params.values())
    assert weights_digest(params) == record["weights_sha256"]
    shapes_cnn(pretrained=False).load_parameters(params)
    assert "held-out accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], r"--epochs must be a positive integer; got 0"),
    (["--train-size", "-5"], r"--train-size must be a positive integer; got -5"),
    (["--out", "weights.txt"], r"--out must be a path ending in .npz; got 'weights.txt'"),
])
def test_command_rejects_bad_arguments(argv, message, capsys):
    """Bad command-line values stop with a usage error that names them."""
    with pytest.raises(SystemExit):
        main(argv)
    assert pytest.importorskip("re").search(message, capsys.readouterr().err)


# ------------------------------------------------------------- nothing lost (issue 9)
TINY = ["--seed", "3", "--epochs", "1", "--train-size", "16", "--held-out-size", "8", "--quiet"]


@pytest.fixture
def shipped_files_kept():
    """Fails the test, and puts the shipped weights back, if anything changed them."""
    before = {path: path.read_bytes() for path in (WEIGHTS_PATH, RECORD_PATH)}
    yield
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    for path in changed:
        path.write_bytes(before[path])
    assert not changed, f"the shipped files were overwritten: {changed}"


def test_command_writes_into_the_working_folder_by_default(tmp_path, monkeypatch, shipped_files_kept):
    """With no --out the weights and record go to the working folder, not into the package."""
    monkeypatch.chdir(tmp_path)
    assert main(TINY) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shapes_cnn.json", "shapes_cnn.npz"]


def test_command_refuses_to_write_into_the_package_without_overwrite(monkeypatch, capsys,
                                                                     shipped_files_kept):
    """--out pointing at the shipped weights stops with a usage error before training."""
    import cnnviz.train as command

    monkeypatch.setattr(command, "train_shapes_cnn", lambda **kw: pytest.fail("trained anyway"))
    with pytest.raises(SystemExit):
        main([*TINY, "--out", str(WEIGHTS_PATH)])
    assert "is inside the cnnviz package, whose shipped weights it would replace; pass " \
           "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize("existing", ["tiny.npz", "tiny.json"])
def test_command_never_replaces_a_file_unless_told(tmp_path, capsys, existing):
    """An existing weights file or record beside --out is kept, unless --overwrite is given."""
    (tmp_path / existing).write_text("keep me")
    out = str(tmp_path / "tiny.npz")
    with pytest.raises(SystemExit):
        main([*TINY, "--out", out])
    assert f"{str(tmp_path / existing)!r} exists already; pass --overwrite" in capsys.readouterr().err
    assert (tmp_path / existing).read_text() == "keep me"
    assert main([*TINY, "--out", out, "--overwrite"]) == 0
    with np.load(out) as weights:
        digest = weights_digest(dict(weights))
    assert json.loads((tmp_path / "tiny.json").read_text())["weights_sha256"] == digest


@pytest.mark.parametrize("stop_in", ["weights", "record"])
def test_an_interrupted_save_leaves_whole_files(tmp_path, monkeypatch, stop_in):
    """Interrupted part-way through writing either file, save_weights leaves the old file
    whole (no half-written zip, no temporary file), and a mismatch is detectable."""
    import cnnviz.train as command

    out = tmp_path / "net.npz"
    net = shapes_cnn(pretrained=False).initialize(seed=0)
    command.save_weights(net, {"weights_sha256": weights_digest(net.parameters())}, out)
    old = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    newer = shapes_cnn(pretrained=False).initialize(seed=1)
    real_savez = np.savez_compressed

    def interrupted(handle, **arrays):
        if stop_in == "weights":
            real_savez(handle, **dict(list(arrays.items())[:2]))  # 2 of 6 arrays, then Ctrl-C
            raise KeyboardInterrupt
        real_savez(handle, **arrays)

    monkeypatch.setattr(command.np, "savez_compressed", interrupted)
    if stop_in == "record":
        real_write = command._write_atomically

        def stop_at_the_record(path, write):
            if path.suffix == ".json":
                raise KeyboardInterrupt
            real_write(path, write)

        monkeypatch.setattr(command, "_write_atomically", stop_at_the_record)
    with pytest.raises(KeyboardInterrupt):
        command.save_weights(newer, {"weights_sha256": weights_digest(newer.parameters())}, out)
    now = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(now) == {"net.npz", "net.json"}                      # no temporary file left
    assert now["net.json"] == old["net.json"]
    if stop_in == "weights":
        assert now["net.npz"] == old["net.npz"]
    else:  # new weights beside the old record: the digest tells
        with np.load(out) as weights:
            assert weights_digest(dict(weights)) != json.loads(now["net.json"])["weights_sha256"]


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """The shipped weights and record copied to tmp_path, and shapes_cnn pointed at them."""
    import cnnviz.pretrained as pretrained

    weights, record = tmp_path / "shapes_cnn.npz", tmp_path / "shapes_cnn.json"
    weights.write_bytes(WEIGHTS_PATH.read_bytes())
    record.write_bytes(RECORD_PATH.read_bytes())
    monkeypatch.setattr(pretrained, "WEIGHTS_PATH", weights)
    monkeypatch.setattr(pretrained, "RECORD_PATH", record)
    return weights, record


def _two_of_six(weights):
    with np.load(weights) as saved:
        arrays = dict(list(dict(saved).items())[:2])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _one_weight_changed(weights):
    with np.load(weights) as saved:
        arrays = dict(saved)
    arrays["Dense-8.bias"] = arrays["Dense-8.bias"] + np.float32(0.5)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize("damage, which, message", [
    (lambda w, r: w.write_bytes(w.read_bytes()[:765]), "weights",
     r"the weights file .*shapes_cnn\.npz is damaged: it cannot be read"),
    (lambda w, r: w.write_bytes(_two_of_six(w)), "weights",
     r"the weights file .*shapes_cnn\.npz is damaged or does not belong to its record"),
    (lambda w, r: w.write_bytes(_one_weight_changed(w)), "weights",
     r"the weights file .*shapes_cnn\.npz is damaged or does not belong to its record"),
    (lambda w, r: r.write_text(r.read_text()[:100]), "record",
     r"the record .*shapes_cnn\.json of the weights is damaged"),
    (lambda w, r: r.unlink(), "record", r"the record .*shapes_cnn\.json of the weights is missing"),
])
def test_damaged_weights_or_record_are_named_on_loading(shipped_copy, damage, which, message):
    """shapes_cnn() checks weights_sha256 on loading and says which file is damaged."""
    weights, record = shipped_copy
    assert shapes_cnn().num_params == 4388                # the intact copy loads
    damage(weights, record)
    with pytest.raises(ValueError, match=message) as caught:
        shapes_cnn()
    named = weights if which == "weights" else record
    assert str(named) in str(caught.value) and "--overwrite" in str(caught.value)


# ---------------------------------------------------------------------- shipped weights
def test_shipped_weights_are_small_and_match_their_record():
    """The .npz is at most 200 KB, and its digest and architecture are the ones recorded."""
    assert WEIGHTS_PATH.stat().st_size <= 200 * 1024
    record = training_record()
    with np.load(WEIGHTS_PATH) as weights:
        assert weights_digest(dict(weights)) == record["weights_sha256"]
    net = shapes_cnn()
    assert record["total_params"] == net.num_params
    assert [row["repr"] for row in record["architecture"]] == [repr(layer) for layer in net]
    assert record["class_names"] == list(CLASS_NAMES)
    assert record["held_out"]["accuracy"] >= 0.95
    assert RECORD_PATH.exists()


def test_pretrained_network_classifies_fresh_shapes():
    """At least 95% right on 1,000 new images from a seed used neither in training nor in its check."""
    record = training_record()
    seed = 2024
    assert seed not in (record["seed"], record["held_out"]["seed"])
    images, labels, _ = make_shapes(1000, seed=seed, size=INPUT_SHAPE[-1])
    assert evaluate(shapes_cnn(), images, labels) >= 0.95


def test_pretrained_network_outputs_probabilities_for_one_image():
    """One (1, 28, 28) image gives four probabilities that sum to 1."""
    image = make_shapes(1, seed=9)[0][0]
    probs = shapes_cnn().forward(image)
    assert probs.shape == (len(CLASS_NAMES),)
    assert probs.sum() == pytest.approx(1.0, abs=1e-6)


def test_untrained_network_has_no_weights():
    """shapes_cnn(pretrained=False) is the bare architecture, to initialise and train."""
    net = shapes_cnn(pretrained=False)
    assert net.parameters() == {}
    assert net.summary(INPUT_SHAPE).total_params == 4388
    with pytest.raises(TypeError, match=r"pretrained must be True or False; got 'yes'"):
        shapes_cnn(pretrained="yes")


# ------------------------------------------------------------------------- calibration
def test_shipped_network_is_accurate_and_calibrated_on_its_held_out_images():
    """On the record's 1,000 held-out images: accuracy >= 97% and 15-bin ECE <= 0.03, as recorded."""
    from cnnviz.calibration import expected_calibration_error

    record = training_record()
    held = record["held_out"]
    images, labels, _ = make_shapes(held["size"], seed=held["seed"], size=INPUT_SHAPE[-1])
    probs = shapes_cnn().forward(images)
    accuracy = float(np.mean(probs.argmax(axis=1) == labels))
    ece = expected_calibration_error(probs, labels, n_bins=15)
    assert held["size"] == 1000
    assert accuracy == held["accuracy"] and accuracy >= 0.97
    assert ece == pytest.approx(held["ece_15_bins"], abs=1e-5) and ece <= 0.03
    assert record["calibration"]["fit_on"] == f"make_shapes(1000, seed={record['seed'] + 2})"
    assert held["seed"] != record["seed"] + 2          # the temperature never saw the judging images


def test_calibrate_temperature_keeps_every_prediction_and_folds_t_into_the_dense_layer():
    """Dividing the last Dense layer by T divides the logits by T: same argmax, new confidence."""
    from cnnviz.calibration import fit_temperature
    from cnnviz.training import calibrate_temperature

    x, y, _ = make_shapes(96, seed=5, size=16)
    net = small_cnn().initialize(seed=1)
    train(net, x, y, epochs=2, batch_size=16, seed=0)
    body = type(net)(net.layers[:-1])
    before = body.forward(x)
    t = calibrate_temperature(net, x, y)
    assert t == pytest.approx(fit_temperature(before, y))
    np.testing.assert_allclose(body.forward(x), before / t, rtol=1e-4, atol=1e-4)
    assert np.array_equal(net.forward(x).argmax(axis=1), before.argmax(axis=1))
    assert all(p.dtype == np.float32 for p in net.parameters().values())


def test_record_is_built_from_the_arguments_used():
    """label_smoothing and calibration_size show up in the record as given; 0 skips calibration."""
    _, plain = train_shapes_cnn(seed=0, epochs=1, train_size=32, held_out_size=16,
                                label_smoothing=0.0, calibration_size=0)
    _, smooth = train_shapes_cnn(seed=1, epochs=1, train_size=32, held_out_size=16,
                                 label_smoothing=0.1, calibration_size=24)
    assert plain["label_smoothing"] == 0.0 and plain["calibration"] == {"method": "none"}
    assert plain["held_out"]["ece_15_bins"] == plain["held_out"]["ece_15_bins_before_calibration"]
    assert "label smoothing" not in plain["loss"]
    assert smooth["label_smoothing"] == 0.1 and "label smoothing 0.1" in smooth["loss"]
    assert smooth["calibration"]["fit_on"] == "make_shapes(24, seed=3)"
    assert smooth["calibration"]["temperature"] > 0


def test_record_names_the_optimiser_used():
    """The record's optimizer entry follows the optimizer and lr arguments."""
    _, adam = train_shapes_cnn(seed=0, epochs=1, train_size=16, held_out_size=8, calibration_size=0)
    _, sgd = train_shapes_cnn(seed=0, epochs=1, train_size=16, held_out_size=8, calibration_size=0,
                              optimizer="sgd", lr=0.02)
    assert adam["optimizer"] == "adam, lr 0.003"
    assert sgd["optimizer"] == "sgd, lr 0.02, momentum 0.9"
