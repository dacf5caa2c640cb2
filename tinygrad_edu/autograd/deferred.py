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
    """A gradient not computed yet: `shape`, `dtype`, `add(other)` (take in another piece of the
    same kind, in place) and `value()` (the numbers, as a new array)."""

    __slots__ = ("shape", "dtype")
    __array_ufunc__ = None  # (`array + deferred` calls our __radd__ instead of making an object array)

    def value(self) -> np.ndarray:
        raise NotImplementedError

    def add(self, other) -> bool:
        """Take `other` in as more pieces; False if it is not a sum of the same kind and shape."""
        raise NotImplementedError

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
        return f"{type(self).__name__}(shape={self.shape}, {self.pieces()} pieces)"

    def pieces(self) -> int:
        raise NotImplementedError


class ProductSum(Deferred):
    """Σᵢ aᵢᵀ gᵢ, each aᵢ (kᵢ, m) and gᵢ (kᵢ, n): the gradient of W in y = x Wᵀ (or y = x W) at
    every use. `value()` stacks the rows and computes one (m, k)·(k, n) product."""

    __slots__ = ("lefts", "rights", "rows", "dense")

    def __init__(self, a: np.ndarray, g: np.ndarray) -> None:
        self.shape = (a.shape[1], g.shape[1])
        self.dtype = np.result_type(a, g)
        self.lefts, self.rights, self.rows, self.dense = [a], [g], a.shape[0], None

    @staticmethod
    def worth_keeping(a: np.ndarray, g: np.ndarray) -> bool:
        """Whether the factors are smaller than their product (few rows: a batch of one)."""
        return a.ndim == 2 and g.ndim == 2 and a.shape[0] * (a.shape[1] + g.shape[1]) <= a.shape[1] * g.shape[1]

    def add(self, other) -> bool:
        if other.__class__ is not ProductSum or other.shape != self.shape:
            return False
        self.lefts += other.lefts
        self.rights += other.rights
        self.rows += other.rows
        if other.dense is not None:
            self._add_dense(other.dense)
        if self.rows * (self.shape[0] + self.shape[1]) > self.shape[0] * self.shape[1]:
            self._add_dense(self._product())  # (the pieces outgrew the result: fold them in)
            self.lefts, self.rights, self.rows = [], [], 0
        return True

    def _add_dense(self, array: np.ndarray) -> None:
        self.dense = array if self.dense is None else self.dense + array

    def _product(self) -> np.ndarray:
        if len(self.lefts) == 1:
            a, g = self.lefts[0], self.rights[0]
            if a.shape[0] == 1:  # an outer product: a broadcast multiply beats matmul's kernel
                return a.T * g
            return a.T @ g
        return np.concatenate(self.lefts).T @ np.concatenate(self.rights)

    def value(self) -> np.ndarray:
        if self.dense is None:
            return self._product()  # (zeros if there are no rows: a product over an empty batch)
        return self.dense + self._product() if self.rows else self.dense.copy()

    def pieces(self) -> int:
        return len(self.lefts) + (self.dense is not None)


class RowSum(Deferred):
    """zeros(shape) with each piece's rows added at its row numbers (repeats add up): the
    gradient of a table x in x[index], for an integer index into its first axis."""

    __slots__ = ("indices", "values", "rows", "dense")

    def __init__(self, values: np.ndarray, index, shape: tuple) -> None:
        self.shape, self.dtype = shape, values.dtype
        index = np.asarray(index)
        self.indices = [index.reshape(-1)]
        self.values = [values.reshape((index.size,) + shape[1:])]
        self.rows, self.dense = index.size, None

    @staticmethod
    def worth_keeping(values, index, shape: tuple) -> bool:
        """An integer index (a number or an array) into axis 0, naming fewer rows than x has."""
        if index.__class__ is np.ndarray:
            if index.dtype.kind not in "iu" or index.size > shape[0]:
                return False
        elif not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            return False
        return values.shape == np.shape(index) + shape[1:]

    def add(self, other) -> bool:
        if other.__class__ is not RowSum or other.shape != self.shape:
            return False
        self.indices += other.indices
        self.values += other.values
        self.rows += other.rows
        if other.dense is not None:
            self.dense = other.dense if self.dense is None else self.dense + other.dense
        if self.rows > self.shape[0]:  # (as many rows as the table: fold them into one)
            self.dense = self.value()
            self.indices, self.values, self.rows = [], [], 0
        return True

    def value(self) -> np.ndarray:
        out = np.zeros(self.shape, self.dtype) if self.dense is None else self.dense.copy()
        if self.rows:
            index = self.indices[0] if len(self.indices) == 1 else np.concatenate(self.indices)
            values = self.values[0] if len(self.values) == 1 else np.concatenate(self.values)
            np.add.at(out, index, values)
        return out

    def pieces(self) -> int:
        return len(self.indices) + (self.dense is not None)
