"""Registry entries for functions_numeric.py, functions_calculus.py, functions_deprecated.py,
functions_memory.py, histograms.py and tensor_numeric.py: all composed from existing ops (indexing,
cumprod, cat, slices, scatter_reduce, sign), so these check the compositions, to second order.

Inputs keep away from the places where a gradient jumps: coordinates for `gradient` are running
sums of positive steps (distinct and increasing), amax/amin of `index_reduce` get distinct values
(no ties), and `angle` is multiplied by x (its own gradient is 0, which this checks, too)."""
import warnings

import numpy as np

import tinygrad_edu as tg

from . import distinct, not_differentiable, positive, register

# ---- functions_numeric.py ------------------------------------------------------------------------
register("tg.combinations", lambda x: tg.combinations(x, 2), [(4,)], [(2,)], [(1,)])
register("tg.combinations(r=3, with_replacement)", lambda x: tg.combinations(x, 3, with_replacement=True),
         [(3,)], [(2,)], [(1,)])
register("tg.vander", lambda x: tg.vander(x), [(3,)], [(2,)], [(4,)])
register("tg.vander(N, increasing)", lambda x: tg.vander(x, N=4, increasing=True) * 2, [(3,)], [(1,)], [(2,)])
register("tg.angle", lambda x: tg.angle(x) * x, [distinct(3)], [distinct(2, 3)], [distinct()])
register("Tensor.angle", lambda x: x.angle() + x, [distinct(3)], [distinct(2, 3)], [distinct()])


def _positions(length: int, count: int) -> tg.Tensor:
    """count positions in [0, length), repeating (so that several slices meet in one place)."""
    return tg.tensor([(count - 1 - i) % length for i in range(count)])


INDEX_REDUCE_CASES = ([distinct(3, 4), distinct(5, 4)], [distinct(2, 3), distinct(2, 3)],
                      [distinct(4), distinct(6)], [distinct(2, 1, 2), distinct(3, 1, 2)])
for reduce in ("prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        register(f"Tensor.index_reduce({reduce}, include_self={include_self})",
                 lambda x, s, r=reduce, i=include_self: x.index_reduce(
                     0, _positions(x.shape[0], s.shape[0]), s, r, include_self=i), *INDEX_REDUCE_CASES)
register("Tensor.index_reduce", lambda x, s: x.index_reduce(
    -1, _positions(x.shape[-1] if x.ndim else 1, s.shape[-1] if s.ndim else 1), s, "mean"),
    [(3, 4), (3, 6)], [(2, 2), (2, 5)], [(), ()])
register("tg.index_reduce", lambda x, s: tg.index_reduce(x, 0, _positions(x.shape[0], s.shape[0]), s, "prod"),
         [(3, 4), (5, 4)], [(2,), (4,)], [(1, 1), (1, 1)])
register("Tensor.index_reduce_", lambda x, s: (x * 1).index_reduce_(
    0, _positions(x.shape[0], s.shape[0]), s, "amax") * 2, [distinct(3, 4), distinct(5, 4)],
    [distinct(2,), distinct(4,)], [distinct(1, 2), distinct(3, 2)])

# ---- functions_calculus.py -------------------------------------------------------------------------
register("tg.trapezoid", lambda y: (tg.trapezoid(y), tg.trapezoid(y, dx=0.5, dim=0)), [(5,)], [(3, 4)], [(2, 3, 1)])
register("tg.trapezoid(x)", lambda y, x: tg.trapezoid(y, x), [(3, 4), (4,)], [(2, 3, 4), (3, 4)], [(4,), (4,)])
register("tg.trapz", lambda y, x: tg.trapz(y, x) + tg.trapz(y, dx=2.0), [(3, 4), (4,)], [(2, 3, 4), (1, 4)],
         [(2,), (2,)])
register("tg.cumulative_trapezoid", lambda y: tg.cumulative_trapezoid(y, dx=0.3), [(5,)], [(3, 4)], [(2, 3, 2)])
register("tg.cumulative_trapezoid(x)", lambda y, x: tg.cumulative_trapezoid(y, x, dim=-1),
         [(3, 4), (4,)], [(2, 3, 4), (3, 4)], [(2,), (2,)])
register("tg.gradient", lambda t: tg.gradient(t), [(4,)], [(3, 4)], [(2, 3, 2)])
register("tg.gradient(spacing, edge_order=2)", lambda t: tg.gradient(t, spacing=[0.5, 2.0], edge_order=2),
         [(3, 4)], [(5, 3)], [(3, 3)])
register("tg.gradient(coordinates)",
         lambda t, steps: tg.gradient(t, spacing=[steps.cumsum(0)], dim=-1, edge_order=2),
         [(4,), positive(4)], [(3, 5), positive(5)], [(2, 3), positive(3)])
register("tg.gradient(coordinates, edge_order=1)",
         lambda t, steps: tg.gradient(t, spacing=(steps.cumsum(0),), dim=0),
         [(4,), positive(4)], [(3, 5), positive(3)], [(2, 3), positive(2)])

# ---- functions_deprecated.py ---------------------------------------------------------------------
def _chain_matmul(*matrices):
    with warnings.catch_warnings():  # (it warns that it is deprecated, as PyTorch's)
        warnings.simplefilter("ignore")
        return tg.chain_matmul(*matrices)


register("tg.chain_matmul", _chain_matmul,
         [(2, 3), (3, 4), (4, 2)], [(1, 1), (1, 3), (3, 1)], [(3, 2), (2, 2), (2, 5)])


# ---- functions_memory.py -------------------------------------------------------------------------
def _gapped(shape: tuple) -> tuple:
    """Strides of a row-major layout of `shape` with the outer strides doubled: windows with gaps."""
    strides = [int(np.prod(shape[d + 1:])) for d in range(len(shape))]
    return tuple(s * 2 if d < len(shape) - 1 else s for d, s in enumerate(strides))


register("tg.as_strided_scatter", lambda x, s: tg.as_strided_scatter(x, s, s.shape, _gapped(s.shape), 1),
         [(3, 3), (2, 2)], [(2, 4), (3,)], [(5,), ()], [(2, 3, 2), (2, 1, 2)])
register("Tensor.as_strided_scatter",  # a transposed input: its storage order is not its row-major order
         lambda x, s: x.t().as_strided_scatter(s, s.shape, _gapped(s.shape), 0),
         [(3, 3), (2, 2)], [(2, 4), (3,)], [(4, 1), ()])
register("Tensor.as_strided_scatter(view of a larger tensor)",  # writes may land outside the view
         lambda x, s: x[1:].as_strided_scatter(s, (2,), (3,), 0) * 2, [(3, 3), (2,)], [(4, 2), (2,)], [(7,), (2,)])

not_differentiable(
    "integer, bool or constant results: indices, membership, counts, new memory, answers about memory",
    "tg.range", "tg.isin", "tg.unravel_index", "tg.nonzero_static", "Tensor.nonzero_static", "tg.histogram",
    "tg.histogramdd", "Tensor.histogram", "tg.empty_strided", "tg.empty_permuted", "tg.frombuffer",
    "tg.is_storage", "tg.set_flush_denormal", "Tensor.dim_order",
)
