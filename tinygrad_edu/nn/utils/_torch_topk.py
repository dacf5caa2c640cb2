"""Which entries PyTorch's CPU `topk` picks when several values tie at the cut, so that pruning
(prune.py) zeroes exactly the entries PyTorch's pruning zeroes.

Without ties the k smallest (or largest) values are one set and numpy finds it directly. With
ties straddling the cut, PyTorch's choice is whatever its C++ standard library leaves in front:
its topk (aten/src/ATen/native/TopKImpl.h) fills a list of (value, index) pairs in index order
and calls `std::partial_sort` when k·64 <= n, else `std::nth_element`; both compare values only
(NaN counts as the largest value). `_select` repeats GNU libstdc++'s versions of these (heap
select; introselect with median-of-three pivots, then insertion sort), step for step on the same
list, so the same tied entries end up in front. Which set is picked does not depend on the later
sorting of the first k, so that step is left out.

    >>> topk_indices(np.ones(5), 2, largest=False).tolist()   # PyTorch: torch.topk(torch.ones(5), 2).indices
    [2, 4]
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["topk_indices"]


def topk_indices(values: np.ndarray, k: int, largest: bool) -> np.ndarray:
    """The indices (in no particular order) of the k largest, or smallest, entries of the 1-D
    `values`, tied entries chosen as PyTorch's CPU `topk` chooses them."""
    values = np.asarray(values).reshape(-1)
    n = values.size
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.isnan(values).any():
        # the k-th value in order; if the entries before it plus all entries equal to it are
        # exactly k, there is no tie at the cut and the set is determined by the values alone
        kth = np.partition(values, n - k if largest else k - 1)[n - k if largest else k - 1]
        before = values > kth if largest else values < kth
        chosen = before | (values == kth)
        if np.count_nonzero(chosen) == k:
            return np.flatnonzero(chosen)
    return np.array(_select(values.tolist(), k, largest), dtype=np.int64)


def _select(values: list, k: int, largest: bool) -> list:
    """The k indices libstdc++ leaves in front (see the module docstring)."""
    def before(x: float, y: float) -> bool:  # PyTorch's comparators: NaN sorts as the largest
        if largest:
            return (math.isnan(x) and not math.isnan(y)) or x > y
        return (not math.isnan(x) and math.isnan(y)) or x < y

    items = [(float(v), i) for i, v in enumerate(values)]
    comp = _Comparing(items, before)
    if k * 64 <= len(items):
        comp.heap_select(0, k, len(items))
    else:
        comp.introselect(0, k - 1, len(items))
    return [i for _, i in items[:k]]


class _Comparing:
    """libstdc++'s selection algorithms over `items`, (value, index) pairs compared by value."""

    def __init__(self, items: list, before) -> None:
        self.items, self.before = items, before

    def less(self, a: tuple, b: tuple) -> bool:
        return self.before(a[0], b[0])

    # ---- heap select (std::partial_sort's first half): a max-heap of the first k ----------
    def adjust_heap(self, first: int, hole: int, length: int, value: tuple) -> None:
        q, top, child = self.items, hole, hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if self.less(q[first + child], q[first + child - 1]):
                child -= 1
            q[first + hole] = q[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            q[first + hole] = q[first + child - 1]
            hole = child - 1
        parent = (hole - 1) // 2  # then push `value` up from the hole (std::__push_heap)
        while hole > top and self.less(q[first + parent], value):
            q[first + hole] = q[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        q[first + hole] = value

    def heap_select(self, first: int, middle: int, last: int) -> None:
        q, length = self.items, middle - first
        if length >= 2:  # std::make_heap
            for parent in range((length - 2) // 2, -1, -1):
                self.adjust_heap(first, parent, length, q[first + parent])
        for i in range(middle, last):
            if self.less(q[i], q[first]):  # std::__pop_heap: the heap's top goes to i
                value, q[i] = q[i], q[first]
                self.adjust_heap(first, 0, length, value)

    # ---- introselect (std::nth_element) ----------------------------------------------------
    def introselect(self, first: int, nth: int, last: int) -> None:
        q = self.items
        depth = 2 * ((last - first).bit_length() - 1)  # 2·floor(log2 n)
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                q[first], q[nth] = q[nth], q[first]
                return
            depth -= 1
            cut = self.partition_around_median(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)

    def partition_around_median(self, first: int, last: int) -> int:
        q, less = self.items, self.less
        a, b, c = first + 1, first + (last - first) // 2, last - 1
        if less(q[a], q[b]):
            median = b if less(q[b], q[c]) else c if less(q[a], q[c]) else a
        else:
            median = a if less(q[a], q[c]) else c if less(q[b], q[c]) else b
        q[first], q[median] = q[median], q[first]  # the pivot waits at `first`
        lo, hi = first + 1, last
        while True:  # std::__unguarded_partition
            while less(q[lo], q[first]):
                lo += 1
            hi -= 1
            while less(q[first], q[hi]):
                hi -= 1
            if lo >= hi:
                return lo
            q[lo], q[hi] = q[hi], q[lo]
            lo += 1

    def insertion_sort(self, first: int, last: int) -> None:
        q, less = self.items, self.less
        for i in range(first + 1, last):
            value = q[i]
            if less(value, q[first]):
                q[first + 1:i + 1] = q[first:i]
                q[first] = value
            else:
                j = i
                while less(value, q[j - 1]):
                    q[j] = q[j - 1]
                    j -= 1
                q[j] = value
