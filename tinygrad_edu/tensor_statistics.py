"""More of PyTorch's Tensor methods that summarise values along a dim, each composed from the ops
of tensor.py (so differentiable with no backward formula of its own):

    scans       cumprod, cummax, cummin, logcumsumexp, diff
    reductions  median, nanmedian, mode, quantile, nanquantile, nanmean, nansum, aminmax, cov,
                corrcoef

`Tensor` inherits them from `StatisticsMethods`; tensor.py fills in `Tensor` and `_ops` once they
exist (as for tensor_math.py).
"""
from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from . import errors as _errors
from .autograd.grad_mode import _state as _grad_state

Tensor = _ops = None  # set by tensor.py


# ---- named tuples, with PyTorch's names (torch.return_types.cummax, ...) -------------------------
class cummax(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class cummin(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class median(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class nanmedian(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class mode(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class aminmax(NamedTuple):
    min: "Tensor"
    max: "Tensor"


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class StatisticsMethods:
    """Scans and order statistics (mixed into `Tensor`)."""

    # ---- scans -------------------------------------------------------------------------------
    def cumprod(self, dim: int, *, dtype=None) -> "Tensor":
        """Running product along `dim`: out[i] = x[0]·...·x[i]; integers multiply in int64. The
        gradient is exact also where x has zeros (as PyTorch's)."""
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind in "biu":
            x = x.to(np.int64)
        if not x.ndim:
            _ops.normalize_dim(dim, 0, "cumprod")
            return x.clone()
        axis = _ops.normalize_dim(dim, x.ndim, "cumprod")
        if not (x.requires_grad and _grad_state.enabled) and _grad_state.batching is None:
            return Tensor._make(np.cumprod(x.data, axis=axis), None, False)  # nothing to record
        # row i of an (n, n) stack is x with the entries after i replaced by 1; Prod multiplies
        # each row, and Prod's gradient (the product of the others) is exact where x has zeros
        n = x.shape[axis]
        moved = x.movedim(axis, -1)
        after = Tensor._make(np.triu(np.ones((n, n), dtype=bool), 1), None, False)
        rows = _ops.where(after, 1.0, moved.unsqueeze(-2))
        return _ops.Prod.apply(rows, (rows.ndim - 1,), False).movedim(-1, axis)

    def cummax(self, dim: int):
        """The running maximum along `dim` and where it was found: the named tuple
        (values, indices); a tie moves the index to the later element, NaN wins, as in PyTorch."""
        return self._cumulative_best(dim, cummax, np.maximum)

    def cummin(self, dim: int):
        """The running minimum along `dim` and where it was found (see cummax)."""
        return self._cumulative_best(dim, cummin, np.minimum)

    def _cumulative_best(self, dim: int, result: type, best):
        if not self.ndim:
            return _of_a_number(self, dim, result)
        axis = _ops.normalize_dim(dim, self.ndim, result.__name__)
        data = self.data
        running = best.accumulate(data, axis=axis) if data.size else data
        new_best = data == running
        if data.dtype.kind == "f":
            new_best |= np.isnan(data)
        places = np.arange(self.shape[axis]).reshape((-1,) + (1,) * (self.ndim - axis - 1))
        indices = np.maximum.accumulate(np.where(new_best, places, 0), axis=axis) if data.size else \
            np.zeros(self.shape, np.int64)
        indices = Tensor._make(indices.astype(np.int64), None, False)
        return result(self.gather(axis, indices), indices)

    def logcumsumexp(self, dim: int) -> "Tensor":
        """log(Σ_{j≤i} exp(x_j)) along `dim`, without overflow or underflow: a scan of pairwise
        log-add-exps over doubling distances (Hillis and Steele, "Data parallel algorithms", 1986)."""
        _ops.normalize_dim(dim, max(self.ndim, 1), "logcumsumexp")  # (the dim is checked first, as in PyTorch)
        if self.data.dtype.kind != "f":
            raise _errors.NotImplementedForDtype(f"logcumsumexp: not implemented for dtype {self.dtype} "
                                                 f"(as in PyTorch); convert first, e.g. t.double()")
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "logcumsumexp")
            return self.clone()
        axis = _ops.normalize_dim(dim, self.ndim, "logcumsumexp")
        out, n, step = self.movedim(axis, -1), self.shape[axis], 1
        while step < n:
            out = _ops.Cat.apply(out.ndim - 1, out[..., :step], _log_add_exp(out[..., step:], out[..., :-step]))
            step *= 2
        return out.movedim(-1, axis).contiguous() if n > 1 else out.movedim(-1, axis).clone()  # (laid out in order)

    def diff(self, n: int = 1, dim: int = -1, prepend=None, append=None) -> "Tensor":
        """The n-th forward difference along `dim`: out[i] = x[i+1] - x[i] (repeated n times),
        after joining `prepend` and `append` on either side; bools give x[i+1] != x[i]."""
        if self.ndim == 0:
            raise RuntimeError("diff: expects a tensor with at least 1 dim, got a 0-d tensor")
        if n < 0:
            raise RuntimeError(f"diff: the order n must be non-negative, got {n}")
        axis = _ops.normalize_dim(dim, self.ndim, "diff")
        parts = []
        for name, extra in (("prepend", prepend), (None, self), ("append", append)):
            if extra is None:
                continue
            extra = extra if isinstance(extra, Tensor) else Tensor(extra)
            if extra.ndim != self.ndim:
                raise RuntimeError(f"diff: {name} must have the same number of dims as the input, got "
                                   f"shapes {extra.shape} and {self.shape}")
            parts.append(extra)
        if n == 0:  # (as PyTorch: prepend and append are checked, then left out of a copy of the input)
            return self.clone()
        from .functions import cat

        x = cat(parts, axis) if len(parts) > 1 else self
        lead = (slice(None),) * axis
        for _ in range(n):
            later, earlier = x[lead + (slice(1, None),)], x[lead + (slice(None, -1),)]
            x = later != earlier if x.data.dtype.kind == "b" else later - earlier
        return x

    # ---- order statistics and reductions -----------------------------------------------------
    def median(self, dim: int | None = None, keepdim: bool = False):
        """No dim: the lower median of all the values (NaN if there is one). With dim: the named
        tuple (values, indices) along `dim`. The gradient goes to the element picked."""
        return self._middle(dim, keepdim, median, ignore_nan=False)

    def nanmedian(self, dim: int | None = None, keepdim: bool = False):
        """`median` of the values that are not NaN (NaN only where all are)."""
        return self._middle(dim, keepdim, nanmedian, ignore_nan=True)

    def _middle(self, dim, keepdim: bool, result: type, ignore_nan: bool):
        if dim is None:
            flat = self.reshape(-1)
            if not flat.shape[0]:
                # NaN in the tensor's own dtype, as PyTorch: for integers and bools that is NaN cast
                # to them by the CPU (the smallest int64/int32 on x86, 0 for smaller ints, True)
                with np.errstate(invalid="ignore"):
                    nan = Tensor._make(np.asarray(np.nan).astype(self.data.dtype), None, False)
                return flat.sum() + nan if flat.requires_grad else nan  # (connected to self, as PyTorch's)
            index = _median_positions(flat.data, 0, ignore_nan)
            picked = flat[index.reshape(1)].reshape(())
            return _spread_over_ties(flat, picked) if flat.requires_grad else picked
        if not self.ndim:
            return _of_a_number(self, dim, result)
        op = result.__name__
        axis = _ops.normalize_dim(dim, self.ndim, op)
        if not self.shape[axis]:
            raise IndexError(f"{op}: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        indices = Tensor._make(_median_positions(self.data, axis, ignore_nan), None, False)
        values = self.gather(axis, indices)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return result(values, indices)

    def mode(self, dim: int = -1, keepdim: bool = False):
        """The most frequent value along `dim` (the smallest of equally frequent ones) and the
        index of its last occurrence: the named tuple (values, indices)."""
        if not self.ndim:
            return _of_a_number(self, dim, mode)
        axis = _ops.normalize_dim(dim, self.ndim, "mode")
        if not self.shape[axis]:
            raise IndexError(f"mode: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        rows = np.moveaxis(self.data, axis, -1)
        counts = (rows[..., :, None] == rows[..., None, :]).sum(-1)  # how often each entry's value occurs
        frequent = counts == counts.max(-1, keepdims=True)
        if rows.dtype.kind == "f":
            value = np.where(frequent, rows, np.inf).min(-1, keepdims=True)
        else:
            fill = rows.max() if rows.size else 0  # (no rows at all: an empty result, nothing to fill)
            value = np.where(frequent, rows, fill).min(-1, keepdims=True)
        n = rows.shape[-1]
        last = n - 1 - np.argmax((rows == value)[..., ::-1], axis=-1)
        indices = Tensor._make(np.expand_dims(last.astype(np.int64), axis), None, False)
        values = self.gather(axis, indices)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return mode(values, indices)

    def quantile(self, q, dim: int | None = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> "Tensor":
        """The q-th quantiles along `dim` (all values when None): for a sorted row v of n values,
        rank r = q·(n - 1) and, linearly, v[⌊r⌋] + (r - ⌊r⌋)·(v[⌈r⌉] - v[⌊r⌋]). A 1-D tensor q gives
        the quantiles along a new first dim. NaN in a row makes its quantiles NaN."""
        return self._quantile(q, dim, keepdim, interpolation, "quantile", ignore_nan=False)

    def nanquantile(self, q, dim: int | None = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> "Tensor":
        """`quantile` of the values that are not NaN."""
        return self._quantile(q, dim, keepdim, interpolation, "nanquantile", ignore_nan=True)

    def _quantile(self, q, dim, keepdim: bool, interpolation: str, op: str, ignore_nan: bool) -> "Tensor":
        if self.data.dtype.kind != "f":
            raise RuntimeError(f"{op}: the input must be a float tensor, got dtype {self.dtype}")
        if interpolation not in _INTERPOLATIONS:
            raise RuntimeError(f"{op}: interpolation must be one of {', '.join(_INTERPOLATIONS)}; "
                               f"got {interpolation!r}")
        if isinstance(q, Tensor):
            if q.ndim > 1:
                raise RuntimeError(f"{op}: q must be a number or a 1-D tensor, got shape {q.shape}")
            if q.dtype != self.dtype:
                raise RuntimeError(f"{op}: q must have the input's dtype {self.dtype}, got {q.dtype}")
            qs, many = q.data.reshape(-1).astype(np.float64), q.ndim == 1
        else:
            qs, many = np.asarray([float(q)]), False
        if ((qs < 0) | (qs > 1) | np.isnan(qs)).any():
            raise RuntimeError(f"{op}: q must be in the range [0, 1], got {qs.tolist() if many else qs[0]}")
        if self.data.size == 0:
            raise RuntimeError(f"{op}: the input must be non-empty, got shape {self.shape}")
        if dim is None or not self.ndim:
            if dim is not None:
                _ops.normalize_dim(dim, 0, op)
            rows, kept = self.reshape(1, -1), (1,) * self.ndim
        else:
            axis = _ops.normalize_dim(dim, self.ndim, op)
            rows = self.movedim(axis, -1)
            kept = self.shape[:axis] + (1,) + self.shape[axis + 1:]
        n = rows.shape[-1]
        ordered = rows.sort(-1).values  # NaN last
        nans = np.isnan(rows.data).sum(-1, keepdims=True)
        if ignore_nan:
            ranks = qs * np.maximum(n - nans - 1, 0)
            ranks = np.where(nans == n, n - 1, ranks)  # all NaN: the result is NaN
        else:
            ranks = np.where(nans > 0, n - 1, qs * (n - 1))
        below, above = np.floor(ranks), np.ceil(ranks)
        if interpolation == "lower":
            above = below
        elif interpolation == "higher":
            below = above
        elif interpolation == "nearest":
            below = above = np.round(ranks)  # (halves to even, as PyTorch's round)
        weights = np.full(ranks.shape, 0.5) if interpolation == "midpoint" else ranks - below
        low = ordered.gather(-1, below.astype(np.int64))
        if interpolation in ("lower", "higher", "nearest"):
            out = low  # one value is picked: no arithmetic, so an inf stays inf (inf - inf would be nan)
        else:
            high = ordered.gather(-1, above.astype(np.int64))
            # PyTorch's lerp: from the nearer end, so that an infinite end gives ±inf, not inf - inf = nan
            w = weights.astype(self.data.dtype)
            with np.errstate(invalid="ignore"):  # (the side not taken may be inf - inf)
                from_low = low + (high - low) * Tensor._make(w, None, False)
                from_high = high - (high - low) * Tensor._make(1 - w, None, False)
                out = _ops.where(Tensor._make(w < 0.5, None, False), from_low, from_high)
        if dim is None or not self.ndim:
            out = out.reshape((len(qs),) + (kept if keepdim else ()))
        else:
            out = (out.unsqueeze(axis) if keepdim else out).movedim(-1, 0)
        return out if many else out.squeeze(0)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """The mean of the values that are not NaN (NaN where there are none)."""
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind != "f":
            raise _errors.ArgumentDtypeError(f"nanmean: needs a floating point tensor, got dtype {x.dtype}")
        axes = _ops.normalize_dims(dim, x.ndim, "nanmean")
        present = ~x.isnan()
        with np.errstate(invalid="ignore"):  # no values at all: 0 / 0 = nan, as PyTorch, without a warning
            return x.nansum(axes, keepdim) / present.sum(axes, keepdim)

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """The sum of the values that are not NaN (NaN counts as 0)."""
        x = self if dtype is None else self.to(dtype)
        axes = _ops.normalize_dims(dim, x.ndim, "nansum")
        if x.data.dtype.kind == "f":
            x = _ops.where(x.isnan(), 0.0, x)
        return x.sum(axes, keepdim)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False):
        """The named tuple (min, max) of `amin` and `amax` (ties share the gradient)."""
        if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool)):
            raise TypeError(f"aminmax: dim must be an int or None, got {dim!r}")
        if self.data.size == 0 and (dim is None or not self.ndim or
                                    not self.shape[_ops.normalize_dim(dim, self.ndim, "aminmax")]):
            raise _errors.EmptyReductionError(f"aminmax: cannot reduce the empty tensor of shape {self.shape} "
                                              f"(it has no smallest or largest element)")
        if dim is None:
            low, high = self.amin(None), self.amax(None)
            if keepdim:
                low, high = low.reshape((1,) * self.ndim), high.reshape((1,) * self.ndim)
            return aminmax(low, high)
        return aminmax(self.amin(dim, keepdim), self.amax(dim, keepdim))

    def cov(self, *, correction: int = 1, fweights=None, aweights=None) -> "Tensor":
        """The covariance matrix of the variables in the rows (observations in the columns):
        Σ_k w_k (x_ik - x̄_i)(x_jk - x̄_j) / (Σ w - correction); a single variable gives a 0-d tensor.
        `fweights` (integer counts) and `aweights` (float importances) weigh the observations."""
        if self.ndim > 2:
            raise RuntimeError(f"cov: expects a tensor with at most 2 dims, got shape {self.shape}")
        x = (self if self.ndim == 2 else self.reshape(1, -1))._as_float()
        observations = x.shape[1]
        weights = _observation_weights(fweights, aweights, observations, x.dtype)
        if weights is None:
            total = observations
            mean = x.mean(1, keepdim=True)
            divisor = total - correction
        else:
            total = weights.sum()
            if total.item() == 0:  # (as PyTorch: a weighted mean over no weight is undefined)
                raise RuntimeError(f"cov: the observation weights sum to zero (fweights={fweights}, "
                                   f"aweights={aweights}), so they cannot be normalized")
            mean = (x * weights).sum(1, keepdim=True) / total
            if correction == 0:
                divisor = total
            elif aweights is None:
                divisor = total - correction
            else:
                divisor = total - correction * (weights * _tensor_of(aweights, x.dtype)).sum() / total
        if float(divisor if isinstance(divisor, (int, float)) else divisor.item()) <= 0:
            warnings.warn("cov: the degrees of freedom are <= 0 (too few observations for this correction)",
                          UserWarning, stacklevel=2)
            # +0 (as PyTorch's zero_()), never -0: a positive sum over it is +inf, whatever the sign of the dof
            divisor = divisor.clamp(min=0.0) if isinstance(divisor, Tensor) else 0.0
        centered = x - mean
        weighted = centered if weights is None else centered * weights
        return (centered.matmul(weighted.transpose(0, 1)) / divisor).squeeze()

    def corrcoef(self) -> "Tensor":
        """Pearson's correlation coefficients of the variables in the rows: cov[i, j] divided by
        √(cov[i, i]·cov[j, j]), clipped to [-1, 1]."""
        c = self.cov()
        if c.ndim == 0:
            return c / c
        spread = c.diagonal().sqrt()
        return (c / spread.unsqueeze(1) / spread.unsqueeze(0)).clamp(-1.0, 1.0)


# ---- helpers ---------------------------------------------------------------------------------
def _of_a_number(x: "Tensor", dim: int, result: type):
    """(values, indices) of a 0-d tensor along its only dim (0 or -1), as PyTorch: a copy of
    itself, at index 0."""
    _ops.normalize_dim(dim, 0, result.__name__)
    return result(x.clone(), Tensor._make(np.zeros((), np.int64), None, False))


def _log_add_exp(a: "Tensor", b: "Tensor") -> "Tensor":
    """log(exp(a) + exp(b)), as tg.logaddexp computes it (tensor_pointwise.py): exact derivatives
    also where a = b, and the infinities as PyTorch."""
    from .tensor_pointwise import _log_add

    return _log_add(a, b, lambda d: d.exp().log1p())


def _spread_over_ties(flat: "Tensor", picked: "Tensor") -> "Tensor":
    """The median of all elements with PyTorch's gradient: shared evenly by every element equal to
    it (every nan, if it is nan), not given to the one picked. The value stays the element's
    own: picked + (S - S) with S the tied elements' weighted sum, which is exactly 0 (for a
    finite value; an infinite or nan one is the mean of its equal copies, exact too)."""
    value = picked.data
    ties = np.flatnonzero(np.isnan(flat.data) if np.isnan(value) else flat.data == value)
    tied = flat[Tensor._make(ties, None, False)]
    if not np.isfinite(value):
        return tied.mean()
    share = tied.sum() / len(ties)
    return picked.detach() + (share - share.detach())


def _median_positions(data: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """For each row along `axis`, the index of the lower median (kept as a size-1 dim): element
    (k - 1) // 2 of the k values in stable sorted order; without `ignore_nan` a row with a NaN
    gives the index of its first NaN."""
    order = np.argsort(data, axis=axis, kind="stable")  # NaN last
    nans = np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
    count = data.shape[axis] - nans.sum(axis, keepdims=True) if ignore_nan else np.full(
        np.sum(nans, axis, keepdims=True).shape, data.shape[axis])
    middle = np.maximum(count - 1, 0) // 2
    index = np.take_along_axis(order, middle, axis)
    if not ignore_nan:
        index = np.where(nans.any(axis, keepdims=True), np.argmax(nans, axis, keepdims=True), index)
    return index.astype(np.int64)


def _tensor_of(values, dtype) -> "Tensor":
    values = values if isinstance(values, Tensor) else Tensor(values)
    return values.to(dtype)


def _observation_weights(fweights, aweights, observations: int, dtype):
    """cov's per-observation weights fweights·aweights (None when neither is given), checked."""
    weights = None
    for name, given, kind in (("fweights", fweights, "iu"), ("aweights", aweights, "f")):
        if given is None:
            continue
        given = given if isinstance(given, Tensor) else Tensor(given)
        if given.ndim > 1:
            raise RuntimeError(f"cov: {name} must be a scalar or 1-D tensor, got shape {given.shape}")
        if given.numel() != observations:
            raise RuntimeError(f"cov: {name} must have one weight per observation ({observations}), "
                               f"got {given.numel()}")
        if given.data.dtype.kind not in kind:
            raise RuntimeError(f"cov: {name} must be {'integral' if kind == 'iu' else 'floating point'}, "
                               f"got dtype {given.dtype}")
        if (given.data < 0).any():
            raise RuntimeError(f"cov: {name} cannot be negative, got {given.tolist()}")
        given = given.reshape(-1).to(dtype)
        weights = given if weights is None else weights * given
    return weights
