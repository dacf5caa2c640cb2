"""A tanh RNN reading one sentence a word at a time, from an embedding table with a large vocabulary:
tinygrad_edu against the same math by hand in numpy and PyTorch (one thread).

Each word's vector is a row of E (vocabulary x H); h ← tanh(h + E[word]) for every word, then the
loss is Σ (h W). Forward and backward per sentence. The gradient of E has a row per word read, but
each lookup's backward, done naively, makes a whole vocabulary-sized table of zeros with one row
filled -- what PyTorch does for a dense `nn.Embedding`. tinygrad_edu keeps the rows and scatters
them into one table at the end (autograd/deferred.py); the numpy floor adds each word's row into
the gradient directly.

    python bench/word_rnn.py [--vocabulary 20000] [--hidden 100] [--words 30] [--rounds 7]
"""
from __future__ import annotations

import argparse

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import measure, print_table, torch_one_thread

import tinygrad_edu as tg


def numpy_sentence(E: np.ndarray, W: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward, then backpropagation through the words by hand; (dE, dW)."""
    hs = [np.zeros(E.shape[1])]
    for w in words:
        hs.append(np.tanh(hs[-1] + E[w]))
    dW = np.repeat(hs[-1][:, None], W.shape[1], axis=1)  # ∂Σ(hW)/∂W = h 1ᵀ
    dh = W.sum(1)
    dE = np.zeros_like(E)
    for t in range(len(words), 0, -1):
        dz = dh * (1 - hs[t] ** 2)
        dE[words[t - 1]] += dz
        dh = dz
    return dE, dW


def run_sentence(lib, E, W, words) -> None:
    """The same loop in tinygrad_edu or PyTorch (F.embedding on a (1,) index per word)."""
    h = lib.zeros(1, E.shape[1], dtype=E.dtype)
    for w in words:
        h = (h + lib.nn.functional.embedding(lib.tensor([int(w)]), E)).tanh()
    (h @ W).sum().backward()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocabulary", type=int, default=20000)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--words", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default="bench/results/word_rnn.json")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    E0 = rng.standard_normal((args.vocabulary, args.hidden)) * 0.1
    W0 = rng.standard_normal((args.hidden, 10)) * 0.1
    words = rng.integers(0, args.vocabulary, args.words)
    dE, dW = numpy_sentence(E0, W0, words)

    E, W = tg.tensor(E0, requires_grad=True), tg.tensor(W0, requires_grad=True)

    def ours():
        E.grad = W.grad = None
        run_sentence(tg, E, W, words)

    ours()
    np.testing.assert_allclose(E.grad.numpy(), dE, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(W.grad.numpy(), dW, rtol=1e-10, atol=1e-12)
    fns = {"numpy (by hand)": lambda: numpy_sentence(E0, W0, words), "tinygrad_edu": ours}
    torch = torch_one_thread()
    if torch is not None:
        tE = torch.tensor(E0, requires_grad=True)
        tW = torch.tensor(W0, requires_grad=True)

        def theirs():
            tE.grad = tW.grad = None
            run_sentence(torch, tE, tW, words)

        theirs()
        np.testing.assert_allclose(tE.grad.numpy(), dE, rtol=1e-10, atol=1e-12)
        fns["pytorch (1 thread)"] = theirs
    results = measure(fns, args.rounds, args.repeats)
    print_table(f"A tanh RNN over {args.words} words, embedding table {args.vocabulary} x {args.hidden}, "
                f"float64, forward + backward per sentence; medians of {args.rounds} interleaved rounds "
                f"(CPU time)", results, "ms/sentence", 1e3)
    return write_report({"workload": f"word RNN, vocabulary {args.vocabulary}", "results": results}, args.json)


if __name__ == "__main__":
    main()
