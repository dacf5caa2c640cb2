"""Cubic convolution (Keys, "Cubic convolution interpolation for digital image processing", 1981):
the kernel shared by interpolate(mode='bicubic'), grid_sample(mode='bicubic') and the antialiased
bicubic filter.

    W(d) = ((a + 2)|d| - (a + 3))|d|² + 1            for |d| ≤ 1
           ((a|d| - 5a)|d| + 8a)|d| - 4a              for 1 < |d| < 2
           0                                          otherwise

PyTorch interpolates with a = -0.75 (as OpenCV) and antialiases with a = -0.5 (as Pillow).
The formulas use only + - *, so they work on numpy arrays (constant weights) and on Tensors
(weights that depend on a differentiable coordinate) alike.
"""
from __future__ import annotations

import numpy as np

INTERPOLATE_A = -0.75  # PyTorch's (and OpenCV's) coefficient for bicubic interpolation
ANTIALIAS_A = -0.5  # PyTorch's (and Pillow's) coefficient for the antialiased bicubic filter


def cubic_near(d, a: float = INTERPOLATE_A):
    """W(d) for 0 ≤ d ≤ 1."""
    return ((a + 2) * d - (a + 3)) * d * d + 1


def cubic_far(d, a: float = INTERPOLATE_A):
    """W(d) for 1 ≤ d ≤ 2."""
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a


def cubic_tap_weights(t, a: float = INTERPOLATE_A) -> list:
    """The weights of the four taps ⌊s⌋ - 1, ⌊s⌋, ⌊s⌋ + 1, ⌊s⌋ + 2 around a source position s with
    t = s - ⌊s⌋ ∈ [0, 1): W(t + 1), W(t), W(1 - t), W(2 - t)."""
    return [cubic_far(t + 1, a), cubic_near(t, a), cubic_near(1 - t, a), cubic_far(2 - t, a)]


def cubic_filter(x: np.ndarray, a: float = ANTIALIAS_A) -> np.ndarray:
    """W(x) on a numpy array of any distances (zero from |x| = 2 on)."""
    d = np.abs(x)
    return np.where(d <= 1, cubic_near(d, a), np.where(d < 2, cubic_far(d, a), 0.0)).astype(x.dtype)
