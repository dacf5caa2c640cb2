"""Every example runs at a tiny size and shows what it claims; the worked examples give exact numbers.

Reference values are computed here, independently, in plain numpy (gradients derived by hand).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tinygrad_edu import cli


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- command line

def test_help_lists_every_command(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out


def test_unknown_command_exits_2():
    completed = subprocess.run([sys.executable, "-m", "tinygrad_edu", "no_such_example"],
                               capture_output=True, text=True)
    assert completed.returncode == 2
    assert "unknown command" in completed.stderr and "mazur" in completed.stderr


def test_every_command_names_an_importable_example_with_main():
    import importlib

    for name, (module_name, description) in cli.COMMANDS.items():
        module = importlib.import_module(f"tinygrad_edu.examples.{module_name}")
        assert callable(module.main), name
        assert description


# ---------------- mazur (M. Mazur, A Step by Step Backpropagation Example, 2015)

def mazur_by_hand(lr=0.5, steps=1):
    """The 2-2-2 network with the chain rule written out in numpy (rows of W are neurons)."""
    i = np.array([0.05, 0.10])
    t = np.array([0.01, 0.99])
    W_hidden = np.array([[0.15, 0.20], [0.25, 0.30]])   # [[w1, w2], [w3, w4]]
    W_out = np.array([[0.40, 0.45], [0.50, 0.55]])      # [[w5, w6], [w7, w8]]

    def forward(W_hidden, W_out):
        h = sigmoid(W_hidden @ i + 0.35)
        o = sigmoid(W_out @ h + 0.60)
        return h, o, 0.5 * np.sum((t - o) ** 2)

    def gradients(W_hidden, W_out):
        h, o, _ = forward(W_hidden, W_out)
        delta_out = (o - t) * o * (1 - o)                    # ∂E/∂net_o
        delta_hidden = (W_out.T @ delta_out) * h * (1 - h)   # ∂E/∂net_h
        return np.outer(delta_hidden, i), np.outer(delta_out, h)

    h, o, E = forward(W_hidden, W_out)
    g_hidden, g_out = gradients(W_hidden, W_out)
    first = dict(h=h, o=o, E=E, g_hidden=g_hidden, g_out=g_out,
                 delta_out=(o - t) * o * (1 - o))
    for _ in range(steps):
        g_hidden, g_out = gradients(W_hidden, W_out)
        W_hidden, W_out = W_hidden - lr * g_hidden, W_out - lr * g_out
        if _ == 0:
            first["W_hidden_1"], first["W_out_1"] = W_hidden, W_out
            first["E_1"] = forward(W_hidden, W_out)[2]
    first["E_steps"] = forward(W_hidden, W_out)[2]
    return first


def test_mazur_numbers_match_hand_derived_numpy():
    from tinygrad_edu.examples import mazur_backprop

    got = mazur_backprop.run()
    ref = mazur_by_hand()
    tol = 1e-9
    assert got["out_o1"] == pytest.approx(ref["o"][0], abs=tol)
    assert got["out_o2"] == pytest.approx(ref["o"][1], abs=tol)
    assert got["E_total"] == pytest.approx(ref["E"], abs=tol)
    expected_grads = np.concatenate([ref["g_hidden"].ravel(), ref["g_out"].ravel()])
    for k, expected in enumerate(expected_grads, start=1):
        assert got["gradients"][f"w{k}"] == pytest.approx(expected, abs=tol), f"w{k}"
    expected_updated = np.concatenate([ref["W_hidden_1"].ravel(), ref["W_out_1"].ravel()])
    for k, expected in enumerate(expected_updated, start=1):
        assert got["updated"][f"w{k}"] == pytest.approx(expected, abs=tol), f"w{k}"
    assert got["E_after_one_step"] == pytest.approx(ref["E_1"], abs=tol)
    # The chain-rule factors of ∂E/∂w5 and ∂E/∂w1.
    o1, h1 = ref["o"][0], ref["h"][0]
    assert got["chain_w5"]["dE/dout_o1"] == pytest.approx(o1 - 0.01, abs=tol)
    assert got["chain_w5"]["dout_o1/dnet_o1"] == pytest.approx(o1 * (1 - o1), abs=tol)
    assert got["chain_w5"]["dnet_o1/dw5"] == pytest.approx(h1, abs=tol)
    dE_dout_h1 = ref["delta_out"][0] * 0.40 + ref["delta_out"][1] * 0.50   # through w5 and w7
    assert got["chain_w1"]["dE/dout_h1"] == pytest.approx(dE_dout_h1, abs=tol)
    assert got["chain_w1"]["dout_h1/dnet_h1"] == pytest.approx(h1 * (1 - h1), abs=tol)


def test_mazur_published_figures():
    from tinygrad_edu.examples import mazur_backprop

    got = mazur_backprop.run()
    assert round(got["out_o1"], 8) == 0.75136507
    assert round(got["out_o2"], 9) == 0.772928465
    assert round(got["E_total"], 9) == 0.298371109
    assert round(got["gradients"]["w5"], 9) == 0.082167041
    assert round(got["gradients"]["w1"], 9) == 0.000438568
    assert round(got["E_after_one_step"], 8) == 0.29102777   # exact; the article rounds to 0.291027924


def test_mazur_several_iterations_match_numpy():
    from tinygrad_edu.examples import mazur_backprop

    got = mazur_backprop.run(iterations=50)
    assert got["E_after_iterations"] == pytest.approx(mazur_by_hand(steps=50)["E_steps"], abs=1e-12)


def test_mazur_prints_the_article_numbers(capsys):
    from tinygrad_edu.examples import mazur_backprop

    assert mazur_backprop.main([]) == 0
    out = capsys.readouterr().out
    for figure in ("0.751365070", "0.772928465", "0.298371109", "0.082167041", "0.358916480",
                   "0.149780716", "0.291027774", "0.291027924", "rounds"):
        assert figure in out


# ---------------------------------------------------------------- demo

def test_demo_runs_the_worked_example(capsys):
    from tinygrad_edu.examples import demo

    assert demo.main(["--only", "1"]) == 0
    out = capsys.readouterr().out
    assert "0.298371109" in out and "=== 1/" in out
    with pytest.raises(SystemExit):
        demo.main(["--only", str(len(demo.STEPS) + 1)])
    assert demo.main(["--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [f"{n}. {title}" for n, (title, _) in enumerate(demo.STEPS, start=1)]


# ---------------- numpy_three_layer (after A. Trask, A Neural Network in 11 lines of Python, 2015)

def test_numpy_three_layer_autograd_matches_hand_written_deltas():
    from tinygrad_edu.examples import numpy_three_layer as example

    by_hand, w0_hand, w1_hand = example.train_by_hand(iterations=2000, report_every=250)
    autograd, w0_auto, w1_auto = example.train_with_autograd(iterations=2000, report_every=250)
    assert [i for i, _ in by_hand] == [i for i, _ in autograd] == list(range(0, 2000, 250))
    np.testing.assert_allclose([loss for _, loss in autograd], [loss for _, loss in by_hand],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(w0_auto, w0_hand, rtol=0, atol=1e-12)
    np.testing.assert_allclose(w1_auto, w1_hand, rtol=0, atol=1e-12)
    assert by_hand[-1][1] < by_hand[0][1]


def test_numpy_three_layer_uses_the_tutorial_weights():
    from tinygrad_edu.examples import numpy_three_layer as example

    np.random.seed(1)
    expected_w0 = 2 * np.random.random((3, 4)) - 1
    w0, w1 = example.initial_weights()
    np.testing.assert_array_equal(w0, expected_w0)
    assert w1.shape == (4, 1)


def test_numpy_three_layer_prints_both_columns(capsys):
    from tinygrad_edu.examples import numpy_three_layer as example

    assert example.main(["--iterations", "300", "--report-every", "100"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [row[0] for row in rows] == ["0", "100", "200"]
    for row in rows:
        assert abs(float(row[1]) - float(row[2])) <= 1e-12


# ---------------- single_neuron (M. Spencer-Harper, a neural network in 9 lines of Python, 2015)

def test_single_neuron_autograd_matches_nine_lines():
    from tinygrad_edu.examples import single_neuron as example

    by_hand, w_hand = example.predict_by_hand(iterations=1000)
    autograd, w_auto = example.predict_with_autograd(iterations=1000)
    assert autograd == pytest.approx(by_hand, abs=1e-12)
    np.testing.assert_allclose(w_auto, w_hand, rtol=0, atol=1e-12)
    assert by_hand > 0.99   # it learned that the answer is the first bit


def test_single_neuron_prints_the_same_digits(capsys):
    from tinygrad_edu.examples import single_neuron as example

    assert example.main(["--iterations", "500"]) == 0
    out = capsys.readouterr().out
    numbers = [line.split(":")[1].strip() for line in out.splitlines()
               if line.strip().startswith(("nine lines", "autograd"))]
    assert len(numbers) == 2 and numbers[0] == numbers[1]


# ---------------- two_layer_class (after J. Loy, a neural network from scratch in Python, 2018)

def test_two_layer_class_loss_falls_monotonically():
    from tinygrad_edu.examples import two_layer_class as example

    network, losses = example.train(iterations=1500)
    assert len(losses) == 1500
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
    assert losses[-1] < 0.05 * losses[0]
    import tinygrad_edu as tg
    with tg.no_grad():
        prediction = network.forward(tg.tensor(example.X)).numpy()
    np.testing.assert_allclose(prediction, example.Y, atol=0.1)


def test_two_layer_class_any_number_of_hidden_layers(capsys):
    from tinygrad_edu.examples import two_layer_class as example

    network, losses = example.train(hidden=[5, 3, 2], iterations=20)
    assert [tuple(W.shape) for W in network.weights] == [(3, 5), (5, 3), (3, 2), (2, 1)]
    assert [tuple(b.shape) for b in network.biases] == [(5,), (3,), (2,), (1,)]
    assert losses[-1] < losses[0]
    assert example.main(["--iterations", "30"]) == 0
    assert "predictions:" in capsys.readouterr().out
    with pytest.raises(ValueError, match="at least an input and an output"):
        example.NeuralNetwork([3])


def last_line(text):
    return text.strip().splitlines()[-1]


def accuracy_from_last_line(text):
    line = last_line(text)
    assert line.startswith("test accuracy: ") and len(line.split(": ")[1]) == 6, line   # 0.XXXX
    return float(line.split(": ")[1])


# ---------------- rashid_mlp (T. Rashid, Make Your Own Neural Network, 2016)

def test_rashid_one_autograd_step_equals_the_hand_derived_update():
    from tinygrad_edu.examples import rashid_mlp as example

    network = example.RashidNetwork(6, 5, 3, learning_rate=0.3, seed=1)
    rng = np.random.default_rng(0)
    inputs = rng.uniform(0.01, 1.0, size=(6, 1))
    targets = np.array([[0.01], [0.99], [0.01]])
    W_ih, W_ho = network.W_ih.numpy().copy(), network.W_ho.numpy().copy()
    gaps = example.compare_one_step(network, inputs, targets)
    assert gaps["W_ho"] < 1e-15 and gaps["W_ih exact"] < 1e-15
    assert gaps["W_ih book"] > 1e-4   # the book's shortcut is not the gradient
    # Independently: the new W_ho is W_ho + α·(T − O)·O(1 − O)·O_hiddenᵀ.
    hidden = sigmoid(W_ih @ inputs)
    out = sigmoid(W_ho @ hidden)
    np.testing.assert_allclose(network.W_ho.numpy(), W_ho + 0.3 * ((targets - out) * out * (1 - out)) @ hidden.T,
                               rtol=0, atol=1e-15)


def test_rashid_trains_on_digits(capsys):
    from tinygrad_edu.examples import rashid_mlp as example

    assert example.main(["--limit", "300", "--epochs", "3", "--hidden", "30"]) == 0
    out = capsys.readouterr().out
    assert "epoch 3/3" in out
    assert accuracy_from_last_line(out) > 0.3   # chance is 0.1


def test_rashid_reads_mnist_csv_files(tmp_path, capsys):
    from tinygrad_edu.examples import rashid_mlp as example

    rng = np.random.default_rng(0)
    for kind, rows in (("train", 40), ("test", 20)):
        labels = rng.integers(0, 10, size=rows)
        pixels = rng.integers(0, 256, size=(rows, 784))
        np.savetxt(tmp_path / f"mnist_{kind}.csv", np.column_stack([labels, pixels]), fmt="%d", delimiter=",")
    assert example.main(["--mnist", str(tmp_path), "--epochs", "1", "--hidden", "8"]) == 0
    out = capsys.readouterr().out
    assert "784-8-10" in out and "40 training and 20 test" in out
    assert 0.0 <= accuracy_from_last_line(out) <= 1.0


def test_rashid_book_update_is_the_books_rule_exactly():
    from tinygrad_edu.examples import rashid_mlp as example

    import tinygrad_edu as tg

    network = example.RashidNetwork(6, 5, 3, learning_rate=0.3, seed=2)
    rng = np.random.default_rng(1)
    inputs = rng.uniform(0.01, 1.0, size=(6, 1))
    targets = np.array([[0.99], [0.01], [0.01]])
    W_ih, W_ho = network.W_ih.numpy().copy(), network.W_ho.numpy().copy()
    expected = example.hand_derived_updates(W_ih, W_ho, inputs, targets, 0.3)
    network.train_book(tg.tensor(inputs), tg.tensor(targets))
    np.testing.assert_allclose(network.W_ih.numpy() - W_ih, expected["W_ih book"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(network.W_ho.numpy() - W_ho, expected["W_ho"], rtol=0, atol=1e-15)


def test_rashid_on_dotted_idx_files_with_book_update_and_plot(tmp_path, capsys):
    import gzip

    from tinygrad_edu.examples import rashid_mlp as example

    rng = np.random.default_rng(0)
    for prefix, rows in (("train", 30), ("t10k", 10)):
        images = rng.integers(0, 256, size=(rows, 28, 28)).astype(np.uint8)
        labels = rng.integers(0, 10, size=rows).astype(np.uint8)
        for what, array in (("images.idx3-ubyte", images), ("labels.idx1-ubyte", labels)):
            header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
            (tmp_path / f"{prefix}-{what}.gz").write_bytes(gzip.compress(header + array.tobytes()))
    plot = tmp_path / "curves.png"
    assert example.main(["--mnist", str(tmp_path), "--epochs", "2", "--hidden", "8", "--book-update",
                         "--plot", str(plot), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "784-8-10" in out and "the book's update" in out and "30 training and 10 test" in out
    assert "learning rate 0.1," in out                          # the book's MNIST setting with --book-update
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 0.0 <= accuracy_from_last_line(out) <= 1.0


def test_listops_plot_writes_a_png(tmp_path, capsys):
    from tinygrad_edu.examples import listops

    plot = tmp_path / "listops.png"
    listops.main(["--n-train", "32", "--n-test", "8", "--epochs", "2", "--hidden", "4", "--depth", "2",
                  "--max-length", "15", "--batch-size", "16", "--warmup-steps", "1", "--no-progress",
                  "--test-every-epoch", "--plot", str(plot)])
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("test accuracy: ")


def test_snli_main_on_the_bundled_sample_writes_its_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from tinygrad_edu.examples import snli

    plot = tmp_path / "snli.png"
    snli.main(["--n-train", "16", "--n-eval", "8", "--epochs", "1", "--embed", "4", "--hidden", "4",
               "--tracker", "0", "--no-progress", "--plot", str(plot)])
    assert plot.read_bytes()[:4] == b"\x89PNG"
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("accuracy: ") for line in lines)  # (the sample has no test split)


# ---------------------------------------------------------------- hopfield (J. J. Hopfield, 1982)

def test_hopfield_weights_are_hebbian_symmetric_zero_diagonal():
    from tinygrad_edu.examples import hopfield as example

    patterns = [example.to_pattern(example.LETTERS[letter]) for letter in "TXOE"]
    network = example.HopfieldNetwork(patterns)
    W = network.W.numpy()
    expected = sum(np.outer(p, p) for p in patterns) / 64
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(W, expected, rtol=0, atol=1e-15)
    assert np.array_equal(W, W.T)
    for pattern in patterns:   # stored patterns are fixed points
        recalled, sweeps, _ = network.recall(pattern)
        assert np.array_equal(recalled, pattern) and sweeps == 1


def test_hopfield_recalls_letters_from_noise_with_falling_energy(capsys):
    from tinygrad_edu.examples import hopfield as example

    results = example.run(noise=0.2, seed=0)
    assert [r["letter"] for r in results] == list("TXOE")
    for result in results:
        assert result["wrong_before"] == 13
        assert result["wrong_after"] == 0
        energies = result["energies"]
        assert all(later <= earlier for earlier, later in zip(energies, energies[1:]))
    assert example.main(["--seed", "1"]) == 0
    assert last_line(capsys.readouterr().out) == "recalled perfectly: 4 of 4"


# ---------------------------------------------------------------- cross_entropy (PyTorch's CrossEntropyLoss)

def test_cross_entropy_three_ways_agree_and_are_stable():
    from tinygrad_edu.examples import cross_entropy as example

    def reference(logits, target):
        """log-softmax with the max subtracted; gradient (softmax − onehot) / N."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(target))
        grad = np.exp(log_p)
        grad[rows, target] -= 1
        return -log_p[rows, target].mean(), grad / len(target)

    rng = np.random.default_rng(3)
    logits = rng.normal(size=(6, 4)) * 3
    target = np.array([0, 3, 1, 1, 2, 0])
    loss, grad = reference(logits, target)
    results = example.compare_three_ways(logits, target)
    assert len(results) == 3
    for value, gradient in results.values():
        assert value == pytest.approx(loss, abs=1e-12)
        np.testing.assert_allclose(gradient, grad, rtol=0, atol=1e-12)

    huge = logits.copy()
    huge[:, 0], huge[:, 1] = 1000.0, -1000.0
    results = example.compare_three_ways(huge, target)
    by_hand, *framework = results.values()
    assert np.isnan(by_hand[0])   # the step-by-step softmax overflows
    ref_loss, ref_grad = reference(huge, target)
    # Rows aiming at the −1000 class pay about 2000, the others about 1000 or 0.
    assert ref_loss == pytest.approx((0 + 1000 + 2000 + 2000 + 1000 + 0) / 6, abs=2)
    assert example.reference_cross_entropy(huge, target)[0] == pytest.approx(ref_loss, rel=1e-14)
    for value, gradient in framework:
        assert value == pytest.approx(ref_loss, rel=1e-12)
        np.testing.assert_allclose(gradient, ref_grad, rtol=0, atol=1e-12)


def test_cross_entropy_binary_clipped_form():
    from tinygrad_edu.examples import cross_entropy as example

    import tinygrad_edu as tg
    import tinygrad_edu.nn.functional as F

    p = np.array([0.9, 0.3, 0.3, 0.999, 1e-9, 0.0, 1.0])
    y = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    clipped = np.clip(p, 1e-7, 1 - 1e-7)
    expected = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    for k in range(len(p)):
        got = example.clipped_binary_cross_entropy(tg.tensor([p[k]]), tg.tensor([y[k]])).item()
        assert got == pytest.approx(expected[k], rel=1e-9)
    middle = slice(0, 4)   # away from 0 and 1 the clip changes nothing
    framework = F.binary_cross_entropy(tg.tensor(p[middle]), tg.tensor(y[middle]), reduction="none").numpy()
    np.testing.assert_allclose(framework, expected[middle], rtol=1e-12)


def test_cross_entropy_prints(capsys):
    from tinygrad_edu.examples import cross_entropy as example

    assert example.main([]) == 0
    out = capsys.readouterr().out
    assert "nan" in out and "100.0000000000" in out and "16.1180956510" in out


# ---------------- xor and digits (scikit-learn's MLPClassifier for comparison)

def test_xor_learns_the_table(capsys):
    from tinygrad_edu.examples import xor as example

    model, losses = example.train(epochs=300, log=lambda line: None)
    assert losses[-1] < 0.05 < losses[0]
    probabilities = example.predict_probabilities(model)
    assert ((probabilities > 0.5) == np.array([False, True, True, False])).all()
    assert example.main(["--epochs", "300", "--no-sklearn"]) == 0
    assert "correct: 4 of 4" in capsys.readouterr().out


def test_digits_short_run(capsys):
    from tinygrad_edu.examples import digits as example

    assert example.main(["--epochs", "3", "--hidden", "32", "--no-sklearn", "--limit", "500"]) == 0
    out = capsys.readouterr().out
    assert out.count("epoch ") == 3
    assert accuracy_from_last_line(out) > 0.7   # chance is 0.1


def test_digits_training_lowers_the_loss_and_is_seeded():
    from tinygrad_edu.examples import digits as example

    from tinygrad_edu.data import load_digits

    X_train, X_test, y_train, y_test = load_digits()
    X_train, y_train = X_train[:300], y_train[:300]
    runs = [example.train(X_train, y_train, X_test, y_test, hidden=[16], epochs=3, batch_size=32,
                          optimizer_name=name, lr=lr, seed=4, log=lambda line: None)
            for name, lr in (("adam", 0.02), ("adam", 0.02), ("sgd", 0.3))]
    for _, losses in runs:
        assert losses[-1] < losses[0]
    assert runs[0][1] == runs[1][1]   # same seed, same run
    model = runs[0][0]
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_digits_compares_with_scikit_learn(capsys):
    pytest.importorskip("sklearn")
    from tinygrad_edu.examples import digits as example

    assert example.main(["--epochs", "2", "--hidden", "16", "--limit", "300"]) == 0
    out = capsys.readouterr().out
    assert "scikit-learn MLPClassifier" in out
    accuracy_from_last_line(out)


# ---------------------------------------------------------------- rbm (G. E. Hinton's contrastive divergence, 2002)

def test_rbm_cd1_update_matches_numpy():
    from tinygrad_edu.examples import rbm as example

    import tinygrad_edu as tg

    tg.manual_seed(3)
    rbm = example.BernoulliRBM(6, 4)
    rbm.W += tg.randn(6, 4) * 0.5
    W, b, c = rbm.W.numpy().copy(), rbm.b.numpy().copy(), rbm.c.numpy().copy()
    v0 = np.random.default_rng(1).random((5, 6))
    tg.manual_seed(7)
    error = rbm.contrastive_divergence(tg.tensor(v0), learning_rate=0.1)

    uniform = np.random.default_rng(7).random((5, 4))   # the draws tg.rand makes after manual_seed(7)
    h0 = sigmoid(v0 @ W + c)
    v1 = sigmoid((uniform < h0).astype(float) @ W.T + b)
    h1 = sigmoid(v1 @ W + c)
    np.testing.assert_allclose(rbm.W.numpy(), W + 0.1 * (v0.T @ h0 - v1.T @ h1) / 5, rtol=0, atol=1e-14)
    np.testing.assert_allclose(rbm.b.numpy(), b + 0.1 * (v0 - v1).mean(axis=0), rtol=0, atol=1e-14)
    np.testing.assert_allclose(rbm.c.numpy(), c + 0.1 * (h0 - h1).mean(axis=0), rtol=0, atol=1e-14)
    assert error == pytest.approx(((v0 - v1) ** 2).mean(), abs=1e-14)


def test_rbm_short_run(capsys):
    from tinygrad_edu.examples import rbm as example

    assert example.main(["--limit", "300", "--epochs", "4", "--hidden", "50", "--classifier-steps", "100"]) == 0
    out = capsys.readouterr().out
    errors = [float(line.split("reconstruction error ")[1].split(",")[0])
              for line in out.splitlines() if "reconstruction error" in line]
    assert len(errors) == 4 and errors[-1] < errors[0]
    raw = float(next(line for line in out.splitlines() if "raw pixels" in line).split()[-1])
    assert raw > 0.8
    assert accuracy_from_last_line(out) > 0.3   # chance is 0.1


# ---------------- the command line: threads, a plain checkout, conveniences

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def _clean_env(**extra):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "PYTHONPATH")}
    env.update(extra)
    return env


BLAS_THREADS = """
import json, sys
import numpy
from threadpoolctl import threadpool_info
def blas():
    return sorted(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
before = blas()
{body}
print(json.dumps({{"before": before, "after": blas()}}))
"""


def _blas_threads(body: str, **env) -> dict:
    import json

    pytest.importorskip("threadpoolctl")
    completed = subprocess.run([sys.executable, "-c", BLAS_THREADS.format(body=body)], capture_output=True,
                               text=True, env=_clean_env(**env), cwd=ROOT, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_importing_the_library_changes_no_global_setting():
    import gc
    import os

    result = _blas_threads("import tinygrad_edu, tinygrad_edu.nn, tinygrad_edu.data, tinygrad_edu.cli, "
                           "tinygrad_edu.runner")
    assert result["after"] == result["before"]
    before_env, before_gc = dict(os.environ), gc.get_threshold()
    import tinygrad_edu.cli  # noqa: F401
    import tinygrad_edu.runner  # noqa: F401
    assert dict(os.environ) == before_env and gc.get_threshold() == before_gc


def test_command_line_uses_one_blas_thread_unless_told_otherwise():
    run = "from tinygrad_edu import cli\ncli.main(['single_neuron', '--iterations', '10'{extra}])"
    machine_default = _blas_threads("")["before"]
    assert machine_default, "threadpoolctl finds no BLAS library in numpy"
    assert _blas_threads(run.format(extra=""))["after"] == [1] * len(machine_default)
    # The user's choice wins: an environment variable, or --threads.
    assert _blas_threads(run.format(extra=""), OPENBLAS_NUM_THREADS="2")["after"] == \
        _blas_threads("", OPENBLAS_NUM_THREADS="2")["before"]
    assert _blas_threads(run.format(extra=", '--threads', '2'"))["after"] == [2] * len(machine_default)


def test_threads_option_is_taken_out_of_the_arguments():
    from tinygrad_edu.runner import pop_threads_option

    assert pop_threads_option(["--epochs", "2", "--threads", "3"]) == (["--epochs", "2"], 3)
    assert pop_threads_option(["--threads=1", "x"]) == (["x"], 1)
    assert pop_threads_option(["x"]) == (["x"], None)
    with pytest.raises(SystemExit, match="whole number"):
        pop_threads_option(["--threads", "many"])


def test_cli_runs_from_a_plain_checkout(tmp_path):
    """`PYTHONPATH=. python -m tinygrad_edu mazur` in a copy of the source tree, nothing installed:
    the examples are found in the examples/ folder next to the package."""
    import shutil

    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "tinygrad_edu", checkout / "tinygrad_edu",
                    ignore=shutil.ignore_patterns("__pycache__", "examples"))
    shutil.copytree(ROOT / "examples", checkout / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    # -S: no site-packages .pth files, so the editable install of this repository cannot be found;
    # numpy is reached through PYTHONPATH instead.
    import numpy

    site = str(__import__("pathlib").Path(numpy.__file__).resolve().parent.parent)
    completed = subprocess.run([sys.executable, "-S", "-m", "tinygrad_edu", "mazur"], capture_output=True, text=True,
                               cwd=checkout, env=_clean_env(PYTHONPATH=f".:{site}"), timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "0.298371109" in completed.stdout
    check = subprocess.run([sys.executable, "-S", "-c", "import tinygrad_edu.runner as r; "
                            "print(r.load_example('mazur_backprop').__file__)"], capture_output=True, text=True,
                           cwd=checkout, env=_clean_env(PYTHONPATH=f".:{site}"), timeout=120)
    assert check.returncode == 0, check.stderr
    assert str(checkout / "examples") in check.stdout


def test_no_internal_documents_cited_in_user_facing_text():
    words = ("SEEDS", "API.md", "DESIGN.md")
    files = [ROOT / "tinygrad_edu" / "cli.py", ROOT / "examples" / "README.md", ROOT / "docs" / "sources.md",
             ROOT / "docs" / "examples.md", ROOT / "docs" / "tree-models.md",
             *[p for p in (ROOT / "examples").glob("*.py") if p.name != "graph.py"]]
    for path in files:
        text = path.read_text()
        assert not any(word in text for word in words), path


def test_examples_readme_names_every_example():
    readme = (ROOT / "examples" / "README.md").read_text()
    for path in (ROOT / "examples").glob("*.py"):
        if path.name != "__init__.py":
            assert f"`{path.name}`" in readme, path.name
