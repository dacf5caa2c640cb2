"""The 2-2-2 worked example of backpropagation (after Matt Mazur), number by number.

Source: M. Mazur, "A Step by Step Backpropagation Example" (blog article, 2015).

Two inputs, two hidden neurons, two outputs, a sigmoid on every neuron, one shared bias per layer:

    net_h1 = w1·i1 + w2·i2 + b1      out_h1 = σ(net_h1)
    net_h2 = w3·i1 + w4·i2 + b1      out_h2 = σ(net_h2)
    net_o1 = w5·out_h1 + w6·out_h2 + b2      out_o1 = σ(net_o1)
    net_o2 = w7·out_h1 + w8·out_h2 + b2      out_o2 = σ(net_o2)
    E_total = ½(target_o1 − out_o1)² + ½(target_o2 − out_o2)²

With i1 = 0.05, i2 = 0.10, targets 0.01 / 0.99, w1..w8 = 0.15, 0.20, ..., 0.55, b1 = 0.35 and
b2 = 0.60, the article computes the outputs 0.75136507 / 0.772928465 and E_total = 0.298371109,
derives every ∂E/∂w by the chain rule, takes one gradient step with learning rate 0.5 (the biases
stay fixed) and reaches E_total = 0.291027924. Here the framework does the chain rule: each weight
is a scalar tensor named w1..w8, `E_total.backward()` fills their `.grad`, and the example prints
the same numbers, including the article's intermediate factors for ∂E/∂w5 and ∂E/∂w1.

The exact new error is 0.29102777: the article rounds each intermediate value to about nine
digits before using it in the next step, and that rounding reaches the last digits of its figure.

    python -m tinygrad_edu mazur                      # one step, all the article's numbers
    python -m tinygrad_edu mazur --iterations 10000   # keep training: E_total ≈ 3.5102e-05
"""
from __future__ import annotations

import argparse

import tinygrad_edu as tg

INPUTS = {"i1": 0.05, "i2": 0.10}
TARGETS = {"o1": 0.01, "o2": 0.99}
INITIAL_WEIGHTS = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
                   "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
B1, B2 = 0.35, 0.60
LEARNING_RATE = 0.5
ARTICLE_E_AFTER_ONE_STEP = 0.291027924


def make_weights(values: dict[str, float] = INITIAL_WEIGHTS) -> dict[str, tg.Tensor]:
    """One scalar leaf tensor per weight, named as in the article."""
    return {name: tg.tensor(value, requires_grad=True, name=name) for name, value in values.items()}


CONSTANTS = {"i1": INPUTS["i1"], "i2": INPUTS["i2"], "b1": B1, "b2": B2,
             "target_o1": TARGETS["o1"], "target_o2": TARGETS["o2"]}


def forward(w: dict[str, tg.Tensor], c: dict = CONSTANTS) -> dict[str, tg.Tensor]:
    """The network, written line by line as in the article; returns every intermediate tensor.
    `c` holds the inputs, biases and targets (numbers, or named tensors for a picture)."""
    net_h1 = w["w1"] * c["i1"] + w["w2"] * c["i2"] + c["b1"]
    net_h2 = w["w3"] * c["i1"] + w["w4"] * c["i2"] + c["b1"]
    out_h1, out_h2 = net_h1.sigmoid(), net_h2.sigmoid()
    net_o1 = w["w5"] * out_h1 + w["w6"] * out_h2 + c["b2"]
    net_o2 = w["w7"] * out_h1 + w["w8"] * out_h2 + c["b2"]
    out_o1, out_o2 = net_o1.sigmoid(), net_o2.sigmoid()
    E_o1 = 0.5 * (c["target_o1"] - out_o1) ** 2
    E_o2 = 0.5 * (c["target_o2"] - out_o2) ** 2
    E_total = E_o1 + E_o2
    return dict(net_h1=net_h1, net_h2=net_h2, out_h1=out_h1, out_h2=out_h2, net_o1=net_o1,
                net_o2=net_o2, out_o1=out_o1, out_o2=out_o2, E_o1=E_o1, E_o2=E_o2, E_total=E_total)


def gradient_step(w: dict[str, tg.Tensor], lr: float) -> dict[str, tg.Tensor]:
    """w ← w − lr·∂E/∂w for all eight weights at once (from the gradients of the same forward pass)."""
    with tg.no_grad():
        return make_weights({name: (weight - lr * weight.grad).item() for name, weight in w.items()})


def run(lr: float = LEARNING_RATE, iterations: int = 1) -> dict:
    """Forward, backward and `iterations` gradient steps; every number the example prints.

    Returns a dict with the floats `out_o1`, `out_o2`, `E_total` (first forward pass),
    `chain_w5` and `chain_w1` (the article's chain-rule factors), `gradients` and `updated`
    (dicts w1..w8 -> float after the first step), `E_after_one_step`, and, when `iterations` > 1,
    `E_after_iterations` (the error after that many steps).
    """
    if iterations < 1:
        raise ValueError(f"mazur: iterations must be >= 1, got {iterations}")
    w = make_weights()
    values = forward(w)
    # Keep the gradients of these intermediates too, to print the article's chain-rule factors.
    for name in ("out_o1", "net_o1", "out_h1", "net_h1"):
        values[name].retain_grad()
    values["E_total"].backward()

    out_o1, out_h1 = values["out_o1"].item(), values["out_h1"].item()
    result = {
        "out_o1": out_o1,
        "out_o2": values["out_o2"].item(),
        "E_total": values["E_total"].item(),
        # ∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5
        "chain_w5": {
            "dE/dout_o1": values["out_o1"].grad.item(),
            "dout_o1/dnet_o1": values["net_o1"].grad.item() / values["out_o1"].grad.item(),
            "dnet_o1/dw5": out_h1,
        },
        # ∂E/∂w1 = ∂E/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1, where ∂E/∂out_h1 sums both outputs
        "chain_w1": {
            "dE/dout_h1": values["out_h1"].grad.item(),
            "dout_h1/dnet_h1": values["net_h1"].grad.item() / values["out_h1"].grad.item(),
            "dnet_h1/dw1": INPUTS["i1"],
        },
        "gradients": {name: weight.grad.item() for name, weight in w.items()},
    }
    w = gradient_step(w, lr)
    result["updated"] = {name: weight.item() for name, weight in w.items()}
    result["E_after_one_step"] = forward(w)["E_total"].item()

    for _ in range(iterations - 1):
        forward(w)["E_total"].backward()
        w = gradient_step(w, lr)
    if iterations > 1:
        with tg.no_grad():
            result["E_after_iterations"] = forward(w)["E_total"].item()
    return result


def print_report(result: dict, lr: float = LEARNING_RATE, iterations: int = 1) -> None:
    """Print the numbers of `run` in the order of the article."""
    print("The 2-2-2 network of the worked example: i1 = 0.05, i2 = 0.10, targets 0.01 / 0.99,")
    print("w1..w8 = " + ", ".join(f"{v:.2f}" for v in INITIAL_WEIGHTS.values())
          + f", b1 = {B1:.2f}, b2 = {B2:.2f}, sigmoid everywhere.")
    print("\nForward pass")
    print(f"  out_o1  = {result['out_o1']:.9f}   (article: 0.75136507)")
    print(f"  out_o2  = {result['out_o2']:.9f}   (article: 0.772928465)")
    print(f"  E_total = {result['E_total']:.9f}   (article: 0.298371109)")

    print("\nBackward pass: E_total.backward(), then read w.grad")
    chain = result["chain_w5"]
    print(f"  ∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5"
          f" = {chain['dE/dout_o1']:.9f} · {chain['dout_o1/dnet_o1']:.9f} · {chain['dnet_o1/dw5']:.9f}")
    chain = result["chain_w1"]
    print(f"  ∂E/∂w1 = ∂E/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1"
          f" = {chain['dE/dout_h1']:.9f} · {chain['dout_h1/dnet_h1']:.9f} · {chain['dnet_h1/dw1']:.2f}")
    print("           (∂E/∂out_h1 sums the error arriving at h1 from both outputs)")
    for name, grad in result["gradients"].items():
        print(f"  ∂E/∂{name} = {grad:+.9f}")

    print(f"\nOne gradient step, w ← w − {lr}·∂E/∂w (biases fixed)")
    for name, value in result["updated"].items():
        print(f"  {name}: {INITIAL_WEIGHTS[name]:.2f} → {value:.9f}")
    print(f"\n  new E_total = {result['E_after_one_step']:.9f}   (article: {ARTICLE_E_AFTER_ONE_STEP})")
    print("  The article's figure differs in the last digits because it rounds every intermediate")
    print("  value (outputs, deltas, updated weights) before reusing it; here nothing is rounded.")
    if "E_after_iterations" in result:
        print(f"\nAfter {iterations} steps: E_total = {result['E_after_iterations']:.4e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mazur", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lr", type=float, default=LEARNING_RATE, help="learning rate (default 0.5)")
    parser.add_argument("--iterations", type=int, default=1,
                        help="gradient steps to take (default 1; the article also quotes 10000)")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error(f"--iterations must be >= 1, got {args.iterations}")
    print_report(run(args.lr, args.iterations), args.lr, args.iterations)
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
