"""scikit-learn's 8x8 handwritten digits, split the same way on every machine.

scikit-learn is an optional extra, so it is imported only when the data is asked for.
"""
from __future__ import annotations

import numpy as np

_MISSING_SKLEARN = "load_digits needs scikit-learn: pip install 'tinygrad_edu[examples]'"


def load_digits(
    test_fraction: float = 0.2, seed: int = 0, scale: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 1,797 digit images as flat 64-pixel rows, shuffled and split into train and test.

    The split uses its own permutation from `np.random.default_rng(seed)`, so it depends only on
    `seed` and not on the scikit-learn version. Pixels are 0..16; `scale=True` divides by 16.

    Returns `(X_train, X_test, y_train, y_test)`: X float64 of shape (n, 64), y int64.

    >>> X_train, X_test, y_train, y_test = load_digits()   # doctest: +SKIP
    >>> X_train.shape, X_test.shape                          # doctest: +SKIP
    ((1438, 64), (359, 64))
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as error:
        raise ImportError(_MISSING_SKLEARN) from error

    bunch = sklearn_load_digits()
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.int64)
    if scale:
        X = X / 16.0

    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test_rows, train_rows = order[:n_test], order[n_test:]
    return X[train_rows], X[test_rows], y[train_rows], y[test_rows]


def rashid_scale(X: np.ndarray, max_value: float | None = None) -> np.ndarray:
    """Map pixel values into 0.01..1.0 as in Rashid's book: `x / max * 0.99 + 0.01`.

    A zero input would stop a sigmoid network's weight updates (the update is proportional to the
    input), hence the 0.01 floor. `max_value` is the top of the pixel range (255 for MNIST, 16 for
    the digits); by default the largest value in `X`.

    >>> rashid_scale(np.array([0.0, 255.0])).tolist()
    [0.01, 1.0]
    """
    X = np.asarray(X, dtype=np.float64)
    if max_value is None:
        max_value = float(X.max()) if X.size else 0.0
    if max_value <= 0:
        raise ValueError(f"rashid_scale: the top of the pixel range must be positive, got {max_value}")
    return X / max_value * 0.99 + 0.01


def one_hot_targets(y: np.ndarray, n_classes: int, low: float = 0.01, high: float = 0.99) -> np.ndarray:
    """Targets for a sigmoid output layer: `high` at the label's column, `low` elsewhere.

    A sigmoid never reaches 0 or 1, so aiming at 0.01/0.99 keeps the targets reachable.

    >>> one_hot_targets(np.array([2, 0]), 3).tolist()
    [[0.01, 0.01, 0.99], [0.99, 0.01, 0.01]]
    """
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(f"one_hot_targets: labels must be 1-D, got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"one_hot_targets: labels must be in 0..{n_classes - 1}, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    targets = np.full((labels.shape[0], n_classes), low, dtype=np.float64)
    targets[np.arange(labels.shape[0]), labels.astype(np.int64)] = high
    return targets
