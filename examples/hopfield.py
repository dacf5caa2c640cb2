"""A Hopfield network: it stores a few 8x8 letters and recalls them from noisy copies.

Source: J. J. Hopfield, "Neural networks and physical systems with emergent collective
computational abilities" (PNAS, 1982).

One fully connected layer of ±1 neurons, one per pixel. Storing patterns p¹..pᴾ is the Hebbian rule

    W = (1/N) Σₖ pᵏ pᵏᵀ,   with W_ii = 0     (symmetric: neurons that agree in a pattern excite each other)

and recall is asynchronous: visit the neurons one at a time in random order and set
s_i = sign(Σ_j W_ij s_j), until a full sweep changes nothing. Each flip lowers the energy
E(s) = −½ sᵀWs, so the state must settle — ideally in the stored pattern nearest the start.
Nothing here is trained by gradients; the tensors are used for their arithmetic only.

    python -m tinygrad_edu hopfield
    python -m tinygrad_edu hopfield --noise 0.25 --seed 3
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg

# Letters drawn thick so that about half the pixels are on: the Hebbian rule stores patterns
# best when they are balanced and little correlated (T, X, O, E). C overlaps O in 56 of 64
# pixels; add it (--letters TXOEC) to watch recalls fail. All eight (--letters TXOECHIZ) are fewer
# than the ~0.14·64 ≈ 9 random patterns 64 neurons can hold, yet most recalls fail: correlated
# patterns fill the memory much sooner.
LETTERS = {
    "T": ["########",
          "########",
          "########",
          "...##...",
          "...##...",
          "...##...",
          "...##...",
          "...##..."],
    "X": ["##....##",
          "###..###",
          ".######.",
          "..####..",
          "..####..",
          ".######.",
          "###..###",
          "##....##"],
    "O": ["########",
          "########",
          "##....##",
          "##....##",
          "##....##",
          "##....##",
          "########",
          "########"],
    "E": ["########",
          "##......",
          "##......",
          "######..",
          "######..",
          "##......",
          "##......",
          "########"],
    "C": ["########",
          "########",
          "##......",
          "##......",
          "##......",
          "##......",
          "########",
          "########"],
    "H": ["##....##",
          "##....##",
          "##....##",
          "########",
          "########",
          "##....##",
          "##....##",
          "##....##"],
    "I": ["########",
          "...##...",
          "...##...",
          "...##...",
          "...##...",
          "...##...",
          "...##...",
          "########"],
    "Z": ["########",
          "#####.##",
          "....###.",
          "...###..",
          "..###...",
          ".###....",
          "##.#####",
          "########"],
}


def to_pattern(picture: list[str]) -> np.ndarray:
    """ASCII art ('#' on, '.' off) as a flat vector of +1 / −1."""
    return np.array([1.0 if pixel == "#" else -1.0 for row in picture for pixel in row])


def to_picture(pattern: np.ndarray, width: int = 8) -> list[str]:
    cells = ["#" if value > 0 else "." for value in np.asarray(pattern).ravel()]
    return ["".join(cells[start:start + width]) for start in range(0, len(cells), width)]


class HopfieldNetwork:
    """Hebbian storage, asynchronous recall.

    >>> net = HopfieldNetwork([to_pattern(LETTERS["T"])])
    >>> net.recall(to_pattern(LETTERS["T"]))[0].tolist() == to_pattern(LETTERS["T"]).tolist()
    True
    """

    def __init__(self, patterns: list[np.ndarray]) -> None:
        with tg.no_grad():
            P = tg.stack([tg.tensor(p) for p in patterns])          # (P, N), one pattern per row
            n_neurons = P.shape[1]
            self.W = (P.T @ P) / n_neurons * (1 - tg.eye(n_neurons))  # Σ p pᵀ / N, zero diagonal

    def energy(self, state: tg.Tensor) -> float:
        return (-0.5 * state @ self.W @ state).item()

    def recall(self, start: np.ndarray, rng: np.random.Generator | None = None,
               max_sweeps: int = 100) -> tuple[np.ndarray, int, list[float]]:
        """Update neurons one at a time until a sweep changes nothing.

        Returns the final state, the number of sweeps, and the energy after each sweep.
        """
        rng = rng if rng is not None else np.random.default_rng(0)
        with tg.no_grad():
            state = tg.tensor(np.array(start, dtype=np.float64))
            energies = [self.energy(state)]
            for sweep in range(1, max_sweeps + 1):
                changed = False
                for i in rng.permutation(state.shape[0]):
                    field = (self.W[i] @ state).item()
                    new_value = 1.0 if field >= 0 else -1.0   # ties keep the neuron on
                    if new_value != state[i].item():
                        state[i] = new_value
                        changed = True
                energies.append(self.energy(state))
                if not changed:
                    return state.numpy(), sweep, energies
        return state.numpy(), max_sweeps, energies


def add_noise(pattern: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Flip `fraction` of the pixels, chosen at random."""
    noisy = pattern.copy()
    flips = rng.choice(len(pattern), size=int(round(fraction * len(pattern))), replace=False)
    noisy[flips] *= -1
    return noisy


def run(noise: float = 0.2, seed: int = 0, letters: str = "TXOE") -> list[dict]:
    """Store the letters, recall each from a noisy copy; one result dict per letter."""
    rng = np.random.default_rng(seed)
    patterns = {letter: to_pattern(LETTERS[letter]) for letter in letters}
    network = HopfieldNetwork(list(patterns.values()))
    results = []
    for letter, pattern in patterns.items():
        noisy = add_noise(pattern, noise, rng)
        recalled, sweeps, energies = network.recall(noisy, rng)
        results.append(dict(letter=letter, pattern=pattern, noisy=noisy, recalled=recalled,
                            sweeps=sweeps, energies=energies,
                            wrong_before=int((noisy != pattern).sum()),
                            wrong_after=int((recalled != pattern).sum())))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hopfield", description=__doc__.split("\n\n")[0])
    parser.add_argument("--noise", type=float, default=0.2, help="fraction of pixels flipped (default 0.2)")
    parser.add_argument("--letters", default="TXOE", help=f"which of {''.join(LETTERS)} to store (default TXOE)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 0 <= args.noise <= 1:
        parser.error("--noise must be between 0 and 1")
    unknown = set(args.letters) - set(LETTERS)
    if unknown or not args.letters:
        parser.error(f"--letters must be drawn from {''.join(LETTERS)}")

    print(f"A Hopfield network of 64 neurons stores the letters {', '.join(args.letters)} "
          "(Hebbian weights, zero diagonal);")
    print(f"each letter is shown with {args.noise:.0%} of its pixels flipped and recalled "
          "by asynchronous updates.\n")
    results = run(args.noise, args.seed, args.letters)
    for result in results:
        print(f"{result['letter']}: noisy ({result['wrong_before']} pixels wrong) -> recalled after "
              f"{result['sweeps']} sweeps ({result['wrong_after']} wrong), energy "
              f"{result['energies'][0]:.2f} -> {result['energies'][-1]:.2f}")
        for noisy_row, recalled_row in zip(to_picture(result["noisy"]), to_picture(result["recalled"])):
            print(f"    {noisy_row}   ->   {recalled_row}")
        print()
    perfect = sum(result["wrong_after"] == 0 for result in results)
    print(f"recalled perfectly: {perfect} of {len(results)}")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
