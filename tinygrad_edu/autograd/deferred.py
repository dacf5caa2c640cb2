"""Gradients kept as the pieces of a sum, computed once when the backward pass ends.

A weight used at many steps of one graph -- a Tree-LSTM cell at every node of a tree, an RNN at
every time step, an embedding table at every word -- receives one gradient per use, and its
`.grad` is their sum. Computed one use at a time, that sum costs a full weight-sized array per
use: the outer product ∂zᵀ x of each step (a (5H, H) matrix from two vectors), or a zero table
with one row filled for each looked-up word. Kept as pieces, it costs one array in all:

    Σₜ ∂zₜᵀ xₜ = ∂Zᵀ X        (stack the rows of every step: one matrix product)
    Σₜ scatter(rowsₜ, ∂eₜ)    (one table, every row added into it at once)

This is the order in which a hand-written backpropagation through time sums a recurrent weight's
gradient (Werbos, "Backpropagation Through Time: What It Does and How to Do It", 1990), done here
for any graph. A formula returns such a sum only where its result goes straight to a weight
(`xp.transposed_times`, `xp.rows_gradient`); the engine passes it to the leaf it is for, adds up
the pieces of all uses, and computes the numbers when the backward pass ends -- so `.grad`,
hooks and `tg.grad` see an ordinary array, as always. Anything else that needs the numbers before
then (a node in between, a hook, an anomaly check) gets them from `value()` or `np.asarray`.

The pieces are kept only while they are smaller than the array they stand for; past that they
are folded into one array, so memory never exceeds computing the sum step by step.
"""
from __future__ import annotations

import numpy as np


class Deferred:
    """A gradient not computed yet, as a sum of pieces: `shape`, `dtype`, `add(other)` (take in
    the pieces of another sum of the same kind) and `value()` (the numbers, as a new array).

    Each piece is a pair of arrays (`firsts[i]`, `seconds[i]`) standing for `rows` rows of the
    result's worth of work; a subclass says what a list of pieces adds up to (`_sum`) and how
    many rows it may keep before they cost more than the result (`_limit`)."""

    __slots__ = ("shape", "dtype", "firsts", "seconds", "rows", "dense")
    __array_ufunc__ = None  # (`array + deferred` calls our __radd__ instead of making an object array)

    def _sum(self, firsts: list, seconds: list) -> np.ndarray:
        raise NotImplementedError

    def _limit(self) -> int:
        raise NotImplementedError

    def _start(self, shape: tuple, dtype, first: np.ndarray, second: np.ndarray, rows: int) -> None:
        self.shape, self.dtype = shape, dtype
        self.firsts, self.seconds, self.rows, self.dense = [first], [second], rows, None

    def add(self, other) -> bool:
        """Take `other`'s pieces in; False if it is not a sum of the same kind and shape."""
        if other.__class__ is not self.__class__ or other.shape != self.shape:
            return False
        self.firsts += other.firsts
        self.seconds += other.seconds
        self.rows += other.rows
        if other.dense is not None:
            self._add_dense(other.dense)
        if self.rows > self._limit():  # the pieces outgrew the result: fold them into one array
            self._add_dense(self._sum(self.firsts, self.seconds))
            self.firsts, self.seconds, self.rows = [], [], 0
        return True

    def _add_dense(self, array: np.ndarray) -> None:
        self.dense = array if self.dense is None else self.dense + array

    def value(self) -> np.ndarray:
        if self.dense is None:
            return self._sum(self.firsts, self.seconds)
        return self.dense + self._sum(self.firsts, self.seconds) if self.rows else self.dense.copy()

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        v = self.value()
        return v if dtype is None else v.astype(dtype, copy=False)

    def __add__(self, other):
        other = other.value() if isinstance(other, Deferred) else other
        return self.value() + other

    __radd__ = __add__

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.shape}, {len(self.firsts)} pieces, {self.rows} rows)"


def transposed_times(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """aᵀ g over the last two axes. With one row in a it is an outer product, which a broadcast
    multiply computes several times faster than matmul's general kernel; with no rows, zeros."""
    a_t = np.swapaxes(a, -1, -2)
    return a_t * g if a.shape[-2] == 1 else a_t @ g


class ProductSum(Deferred):
    """Σᵢ aᵢᵀ gᵢ, each aᵢ (kᵢ, m) and gᵢ (kᵢ, n): the gradient of W in y = x W (or x Wᵀ) at every
    use. Its value stacks the rows and computes one (m, k)·(k, n) product."""

    __slots__ = ()

    def __init__(self, a: np.ndarray, g: np.ndarray) -> None:
        self._start((a.shape[1], g.shape[1]), np.result_type(a, g), a, g, a.shape[0])

    @staticmethod
    def worth_keeping(a: np.ndarray, g: np.ndarray) -> bool:
        """Whether the factors are smaller than their product (few rows: a batch of one)."""
        return a.ndim == 2 and g.ndim == 2 and a.shape[0] * (a.shape[1] + g.shape[1]) <= a.shape[1] * g.shape[1]

    def _limit(self) -> int:
        m, n = self.shape
        return m * n // (m + n)

    def _sum(self, firsts: list, seconds: list) -> np.ndarray:
        if len(firsts) == 1:
            return transposed_times(firsts[0], seconds[0])
        return np.concatenate(firsts).T @ np.concatenate(seconds)


class RowSum(Deferred):
    """zeros(shape) with each piece's rows added at its row numbers (repeats add up): the
    gradient of a table x in x[index], for an integer index into its first axis."""

    __slots__ = ()

    def __init__(self, values: np.ndarray, index, shape: tuple) -> None:
        index = np.asarray(index)
        self._start(shape, values.dtype, index.reshape(-1), values.reshape((index.size,) + shape[1:]), index.size)

    @staticmethod
    def worth_keeping(values, index, shape: tuple) -> bool:
        """An integer index (a number or an array) into axis 0, naming fewer rows than x has."""
        if index.__class__ is np.ndarray:
            if index.dtype.kind not in "iu" or index.size > shape[0]:
                return False
        elif not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            return False
        return values.shape == np.shape(index) + shape[1:]

    def _limit(self) -> int:
        return self.shape[0]  # (as many rows as the table)

    def _sum(self, firsts: list, seconds: list) -> np.ndarray:
        out = np.zeros(self.shape, self.dtype)
        if firsts:
            index = firsts[0] if len(firsts) == 1 else np.concatenate(firsts)
            np.add.at(out, index, seconds[0] if len(seconds) == 1 else np.concatenate(seconds))
        return out
