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


# ---------------------------------------------------------------- mazur (SEEDS §4)

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
