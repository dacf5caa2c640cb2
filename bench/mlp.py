"""One SGD step of a 784-100-10 sigmoid MLP with softmax cross-entropy (forward, backward, update),
at batch 1, 32 and 256: tinygrad_edu (written with raw ops, and with F.linear + F.cross_entropy)
against the same math written by hand in numpy and, when installed, PyTorch with one thread.

    python bench/mlp.py [--rounds 15] [--batches 1 32 256] [--json bench/results/mlp.json]
"""
from __future__ import annotations

import argparse

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import measure, print_table, torch_one_thread

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

SIZES = (784, 100, 10)
LR = 0.1


def make_weights(rng) -> dict[str, np.ndarray]:
    n_in, n_hidden, n_out = SIZES
    return {"W1": rng.standard_normal((n_in, n_hidden)) * 0.05, "b1": np.zeros(n_hidden),
            "W2": rng.standard_normal((n_hidden, n_out)) * 0.1, "b2": np.zeros(n_out)}


def numpy_step(p: dict, x: np.ndarray, y: np.ndarray) -> None:
    """Forward, the chain rule by hand, and the update: the floor."""
    a = x @ p["W1"] + p["b1"]
    h = 1 / (1 + np.exp(-a))
    z = h @ p["W2"] + p["b2"]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    probs = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    dz = probs
    dz[np.arange(n), y] -= 1
    dz /= n
    dh = dz @ p["W2"].T
    da = dh * h * (1 - h)
    p["W2"] -= LR * (h.T @ dz)
    p["b2"] -= LR * dz.sum(axis=0)
    p["W1"] -= LR * (x.T @ da)
    p["b1"] -= LR * da.sum(axis=0)


def ours_raw_step(p: dict, x: tg.Tensor, y: np.ndarray, rows: np.ndarray) -> None:
    """The same step with raw Tensor ops: matmul, add, sigmoid, logsumexp, indexing, mean."""
    h = (x @ p["W1"] + p["b1"]).sigmoid()
    z = h @ p["W2"] + p["b2"]
    loss = (z.logsumexp(1) - z[rows, y]).mean()
    loss.backward()
    with tg.no_grad():
        for t in p.values():
            t.data -= LR * t.grad.data
            t.grad = None


def ours_fused_step(p: dict, x: tg.Tensor, y: tg.Tensor) -> None:
    """The same step with F.linear and F.cross_entropy (weights stored (out, in), like nn.Linear)."""
    h = F.linear(x, p["W1"], p["b1"]).sigmoid()
    loss = F.cross_entropy(F.linear(h, p["W2"], p["b2"]), y)
    loss.backward()
    with tg.no_grad():
        for t in p.values():
            t.data -= LR * t.grad.data
            t.grad = None


def torch_raw_step(torch, p: dict, x, y, rows) -> None:
    h = (x @ p["W1"] + p["b1"]).sigmoid()
    z = h @ p["W2"] + p["b2"]
    loss = (z.logsumexp(1) - z[rows, y]).mean()
    loss.backward()
    with torch.no_grad():
        for t in p.values():
            t -= LR * t.grad
            t.grad = None


def torch_fused_step(torch, p: dict, x, y) -> None:
    tf = torch.nn.functional
    h = tf.linear(x, p["W1"], p["b1"]).sigmoid()
    loss = tf.cross_entropy(tf.linear(h, p["W2"], p["b2"]), y)
    loss.backward()
    with torch.no_grad():
        for t in p.values():
            t -= LR * t.grad
            t.grad = None


def implementations(batch: int, torch) -> dict:
    rng = np.random.default_rng(batch)
    x = rng.random((batch, SIZES[0]))
    y = rng.integers(0, SIZES[2], batch)
    rows = np.arange(batch)
    w = make_weights(rng)
    as_out_in = {k: (v.T.copy() if k.startswith("W") else v.copy()) for k, v in w.items()}

    numpy_p = {k: v.copy() for k, v in w.items()}
    raw_p = {k: tg.tensor(v.copy(), requires_grad=True) for k, v in w.items()}
    fused_p = {k: tg.tensor(v.copy(), requires_grad=True) for k, v in as_out_in.items()}
    x_t, y_t = tg.tensor(x), tg.tensor(y)
    fns = {"numpy (by hand)": lambda: numpy_step(numpy_p, x, y),
           "tinygrad_edu, raw ops": lambda: ours_raw_step(raw_p, x_t, y, rows),
           "tinygrad_edu, F.linear": lambda: ours_fused_step(fused_p, x_t, y_t)}
    if torch is not None:
        t_raw = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in w.items()}
        t_fused = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in as_out_in.items()}
        tx, ty, trows = torch.tensor(x), torch.tensor(y), torch.tensor(rows)
        fns["pytorch, raw ops"] = lambda: torch_raw_step(torch, t_raw, tx, ty, trows)
        fns["pytorch, F.linear"] = lambda: torch_fused_step(torch, t_fused, tx, ty)
    return fns


def check_same_math() -> None:
    """One step of each implementation from the same weights gives the same weights."""
    rng = np.random.default_rng(1)
    x, y = rng.random((4, SIZES[0])), rng.integers(0, SIZES[2], 4)
    w = make_weights(rng)
    numpy_p = {k: v.copy() for k, v in w.items()}
    numpy_step(numpy_p, x, y)
    raw_p = {k: tg.tensor(v.copy(), requires_grad=True) for k, v in w.items()}
    ours_raw_step(raw_p, tg.tensor(x), y, np.arange(4))
    fused_p = {k: tg.tensor(v.T.copy() if k.startswith("W") else v.copy(), requires_grad=True)
               for k, v in w.items()}
    ours_fused_step(fused_p, tg.tensor(x), tg.tensor(y))
    for k in w:
        np.testing.assert_allclose(raw_p[k].numpy(), numpy_p[k], rtol=1e-10, atol=1e-12)
        fused = fused_p[k].numpy().T if k.startswith("W") else fused_p[k].numpy()
        np.testing.assert_allclose(fused, numpy_p[k], rtol=1e-10, atol=1e-12)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32, 256])
    parser.add_argument("--json", default="bench/results/mlp.json")
    args = parser.parse_args(argv)
    check_same_math()
    torch = torch_one_thread()
    report = {"workload": "784-100-10 sigmoid MLP, softmax cross-entropy, one SGD step, float64",
              "batches": {}}
    for batch in args.batches:
        repeats = max(2, 400 // batch)
        results = measure(implementations(batch, torch), args.rounds, repeats)
        print_table(f"batch {batch}: one SGD step, medians of {args.rounds} interleaved rounds "
                    f"(CPU time)", results, "ms/step", 1e3)
        report["batches"][str(batch)] = results
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
