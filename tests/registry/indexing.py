"""Scatter, index_*, take, masked_select/scatter, put and the in-place shape changes
(tensor_scatter.py, tensor_indexing.py, functions_indexing.py): gradchecked, including repeated indices where the
op adds them up (scatter_add, index_add, index_put/put with accumulate). Plain scatter, index_copy
and index_put write one of several repeated elements, an unspecified one (as in PyTorch), so
their indices here name each place once. The selection functions have no gradient."""
import numpy as np

import tinygrad_edu as tg

from . import distinct, not_differentiable, register


def _index(self_shape: tuple, src_shape: tuple, dim: int, distinct_places: bool) -> tg.Tensor:
    """An index for scatter along `dim`, of shape min(self, src) per dim; with `distinct_places`
    each column names a place at most once."""
    shape = tuple(min(a, b) for a, b in zip(self_shape, src_shape))
    rng = np.random.default_rng(sum(shape) + 7 * abs(dim))
    if not shape:
        return tg.tensor(0)
    n = self_shape[dim]
    if distinct_places:
        keys = rng.random(shape[:dim] + (n,) + shape[dim + 1:])
        order = np.argsort(keys, axis=dim)
        return tg.tensor(np.take(order, np.arange(shape[dim]), axis=dim).astype(np.int64))
    return tg.tensor(rng.integers(0, n, shape).astype(np.int64))


def _vector(n: int, size: int, repeats: bool) -> tg.Tensor:
    rng = np.random.default_rng(n * 31 + size)
    if repeats:
        return tg.tensor(rng.integers(0, n, size).astype(np.int64))
    return tg.tensor(rng.permutation(n)[:size].astype(np.int64))


SCATTER_CASES = ([(3, 4), (2, 4)], [(3, 4), (4, 5)], [(), ()], [(2, 1, 3), (2, 1, 2)])
register("Tensor.scatter", lambda x, s: x.scatter(0, _index(x.shape, s.shape, 0, True), s), *SCATTER_CASES)
register("Tensor.scatter(dim=-1)", lambda x, s: x.scatter(-1, _index(x.shape, s.shape, x.ndim - 1, True), s),
         [(3, 4), (3, 2)], [(2, 3), (2, 3)], [(1, 5), (1, 1)])
register("Tensor.scatter(value)", lambda x: x.scatter(1, _index(x.shape, x.shape, 1, True)[..., :1], value=2.5),
         [(3, 4)], [(2, 1)], [(1, 3, 2)])
register("Tensor.scatter(empty index)", lambda x, s: x.scatter(0, tg.zeros(0, 3, dtype=tg.int64), s),
         [(2, 3), (1, 3)], [(4, 3), (2, 3)], [(1, 3), (1, 3)])
register("tg.scatter", lambda x, s: tg.scatter(x, 0, _index(x.shape, s.shape, 0, True), s), *SCATTER_CASES)
register("Tensor.scatter_", lambda x, s: (x * 2).scatter_(0, _index(x.shape, s.shape, 0, True), s) * x,
         *SCATTER_CASES)
register("Tensor.scatter(reduce=add)", lambda x, s: x.scatter(0, _index(x.shape, s.shape, 0, False), s,
                                                              reduce="add"), *SCATTER_CASES)

register("Tensor.scatter_add", lambda x, s: x.scatter_add(0, _index(x.shape, s.shape, 0, False), s),
         *SCATTER_CASES)
register("tg.scatter_add", lambda x, s: tg.scatter_add(x, -1, _index(x.shape, s.shape, x.ndim - 1, False), s),
         [(3, 4), (3, 6)], [(2, 2), (2, 5)], [(), ()])
register("Tensor.scatter_add_", lambda x, s: (x * 1).scatter_add_(0, _index(x.shape, s.shape, 0, False), s) * x,
         *SCATTER_CASES)

for reduce in ("sum", "prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        register(f"Tensor.scatter_reduce({reduce}, include_self={include_self})",
                 lambda x, s, r=reduce, i=include_self: x.scatter_reduce(
                     0, _index(x.shape, s.shape, 0, False), s, r, include_self=i),
                 [distinct(3, 4), distinct(5, 4)], [distinct(2, 3), distinct(2, 3)], [distinct(), distinct()],
                 [distinct(4), distinct(6)])
register("Tensor.scatter_reduce", lambda x, s: x.scatter_reduce(1, _index(x.shape, s.shape, 1, False), s, "mean"),
         [(3, 4), (3, 6)], [(2, 2), (2, 5)], [(1, 1), (1, 3)])
register("Tensor.scatter(reduce=multiply)", lambda x, s: x.scatter(0, _index(x.shape, s.shape, 0, False), s,
                                                                   reduce="multiply"), *SCATTER_CASES)
register("tg.scatter_reduce", lambda x, s: tg.scatter_reduce(x, 0, _index(x.shape, s.shape, 0, False), s, "prod"),
         [(3, 4), (5, 4)], [(2,), (4,)], [(), ()])
register("Tensor.scatter_reduce(prod, zeros)",  # the gradient of a product with zeros in it
         lambda x, s: x.scatter_reduce(0, tg.tensor([0, 0, 1, 0]), s * tg.tensor([0.0, 1.0, 1.0, 0.0]), "prod"),
         [(2,), (4,)], [(3,), (4,)], [(2,), (4,)])
register("Tensor.scatter_reduce_", lambda x, s: (x * 1).scatter_reduce_(
    0, _index(x.shape, s.shape, 0, False), s, "amax") * 2, [distinct(3, 4), distinct(5, 4)],
    [distinct(2,), distinct(4,)], [distinct(), distinct()])

INDEX_ADD_CASES = ([(3, 4), (5, 4)], [(2,), (3,)], [(), ()], [(3, 1, 2), (1, 1, 2)])


def _index_add(x, s, alpha=1, in_place=False, fn=None):
    index = _vector(x.shape[0] if x.ndim else 1, s.shape[0] if s.ndim else 1, True)
    index = index.reshape(()) if not s.ndim else index
    if fn is not None:
        return fn(x, 0, index, s, alpha=alpha)
    return (x * 1).index_add_(0, index, s, alpha=alpha) * x if in_place else x.index_add(0, index, s, alpha=alpha)


register("Tensor.index_add", lambda x, s: _index_add(x, s), *INDEX_ADD_CASES)
register("Tensor.index_add(alpha)", lambda x, s: _index_add(x, s, alpha=-2.5), *INDEX_ADD_CASES)
register("tg.index_add", lambda x, s: _index_add(x, s, fn=tg.index_add), *INDEX_ADD_CASES)
register("Tensor.index_add_", lambda x, s: _index_add(x, s, in_place=True), *INDEX_ADD_CASES)


def _slots(x, dim: int, size: int) -> tg.Tensor:
    return _vector(x.shape[dim] if x.ndim else 1, size, False)


register("Tensor.index_fill", lambda x: x.index_fill(-1, _slots(x, -1, 2), -1.5), [(3, 4)], [(2,)], [(2, 2, 3)])
register("Tensor.index_fill(tensor value)",  # a repeated index fills once: the value's gradient counts it once
         lambda x, v: x.index_fill(0, tg.tensor([1, 0, 1]), v), [(3, 2), ()], [(2,), ()], [(4, 1, 2), ()])
register("tg.index_fill", lambda x: tg.index_fill(x, 0, _slots(x, 0, 1), 0.0), [(3, 4)], [(2,)], [()])
register("Tensor.index_fill_", lambda x: (x * 1).index_fill_(0, _slots(x, 0, 1), 3.0) * x, [(3, 4)], [(2,)], [()])

INDEX_COPY_CASES = ([(4, 3), (2, 3)], [(3,), (3,)], [(), ()], [(3, 2, 2), (1, 2, 2)])


def _index_copy(x, s, how):
    index = _slots(x, 0, s.shape[0] if s.ndim else 1)
    index = index.reshape(()) if not s.ndim else index
    if how == "tg":
        return tg.index_copy(x, 0, index, s)
    return (x * 1).index_copy_(0, index, s) * x if how == "in place" else x.index_copy(0, index, s)


register("Tensor.index_copy", lambda x, s: _index_copy(x, s, "method"), *INDEX_COPY_CASES)
register("tg.index_copy", lambda x, s: _index_copy(x, s, "tg"), *INDEX_COPY_CASES)
register("Tensor.index_copy_", lambda x, s: _index_copy(x, s, "in place"), *INDEX_COPY_CASES)

ROWS, COLS = tg.tensor([0, 2, 1]), tg.tensor([1, 0, 1])
register("Tensor.index_put", lambda x, v: x.index_put((ROWS, COLS), v), [(3, 2), (3,)], [(3, 2), ()],
         [(3, 2), (1,)])
register("Tensor.index_put(accumulate)", lambda x, v: x.index_put((tg.tensor([0, 2, 0]),), v, accumulate=True),
         [(3, 2), (3, 2)], [(3, 2), (2,)], [(4,), ()])
register("tg.index_put", lambda x, v: tg.index_put(x, (tg.tensor([True, False, True]),), v), [(3, 2), (2, 2)],
         [(3,), ()], [(3, 1, 2), (1, 2)])
register("Tensor.index_put_", lambda x, v: (x * 1).index_put_((ROWS,), v, accumulate=True) * x,
         [(3, 2), (3, 2)], [(3,), (3,)], [(3, 2), ()])
register("tg.index_put_", lambda x, v: tg.index_put_(x * 1, (ROWS, COLS), v) * x, [(3, 2), (3,)], [(3, 2), ()],
         [(3, 2), (1,)])

MASK = tg.tensor([[True, False, True], [False, False, True]])
register("Tensor.masked_scatter", lambda x, s: x.masked_scatter(MASK, s), [(2, 3), (3,)], [(2, 3), (2, 4)],
         [(1, 3), (6,)])
register("Tensor.masked_scatter(broadcast mask)", lambda x, s: x.masked_scatter(tg.tensor([True, False, True]), s),
         [(2, 3), (4,)], [(3,), (2,)], [(1, 3), (2, 2)])
register("tg.masked_scatter", lambda x, s: tg.masked_scatter(x, MASK, s), [(2, 3), (3,)], [(2, 3), (5,)],
         [(2, 1), (3,)])
register("Tensor.masked_scatter_", lambda x, s: (x * 1).masked_scatter_(MASK, s) * x, [(2, 3), (3,)],
         [(2, 3), (5,)], [(2, 3), (2, 3)])
register("Tensor.masked_select", lambda x: x.masked_select((x.detach() > 0) | (x.detach() == x.detach().max())) * 2,
         [(3, 4)], [(5,)], [()])  # (at least one element: gradcheck cannot perturb an empty gradient)
register("tg.masked_select", lambda x: tg.masked_select(x, MASK), [(2, 3)], [(3,)], [(1, 1)])

register("Tensor.take", lambda x: x.take(tg.tensor([[0, -1], [0, 1]])), [(3, 4)], [(2,)], [(1, 2, 2)])
register("tg.take", lambda x: tg.take(x, tg.tensor(0)), [(3,)], [()], [(2, 1)])
register("Tensor.take_along_dim", lambda x: x.take_along_dim(tg.tensor([[0, 1, 0]]), 0), [(2, 3)], [(2, 1)],
         [(3, 3)])
register("tg.take_along_dim", lambda x: tg.take_along_dim(x, tg.tensor([1, 1, 0])), [(2, 3)], [(2,)], [(4, 1)])
register("Tensor.put", lambda x, s: x.put(tg.tensor([1, 0]), s), [(2, 3), (2,)], [(3,), (1, 2)], [(2,), (2,)])
register("Tensor.put(accumulate)", lambda x, s: x.put(tg.tensor([0, 0, -1]), s, accumulate=True),
         [(2, 3), (3,)], [(3,), (1, 3)], [(1,), (3,)])
register("tg.put", lambda x, s: tg.put(x, tg.tensor([1]), s), [(2, 3), (1,)], [(3,), ()], [(2, 2), (1, 1)])
register("Tensor.put_", lambda x, s: (x * 1).put_(tg.tensor([2, 0]), s, accumulate=True) * x,
         [(2, 3), (2,)], [(3,), (1, 2)], [(3,), (2,)])

register("Tensor.squeeze_", lambda x: (x * 1).squeeze_() * 2, [(3, 1)], [(1,)], [(1, 2, 1)])
register("Tensor.squeeze_(dim)", lambda x: (x * 1).squeeze_(0) * 2, [(1, 3)], [(2,)], [()])
register("Tensor.unsqueeze_", lambda x: (x * 1).unsqueeze_(-1) @ tg.ones(1, 2, dtype=tg.float64),
         [(3,)], [(2, 3)], [()])
register("Tensor.transpose_", lambda x: (x * 1).transpose_(0, -1) * 2, [(2, 3)], [(3,)], [(2, 1, 3)])
register("Tensor.t_", lambda x: (x * 1).t_() * 2, [(2, 3)], [(3,)], [()])

not_differentiable(
    "values found by comparing, or counted: their shape depends on the values, and they hold no "
    "differentiable numbers (integer positions and counts)",
    "Tensor.nonzero", "Tensor.argwhere", "Tensor.count_nonzero", "Tensor.unique", "Tensor.unique_consecutive",
    "Tensor.bincount", "Tensor.histc", "tg.nonzero", "tg.argwhere", "tg.count_nonzero", "tg.unique",
    "tg.unique_consecutive", "tg.bincount", "tg.histc", "tg.bucketize", "tg.searchsorted", "tg.tril_indices",
    "tg.triu_indices",
)
not_differentiable(
    "memory attributes, thread settings and cutting a tensor off the graph: no numbers to differentiate",
    "Tensor.ndimension", "Tensor.element_size", "Tensor.stride", "Tensor.storage_offset", "Tensor.data_ptr",
    "Tensor.detach_", "tg.set_num_threads", "tg.get_num_threads",
)
