"""Differential fuzz of `tinygrad_edu.distributions` against `torch.distributions`.

Each case draws a distribution and valid parameters (`distributions_cases.py`: both
parametrisations where there are two, parameters of shapes that broadcast to the batch shape,
some given as Python numbers), `validate_args` True or False, and builds it in both libraries in
float64. Compared (values to rtol 1e-7, gradients to 1e-6, exception types where either raises):

- batch_shape, event_shape, has_rsample, has_enumerate_support, the support and the parameters'
  constraints (their reprs), `repr` of the distribution;
- mean, mode, variance, stddev, entropy(), perplexity(), and their gradients by the parameters;
- log_prob / cdf at a sample, at the support's edge and outside it (integers where discrete,
  also a non-integer), and icdf at quantiles in [0, 1]; their gradients by the parameters and the
  value, and on a third of the cases second derivatives of log_prob and entropy;
- expand(...) (a valid and an invalid batch shape), enumerate_support(expand=True/False);
- kl_divergence with another drawn distribution (mostly a pair PyTorch registers, sometimes
  any pair: then both must raise NotImplementedError) and its gradients by both parameter sets;
- construction with a broken parameter under validate_args=True (both must raise ValueError);
- samples: only their shapes, dtypes and (ours) that they lie in the support, since the random
  numbers differ by design; `rsample` only through `has_rsample` and shapes.

    python -m tests.fuzz.distributions_fuzz --examples 2000 --seed 1
    python -m tests.fuzz.distributions_fuzz --seed 1 --only Wishart --show 17

Differences are grouped by (distribution, check, what differed); each kind prints one
reproducer (seed and case index). `KNOWN` lists the deliberate differences (each a row of
docs/from-pytorch.md) that are not reported.
"""
from __future__ import annotations

import argparse
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.distributions as tg_dist

from .distributions_cases import GENERATORS, Case, draw_case

RTOL, ATOL = 1e-7, 1e-9
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8
# approximations on one side or both: series and continued fractions of the incomplete gamma /
# beta functions, the modified Bessel functions of VonMises
LOOSE = {"VonMises": 1e-5, "StudentT": 1e-6}


@dataclass(frozen=True)
class KnownDist:
    """A deliberate difference, not reported (each mirrors a row of docs/from-pytorch.md)."""
    match: Callable[[str, str, str, str], bool]   # (distribution label, check, category, detail) -> is it?
    reason: str


def _when(dist: str | tuple, check: str, category: str = "", detail: str = ""):
    """A matcher: the distribution label starts with `dist` (or with one of them), the check starts
    with `check`, the category and the detail contain the given texts."""
    names = (dist,) if isinstance(dist, str) else dist
    return lambda label, chk, cat, det: (label.startswith(names) and chk.startswith(check) and category in cat
                                         and detail in det)


KNOWN: list[KnownDist] = [
    KnownDist(_when("ContinuousBernoulli", ("mean grad", "variance grad", "stddev grad"), "value"),
              "ContinuousBernoulli's moments just outside lims (λ within ~0.01 of 1/2): the exact formula "
              "(the same in both libraries) subtracts two numbers of about 1/(1 - 2λ)², so the rounding of "
              "each library's backward steps shows in the 4th digit of the gradient"),
    KnownDist(_when("Kumaraswamy", "mode"),
              "Kumaraswamy.mode: PyTorch 2.13's formula gives nan for every a, b; here ((a - 1)/(ab - 1))^(1/a) "
              "(docs/distributions.md, docs/from-pytorch.md)"),
    KnownDist(_when("Gumbel", "icdf"),
              "Gumbel.icdf(0) and icdf(1): PyTorch's Gumbel transforms Uniform(tiny, 1 - eps), so it gives "
              "finite numbers (about loc - 6.6 scale, loc + 36 scale); here -inf and inf, the quantiles "
              "(docs/from-pytorch.md)"),
    KnownDist(_when("Gumbel", "cdf@", "no error", "Interval(lower_bound"),
              "Gumbel.cdf with validate_args at x where the cdf rounds to 0 or 1 (e.g. 60 scales from loc): "
              "PyTorch's check of its Uniform(tiny, 1 - eps) base refuses the real x; here the cdf (1.0) "
              "(docs/from-pytorch.md)"),
    KnownDist(_when(("Categorical", "OneHotCategorical"), "log_prob@outside", "exception type", "IndexError"),
              "Categorical.log_prob of an index out of range with validate_args=False: PyTorch's gather "
              "raises RuntimeError, here IndexError naming the index (as every indexing error here)"),
    KnownDist(_when("kl(", "kl", "no error", "The shape of the mask"),
              "kl_divergence(Uniform, Gamma/...) where q's batch is larger than p's: PyTorch 2.13 writes inf "
              "through a mask of p's shape into a result of the broadcast shape and raises IndexError; here "
              "the mask is broadcast (docs/from-pytorch.md)"),
    KnownDist(_when("TransformedDistribution[power]", "cdf@edge grad", "nan/inf", "torch np.float64(nan)"),
              "the gradient of a ** b by b at a = 0 (PowerTransform at the support's edge): PyTorch's "
              "0·log 0 = nan, here the masked gradient is selected (docs/from-pytorch.md, the pow rows)"),
    KnownDist(_when("Wishart", "repr", "value", "ExpandBackward"),
              "Tensor.expand to the tensor's own shape returns the tensor itself here, a view with "
              "grad_fn=ExpandBackward in PyTorch: Wishart's repr shows its df with requires_grad=True instead"),
]


def _is_known(label: str, check: str, category: str, detail: str) -> str | None:
    for k in KNOWN:
        if k.match(label, check, category, detail):
            return k.reason
    return None


# ----------------------------------------------------------------------------- the two sides

class Side:
    """One library: its tensor constructor, distributions module and grad function."""

    def __init__(self, name: str, torch=None) -> None:
        self.name = name
        self.torch = torch
        self.dist = torch.distributions if torch is not None else tg_dist

    def tensor(self, a, requires_grad=False):
        if self.torch is not None:
            return self.torch.tensor(np.asarray(a), requires_grad=requires_grad)
        return tg.tensor(np.asarray(a), requires_grad=requires_grad)

    def grad(self, out, inputs, create_graph=False):
        if self.torch is not None:
            return self.torch.autograd.grad(out, inputs, allow_unused=True, create_graph=create_graph)
        return tg.grad(out, inputs, allow_unused=True, create_graph=create_graph)

    def numpy(self, t) -> np.ndarray:
        return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)

    def is_tensor(self, x) -> bool:
        return isinstance(x, self.torch.Tensor) if self.torch is not None else isinstance(x, tg.Tensor)

    def where(self, mask, a):
        m = self.tensor(mask)
        if self.torch is not None:
            return self.torch.where(m, a, self.torch.zeros_like(a))
        return tg.where(m, a, tg.zeros_like(a))


_NO_GRAD = {"total_count", "dim"}


def make_params(side: Side, case: Case, params: dict | None = None) -> tuple[dict, list]:
    """The case's parameters as the side's tensors; and the list of those that require grad."""
    tensors, diff = {}, []
    for name, value in (params or case.params).items():
        if isinstance(value, (int, float)):
            tensors[name] = value
            continue
        t = side.tensor(np.asarray(value, dtype=np.float64), requires_grad=name not in _NO_GRAD)
        tensors[name] = t
        if name not in _NO_GRAD:
            diff.append((name, t))
    return tensors, diff


def build(side: Side, case: Case, validate: bool, params: dict | None = None):
    tensors, diff = make_params(side, case, params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return case.build(side.dist, tensors, validate), diff


# ----------------------------------------------------------------------------- outcomes

@dataclass
class Raised:
    type: str
    message: str
    bases: tuple = ()   # the names of its exception classes (type(e).__mro__)

    def matches(self, other: "Raised") -> bool:
        """The same kind of error: one's type is among the other's classes (tg.ShapeError is a
        RuntimeError, torch's _LinAlgError is one too)."""
        return self.type in other.bases or other.type in self.bases


def _dtype_name(dtype) -> str:
    return str(dtype).replace("torch.", "")


def normalise(side: Side, value):
    """A library-independent form of a result: arrays with dtype, strings, tuples."""
    if side.is_tensor(value):
        return ("tensor", _dtype_name(value.dtype), side.numpy(value).astype(np.float64)
                if value.dtype != (side.torch.bool if side.torch else np.bool_) else side.numpy(value))
    if isinstance(value, (tuple, list)) and not isinstance(value, str):
        return tuple(int(v) if isinstance(v, (int, np.integer)) else normalise(side, v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return _normalise_text(value)
    return value


def _normalise_text(text: str) -> str:
    """torch.Size([2, 3]) -> (2, 3); torch.Size([]) -> (); torch.Size([2]) -> (2,)."""
    def size(m):
        inner = m.group(1).strip()
        if not inner:
            return "()"
        return f"({inner},)" if "," not in inner else f"({inner})"
    return re.sub(r"torch\.Size\(\[([^\]]*)\]\)", size, text)


def outcome(side: Side, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return normalise(side, fn())
    except Exception as e:  # noqa: BLE001 (the exception is what is compared)
        bases = tuple(c.__name__ for c in type(e).__mro__ if c not in (Exception, BaseException, object))
        return Raised(type(e).__name__, str(e)[:300], bases)


# ----------------------------------------------------------------------------- comparison

def compare_values(a, b, rtol=RTOL, atol=ATOL) -> list[tuple[str, str]]:
    """(category, detail) of each way ours `a` differs from torch's `b`."""
    if isinstance(a, Raised) or isinstance(b, Raised):
        if isinstance(a, Raised) and isinstance(b, Raised):
            return [] if a.matches(b) else [("exception type", f"tg {a.type} vs torch {b.type}: {a.message[:120]}"
                                                 f" | {b.message[:120]}")]
        if isinstance(a, Raised):
            return [("raises", f"tg {a.type}: {a.message[:160]}")]
        return [("no error", f"torch {b.type}: {b.message[:160]}")]
    if isinstance(a, tuple) and a[:1] == ("tensor",) and isinstance(b, tuple) and b[:1] == ("tensor",):
        return _compare_arrays(a, b, rtol, atol)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return [d for x, y in zip(a, b) for d in compare_values(x, y, rtol, atol)]
    if a != b:
        return [("value", f"tg {a!r} vs torch {b!r}"[:300])]
    return []


def _compare_arrays(a, b, rtol, atol) -> list[tuple[str, str]]:
    _, da, x = a
    _, db, y = b
    if x.shape != y.shape:
        return [("shape", f"tg {x.shape} vs torch {y.shape}")]
    out = []
    if da != db:
        out.append(("dtype", f"tg {da} vs torch {db}"))
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    nx, ny = np.isnan(x), np.isnan(y)
    ix, iy = np.isinf(x), np.isinf(y)
    mismatch = (nx != ny) | (ix != iy) | (ix & iy & (np.sign(x) != np.sign(y)))
    if mismatch.any():
        i = tuple(np.argwhere(mismatch)[0])
        out.append(("nan/inf", f"at {i}: tg {x[i]!r} vs torch {y[i]!r}"))
        return out
    fin = np.isfinite(x) & np.isfinite(y)
    bad = np.abs(x - y) > atol + rtol * np.abs(y)
    bad &= fin
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        out.append(("value", f"at {i}: tg {x[i]!r} vs torch {y[i]!r} (max abs err "
                             f"{np.max(np.abs(x - y)[fin]):.3g})"))
    return out


# ----------------------------------------------------------------------------- values to score

def _support_name(support) -> str:
    return type(support).__name__


def _edges(rng, support, sample: np.ndarray, event_ndim: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(values at the support's edge, values outside it) made from a sample of the same shape,
    or None where no such values are drawn for this support."""
    name = _support_name(support)
    lo = getattr(support, "lower_bound", None)
    hi = getattr(support, "upper_bound", None)
    lo = None if lo is None else np.broadcast_to(np.asarray(lo.detach() if hasattr(lo, "detach") else lo,
                                                            dtype=np.float64), sample.shape)
    hi = None if hi is None else np.broadcast_to(np.asarray(hi.detach() if hasattr(hi, "detach") else hi,
                                                            dtype=np.float64), sample.shape)
    if event_ndim or sample.size == 0:
        if name == "_Simplex" or name == "_OneHot":
            edge = np.zeros_like(sample)
            edge[..., 0] = 1.0
            outside = sample.copy()
            outside[..., 0] = -0.25 if name == "_Simplex" else 0.5
            return edge, outside
        return None, None
    mask = rng.random(sample.shape) < 0.5
    one = tuple(int(rng.integers(n)) for n in sample.shape)
    edge, outside = sample.copy(), sample.copy()
    if name == "_Real":
        edge[mask] = rng.choice([-60.0, 60.0, 0.0])
        return edge, None
    if name in ("_Boolean",):
        edge[mask] = 1.0 - edge[mask]
        outside[one] = rng.choice([0.5, 2.0, -1.0])
        return edge, outside
    if name in ("_IntegerGreaterThan", "_IntegerInterval", "_IntegerLessThan"):
        edge[mask] = lo[mask] if lo is not None else edge[mask]
        if hi is not None:
            m2 = rng.random(sample.shape) < 0.3
            edge[m2] = hi[m2]
        outside[one] = rng.choice([-1.0, 0.5]) + (0 if lo is None else lo[one]) if hi is None or rng.random() < 0.6 \
            else hi[one] + 1.0
        return edge, outside
    if lo is not None or hi is not None:
        if lo is not None:
            edge[mask] = lo[mask]
        if hi is not None:
            m2 = (rng.random(sample.shape) < 0.3) & ~mask if lo is not None else mask
            edge[m2] = hi[m2]
        if lo is not None and (hi is None or rng.random() < 0.5):
            outside[one] = lo[one] - 0.5
        else:
            outside[one] = hi[one] + 0.5
        return edge, outside
    return None, None


# ----------------------------------------------------------------------------- the checks

PROPERTIES = ["mean", "mode", "variance", "stddev"]
ATTRIBUTES = ["probs", "logits", "covariance_matrix", "precision_matrix", "scale_tril"]


class Runner:
    def __init__(self, torch) -> None:
        self.torch = torch
        self.sides = {"tg": Side("tg"), "torch": Side("torch", torch)}
        self.diffs: dict[tuple, list] = defaultdict(list)
        self.known: dict[str, int] = defaultdict(int)
        self.counts: dict[str, int] = defaultdict(int)

    # one difference
    def note(self, case_id, label, check, found):
        for category, detail in found:
            reason = _is_known(label, check, category, detail)
            if reason:
                self.known[reason] += 1
                continue
            self.diffs[(label.split("[")[0], check, category)].append((case_id, label, detail))

    def compare(self, case_id, label, check, fn, rtol=RTOL, atol=ATOL):
        """Run fn(side) on both sides and compare. Returns whether they agreed (the gradients of a
        value that differs are not compared: they differ as a consequence)."""
        self.counts["comparisons"] += 1
        a = outcome(self.sides["tg"], lambda: fn(self.sides["tg"]))
        b = outcome(self.sides["torch"], lambda: fn(self.sides["torch"]))
        found = compare_values(a, b, rtol, atol)
        self.note(case_id, label, check, found)
        return not found

    def compare_grads(self, case_id, label, check, fn, rtol=GRAD_RTOL, atol=GRAD_ATOL, second=False,
                      tril=()):
        """fn(side) -> (out tensor, [(name, input tensor)]): compare d Σ w·out / d input (and second
        derivatives through create_graph when `second`)."""
        results = {}
        for key, side in self.sides.items():
            results[key] = outcome(side, lambda side=side: self._grads(side, fn, second, tril))
        a, b = results["tg"], results["torch"]
        if isinstance(b, Raised) and not isinstance(a, Raised) and second:
            return  # PyTorch has no double backward for some of its functions
        self.counts["gradient comparisons"] += 1
        kind = check + (" grad2" if second else " grad")
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and a and isinstance(a[0], tuple) \
                and len(a[0]) == 2:
            for (name, x), (_, y) in zip(a, b):   # one kind per input: "log_prob grad by scale"
                self.note(case_id, label, f"{kind} by {name}", compare_values(x, y, rtol, atol))
            return
        self.note(case_id, label, kind, compare_values(a, b, rtol, atol))

    @staticmethod
    def _grads(side: Side, fn, second: bool, tril):
        out, inputs = fn(side)
        if not side.is_tensor(out) or not out.requires_grad or not inputs:
            return ("no grad",)
        values = side.numpy(out)
        finite = np.isfinite(values)
        w = np.linspace(0.5, 1.5, values.size).reshape(values.shape)
        loss = (side.where(finite, out) * side.tensor(w)).sum()
        grads = side.grad(loss, [t for _, t in inputs], create_graph=second)
        if second:
            total = None
            for g in grads:
                if g is None or not g.requires_grad:
                    continue
                gv = side.numpy(g)
                term = (side.where(np.isfinite(gv), g) * side.tensor(np.linspace(-1.0, 1.0, gv.size)
                                                                     .reshape(gv.shape))).sum()
                total = term if total is None else total + term
            if total is None:
                return ("no grad2",)
            grads = side.grad(total, [t for _, t in inputs])
        out_list = []
        for (name, t), g in zip(inputs, grads):
            g = np.zeros(tuple(t.shape)) if g is None else side.numpy(g)
            if name in tril:
                g = np.tril(g)   # a triangular factor's upper part is not read by either library
            out_list.append((name, ("tensor", "float64", g.astype(np.float64))))
        return tuple(out_list)

    # ------------------------------------------------------------------ one case
    def run_case(self, case_id, case: Case, rng, validate: bool, second: bool) -> None:
        label = case.label
        torch = self.torch
        self.counts["cases"] += 1
        self.counts[f"case {case.name}"] += 1
        rtol = LOOSE.get(case.name, RTOL)

        def dist(side):
            return build(side, case, validate)[0]

        # construction (with validate_args as drawn)
        built = outcome(self.sides["torch"], lambda: dist(self.sides["torch"]))
        self.compare(case_id, label, "construct", lambda s: (dist(s), "built")[1])
        if isinstance(built, Raised):
            return
        self.compare(case_id, label, "shapes", lambda s: (tuple(dist(s).batch_shape), tuple(dist(s).event_shape),
                                                          dist(s).has_rsample, dist(s).has_enumerate_support))
        self.compare(case_id, label, "repr", lambda s: repr(dist(s)))
        self.compare(case_id, label, "support", lambda s: repr(dist(s).support))
        self.compare(case_id, label, "arg_constraints",
                     lambda s: tuple(sorted(f"{k}: {v!r}" for k, v in dist(s).arg_constraints.items())))
        for attr in PROPERTIES:
            if self.compare(case_id, label, attr, lambda s, attr=attr: getattr(dist(s), attr), rtol):
                self.compare_grads(case_id, label, attr, lambda s, attr=attr: self._prop(s, case, validate, attr),
                                   tril=case.tril)
        for attr in ATTRIBUTES:
            if attr in case.params or not hasattr(self.sides["torch"].dist, case.name):
                continue
            self.compare(case_id, label, attr, lambda s, attr=attr: getattr(dist(s), attr), rtol)
        for method in ("entropy", "perplexity"):
            if self.compare(case_id, label, method, lambda s, m=method: getattr(dist(s), m)(), rtol):
                self.compare_grads(case_id, label, method, lambda s, m=method: self._method(s, case, validate, m),
                                   tril=case.tril)
        if second:
            self.compare_grads(case_id, label, "entropy", lambda s: self._method(s, case, validate, "entropy"),
                               second=True, tril=case.tril)

        # values: a sample (drawn by PyTorch, then the same numbers on both sides), edges, outside
        tdist = build(self.sides["torch"], case, validate)[0]
        torch.manual_seed(int(rng.integers(2**31)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sample = tdist.sample((2,)).double().numpy()
        except Exception:  # noqa: BLE001 (no sampler in PyTorch: nothing to score)
            sample = None
        if sample is not None:
            self._check_samples(case_id, label, case, validate, sample.shape)
            if rng.random() < 0.3 and sample.ndim > 1:
                sample = sample[0]   # a value of the batch shape itself
            edge, outside = _edges(rng, tdist.support, sample, len(tdist.event_shape))
            values = {"sample": sample, "edge": edge, "outside": outside}
            continuous = not getattr(tdist.support, "is_discrete", False)
            for kind, v in values.items():
                if v is None:
                    continue
                for method in ("log_prob", "cdf"):
                    check = f"{method}@{kind}"
                    if not self.compare(case_id, label, check,
                                        lambda s, m=method, v=v: getattr(dist(s), m)(s.tensor(v)), rtol):
                        continue
                    self.compare_grads(case_id, label, check,
                                       lambda s, m=method, v=v: self._at(s, case, validate, m, v, continuous),
                                       tril=case.tril)
                if second and kind == "sample":
                    self.compare_grads(case_id, label, "log_prob@sample",
                                       lambda s, v=v: self._at(s, case, validate, "log_prob", v, continuous),
                                       second=True, tril=case.tril)
        q = rng.uniform(0, 1, tuple(tdist.batch_shape))
        if q.size:
            q.flat[0] = rng.choice([0.0, 1.0, 0.5])
        if self.compare(case_id, label, "icdf", lambda s: dist(s).icdf(s.tensor(q)), rtol):
            self.compare_grads(case_id, label, "icdf", lambda s: self._at(s, case, validate, "icdf", q, True),
                               tril=case.tril)

        # expand, enumerate_support
        new = (2,) + tuple(tdist.batch_shape)
        self.compare(case_id, label, "expand", lambda s: self._expanded(s, case, validate, new), rtol)
        self.compare(case_id, label, "expand(bad)", lambda s: tuple(dist(s).expand((5, 7, 11)).batch_shape))
        for expand in (True, False):
            self.compare(case_id, label, f"enumerate_support(expand={expand})",
                         lambda s, e=expand: dist(s).enumerate_support(expand=e))

        # invalid parameters under validate_args=True
        for name, bad in case.invalid.items():
            params = dict(case.params)
            try:
                params[name] = np.broadcast_to(bad, np.shape(case.params[name])).copy()
            except ValueError:
                params[name] = bad
            self.compare(case_id, label, f"invalid {name}",
                         lambda s, p=params: (build(s, case, True, p), "built")[1])

    def _check_samples(self, case_id, label, case, validate, shape):
        """Shapes and dtypes of samples (not their numbers), and that ours lie in the support."""
        self.compare(case_id, label, "sample shape/dtype",
                     lambda s: self._sample_info(s, case, validate, "sample"))
        self.compare(case_id, label, "rsample shape/dtype",
                     lambda s: self._sample_info(s, case, validate, "rsample"))
        ok = self._samples_in_support(self.sides["tg"], case, validate)
        if ok is not True and self._samples_in_support(self.sides["torch"], case, validate) is True:
            # (where PyTorch's samples leave the support too -- Geometric with probs = 0, which its
            # closed-interval constraint allows, samples inf -- both libraries agree)
            self.note(case_id, label, "sample in support", [("value", f"tg sample outside its support: {ok}")])

    @staticmethod
    def _samples_in_support(side, case, validate):
        """True if three samples lie in the support, else False or the error raised."""
        try:
            d = build(side, case, validate)[0]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x = d.sample((3,))
                return bool(d.support.check(x).all())
        except Exception as e:  # noqa: BLE001
            return f"{type(e).__name__}: {e}"

    @staticmethod
    def _sample_info(side, case, validate, method):
        d = build(side, case, validate)[0]
        x = getattr(d, method)((3,))
        return tuple(x.shape), _dtype_name(x.dtype), bool(x.requires_grad)

    @staticmethod
    def _prop(side, case, validate, attr):
        d, diff = build(side, case, validate)
        return getattr(d, attr), diff

    @staticmethod
    def _method(side, case, validate, method):
        d, diff = build(side, case, validate)
        return getattr(d, method)(), diff

    @staticmethod
    def _at(side, case, validate, method, value, continuous):
        d, diff = build(side, case, validate)
        v = side.tensor(value, requires_grad=continuous)
        return getattr(d, method)(v), diff + ([("value", v)] if continuous else [])

    @staticmethod
    def _expanded(side, case, validate, new):
        d = build(side, case, validate)[0].expand(new)
        x = build(side, case, validate)[0]
        mean = outcome(side, lambda: d.mean)
        lp = outcome(side, lambda: d.log_prob(x.sample()))
        shape = outcome(side, lambda: tuple(d.sample().shape))
        return tuple(d.batch_shape), tuple(d.event_shape), mean, lp if isinstance(lp, Raised) else lp[2].shape, shape

    # ------------------------------------------------------------------ KL
    def run_kl(self, case_id, rng, pairs) -> None:
        if rng.random() < 0.85 and pairs:
            pn, qn = pairs[rng.integers(len(pairs))]
        else:
            names = list(GENERATORS)
            pn, qn = names[rng.integers(len(names))], names[rng.integers(len(names))]
        batch = tuple(int(n) for n in rng.integers(1, 4, rng.choice([0, 1, 2])))
        qbatch = tuple(1 if rng.random() < 0.3 else n for n in batch)
        k = int(rng.integers(2, 4))
        p = draw_case(rng, pn, batch, k)
        q = draw_case(rng, qn, qbatch, k)
        label = f"kl({p.label}, {q.label})"
        self.counts["kl cases"] += 1

        def kl(side, grads=False):
            dp, gp = build(side, p, False)
            dq, gq = build(side, q, False)
            out = side.dist.kl_divergence(dp, dq)
            return (out, [("p." + n, t) for n, t in gp] + [("q." + n, t) for n, t in gq]) if grads else out
        if self.compare(case_id, label, "kl", kl, LOOSE.get(p.name, LOOSE.get(q.name, RTOL))):
            self.compare_grads(case_id, label, "kl", lambda s: kl(s, True),
                               tril=tuple("p." + n for n in p.tril) + tuple("q." + n for n in q.tril))


def kl_generator_pairs(torch) -> list[tuple[str, str]]:
    """The pairs of drawn distributions for which PyTorch has a registered KL divergence."""
    from torch.distributions.kl import _dispatch_kl
    rng = np.random.default_rng(0)
    classes = {}
    for name in GENERATORS:
        case = draw_case(rng, name, (2,), 3)
        side = Side("torch", torch)
        classes[name] = type(build(side, case, False)[0])
    out = []
    for pn, pc in classes.items():
        for qn, qc in classes.items():
            try:
                fn = _dispatch_kl(pc, qc)
            except NotImplementedError:
                continue
            if fn is not NotImplemented:
                out.append((pn, qn))
    return out


# ----------------------------------------------------------------------------- the run

def run(examples: int, seed: int, only: str | None = None, torch=None) -> Runner:
    if torch is None:
        import torch
    torch.set_default_dtype(torch.float64)
    runner = Runner(torch)
    pairs = kl_generator_pairs(torch)
    if only:
        pairs = [p for p in pairs if only in p]
    names = [n for n in GENERATORS if only is None or n == only]
    with np.errstate(all="ignore"):
        for i in range(examples):
            rng = np.random.default_rng([seed, i])
            name = names[rng.integers(len(names))]
            validate = bool(rng.random() < 0.7)
            second = bool(rng.random() < 0.33)
            case = draw_case(rng, name)
            runner.run_case(i, case, rng, validate, second)
            if rng.random() < 0.6:
                runner.run_kl(i, rng, pairs)
    return runner


def show(seed: int, index: int, only: str | None = None) -> None:
    """Print the case with that index (its parameters) as drawn in a run with that seed."""
    rng = np.random.default_rng([seed, index])
    names = [n for n in GENERATORS if only is None or n == only]
    name = names[rng.integers(len(names))]
    validate = bool(rng.random() < 0.7)
    rng.random()
    case = draw_case(rng, name)
    print(f"case {index}: {case.label}, validate_args={validate}")
    for k, v in case.params.items():
        print(f"  {k} = {np.asarray(v).tolist()!r}")


def report(runner: Runner, seed: int, limit: int = 3) -> str:
    lines = [f"{runner.counts['cases']} cases, {runner.counts['kl cases']} KL cases, "
             f"{runner.counts['comparisons']} value comparisons, {runner.counts['gradient comparisons']} gradient "
             f"comparisons; {len(runner.diffs)} kinds of difference, {sum(runner.known.values())} known"]
    for (dist, check, category), items in sorted(runner.diffs.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"\n[{len(items)}x] {dist} / {check} / {category}")
        for case_id, label, detail in items[:limit]:
            lines.append(f"    seed {seed} case {case_id} {label}: {detail}")
    for reason, n in runner.known.items():
        lines.append(f"known ({n}x): {reason[:100]}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default=None, help="one distribution's class name")
    parser.add_argument("--show", type=int, default=None, help="print that case's parameters and stop")
    args = parser.parse_args(argv)
    if args.show is not None:
        show(args.seed, args.show, args.only)
        return 0
    runner = run(args.examples, args.seed, args.only)
    print(report(runner, args.seed))
    return 1 if runner.diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
