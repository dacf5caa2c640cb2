"""The distributions that `distributions_fuzz.py` draws, with valid random parameters.

Each generator takes a numpy Generator, a batch shape and an event size and returns a `Case`:
parameter arrays (float ones are given to both libraries as float64 tensors that require grad;
each may have a shape that broadcasts to the batch shape, and now and then a scalar one is a
Python number), a constructor over a library's `distributions` module, and a way to make the
parameters invalid (for the `validate_args=True` error checks). Both parametrisations are drawn
where a distribution has two (probs/logits, scale_tril/covariance_matrix/precision_matrix).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class Case:
    name: str                      # the distribution's class name
    variant: str                   # which parametrisation ("probs", "logits", "scale_tril", ...)
    params: dict                   # name -> np.ndarray (float: differentiable) or Python number
    build: Callable                # (lib, tensors dict, validate_args) -> distribution
    invalid: dict = field(default_factory=dict)   # name -> replacement array that breaks a constraint
    tril: tuple = ()               # parameters that are lower-triangular factors (upper part unused)
    event: int = 0                 # the event size it was drawn for (0: scalar events)

    @property
    def label(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def _sub_shape(rng, batch: tuple) -> tuple:
    """A shape that broadcasts to `batch`: some leading dims dropped, some dims set to 1."""
    drop = rng.integers(0, len(batch) + 1) if rng.random() < 0.3 else 0
    shape = list(batch[drop:])
    for i in range(len(shape)):
        if rng.random() < 0.25:
            shape[i] = 1
    return tuple(shape)


def _real(rng, batch, scale=2.0):
    return rng.normal(0.0, scale, _sub_shape(rng, batch))


def _pos(rng, batch, lo=-1.2, hi=1.2):
    return np.exp(rng.uniform(lo, hi, _sub_shape(rng, batch)))


def _prob(rng, batch):
    p = rng.uniform(0.05, 0.95, _sub_shape(rng, batch))
    if p.size and rng.random() < 0.1:   # the edges are valid probabilities
        p.flat[rng.integers(p.size)] = rng.choice([0.0, 1.0])
    return p


def _maybe_number(rng, a):
    """Now and then a 0-d parameter as a Python number (both libraries accept Numbers)."""
    if a.ndim == 0 and rng.random() < 0.3:
        return float(a)
    return a


def _simplex(rng, shape):
    x = rng.gamma(1.0, 1.0, shape) + 1e-3
    return x / x.sum(-1, keepdims=True)


def _spd(rng, batch, n):
    a = rng.normal(0.0, 1.0, tuple(batch) + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * 0.5 * np.eye(n)


def _binary(name, make):
    """A distribution over probs or logits (Bernoulli-like): `make(lib, which, tensors, v)`."""
    def draw(rng, batch, k):
        which = "probs" if rng.random() < 0.5 else "logits"
        p = _prob(rng, batch) if which == "probs" else _real(rng, batch)
        bad = {which: np.full(np.shape(p), 1.5)} if which == "probs" else {}
        return Case(name, which, {which: p}, lambda lib, t, v: make(lib, which, t, v), invalid=bad)
    return draw


def _two_pos(name, a, b, lo=-1.2, hi=1.2):
    def draw(rng, batch, k):
        p = {a: _maybe_number(rng, _pos(rng, batch, lo, hi)), b: _maybe_number(rng, _pos(rng, batch, lo, hi))}
        return Case(name, "", p, lambda lib, t, v: getattr(lib, name)(t[a], t[b], validate_args=v),
                    invalid={a: np.array(-1.0)})
    return draw


def _loc_scale(name):
    def draw(rng, batch, k):
        p = {"loc": _maybe_number(rng, _real(rng, batch)), "scale": _maybe_number(rng, _pos(rng, batch))}
        return Case(name, "", p, lambda lib, t, v: getattr(lib, name)(t["loc"], t["scale"], validate_args=v),
                    invalid={"scale": np.array(0.0)})
    return draw


def _one_pos(name, param):
    def draw(rng, batch, k):
        p = {param: _maybe_number(rng, _pos(rng, batch))}
        return Case(name, "", p, lambda lib, t, v: getattr(lib, name)(t[param], validate_args=v),
                    invalid={param: np.array(-0.5)})
    return draw


def _student_t(rng, batch, k):
    p = {"df": _pos(rng, batch, 0.0, 2.0), "loc": _real(rng, batch), "scale": _pos(rng, batch)}
    return Case("StudentT", "", p, lambda lib, t, v: lib.StudentT(t["df"], t["loc"], t["scale"], validate_args=v),
                invalid={"df": np.array(0.0)})


def _uniform(rng, batch, k):
    low = _real(rng, batch)
    high = low + _pos(rng, batch)
    return Case("Uniform", "", {"low": low, "high": high},
                lambda lib, t, v: lib.Uniform(t["low"], t["high"], validate_args=v),
                invalid={"high": np.array(-100.0)})


def _von_mises(rng, batch, k):
    p = {"loc": rng.uniform(-3, 3, _sub_shape(rng, batch)), "concentration": _pos(rng, batch, -2.0, 2.5)}
    return Case("VonMises", "", p, lambda lib, t, v: lib.VonMises(t["loc"], t["concentration"], validate_args=v),
                invalid={"concentration": np.array(-1.0)})


def _gen_pareto(rng, batch, k):
    p = {"loc": _real(rng, batch), "scale": _pos(rng, batch),
         "concentration": rng.uniform(-0.8, 0.8, _sub_shape(rng, batch))}
    return Case("GeneralizedPareto", "", p,
                lambda lib, t, v: lib.GeneralizedPareto(t["loc"], t["scale"], t["concentration"], validate_args=v),
                invalid={"scale": np.array(-1.0)})


def _relaxed_bernoulli(rng, batch, k):
    which = "probs" if rng.random() < 0.5 else "logits"
    # (a temperature is one number in both libraries: it does not take part in the batch shape)
    p = {"temperature": _pos(rng, ()), which: _prob(rng, batch) if which == "probs" else _real(rng, batch)}
    return Case("RelaxedBernoulli", which, p,
                lambda lib, t, v: lib.RelaxedBernoulli(t["temperature"], validate_args=v, **{which: t[which]}),
                invalid={"temperature": np.array(-1.0)})


def _counts(name, max_count=6):
    def draw(rng, batch, k):
        which = "probs" if rng.random() < 0.5 else "logits"
        n = rng.integers(0 if name == "Binomial" else 1, max_count, _sub_shape(rng, batch)).astype(np.float64)
        p = _prob(rng, batch) if which == "probs" else _real(rng, batch)
        if name == "NegativeBinomial" and which == "probs":
            p = np.minimum(p, 0.9)   # probs = 1 is outside its half-open interval
            n = n + rng.uniform(0, 1, n.shape)   # a real total_count is allowed
        return Case(name, which, {"total_count": n, which: p},
                    lambda lib, t, v: getattr(lib, name)(t["total_count"], validate_args=v, **{which: t[which]}),
                    invalid={"total_count": np.array(-1.0)})
    return draw


def _categorical(name):
    def draw(rng, batch, k):
        which = "probs" if rng.random() < 0.5 else "logits"
        shape = tuple(batch) + (k,)
        p = _simplex(rng, shape) * rng.uniform(0.5, 2.0) if which == "probs" else rng.normal(0, 2, shape)
        bad = {which: -np.ones(shape)} if which == "probs" else {}
        return Case(name, which, {which: p},
                    lambda lib, t, v: getattr(lib, name)(validate_args=v, **{which: t[which]}),
                    invalid=bad, event=k)
    return draw


def _multinomial(rng, batch, k):
    which = "probs" if rng.random() < 0.5 else "logits"
    shape = tuple(batch) + (k,)
    p = _simplex(rng, shape) if which == "probs" else rng.normal(0, 2, shape)
    n = int(rng.integers(1, 6))
    return Case("Multinomial", which, {"total_count": n, which: p},
                lambda lib, t, v: lib.Multinomial(t["total_count"], validate_args=v, **{which: t[which]}),
                invalid={which: -np.ones(shape)} if which == "probs" else {}, event=k)


def _dirichlet(rng, batch, k):
    c = _pos(rng, tuple(batch) + (k,))
    c = np.broadcast_to(c, c.shape[:-1] + (k,)).copy()
    return Case("Dirichlet", "", {"concentration": c},
                lambda lib, t, v: lib.Dirichlet(t["concentration"], validate_args=v),
                invalid={"concentration": -np.ones(k)}, event=k)


def _relaxed_cat(rng, batch, k):
    which = "probs" if rng.random() < 0.5 else "logits"
    shape = tuple(batch) + (k,)
    p = _simplex(rng, shape) if which == "probs" else rng.normal(0, 2, shape)
    return Case("RelaxedOneHotCategorical", which, {"temperature": _pos(rng, ()), which: p},
                lambda lib, t, v: lib.RelaxedOneHotCategorical(t["temperature"], validate_args=v, **{which: t[which]}),
                invalid={"temperature": np.array(-1.0)}, event=k)


def _logistic_normal(rng, batch, k):
    km = max(k - 1, 1)
    p = {"loc": rng.normal(0, 1, tuple(batch) + (km,)), "scale": _pos(rng, tuple(batch) + (km,))}
    p["scale"] = np.broadcast_to(p["scale"], p["scale"].shape[:-1] + (km,)).copy()
    return Case("LogisticNormal", "", p, lambda lib, t, v: lib.LogisticNormal(t["loc"], t["scale"], validate_args=v),
                invalid={"scale": -np.ones(km)}, event=km + 1)


_MATRIX = ("scale_tril", "covariance_matrix", "precision_matrix")


def _matrix_param(rng, batch, k, which):
    sub = _sub_shape(rng, batch)
    m = _spd(rng, sub, k)
    if which == "scale_tril":
        m = np.linalg.cholesky(m)
    return m


def _mvn(rng, batch, k):
    which = _MATRIX[rng.integers(3)]
    p = {"loc": rng.normal(0, 1, _sub_shape(rng, batch) + (k,)), which: _matrix_param(rng, batch, k, which)}
    bad = -np.eye(k)
    return Case("MultivariateNormal", which, p,
                lambda lib, t, v: lib.MultivariateNormal(t["loc"], validate_args=v, **{which: t[which]}),
                invalid={which: bad}, tril=("scale_tril",) if which == "scale_tril" else (), event=k)


def _lowrank(rng, batch, k):
    r = int(rng.integers(1, 3))
    p = {"loc": rng.normal(0, 1, _sub_shape(rng, batch) + (k,)),
         "cov_factor": rng.normal(0, 1, _sub_shape(rng, batch) + (k, r)),
         "cov_diag": _pos(rng, (k,))}
    p["cov_diag"] = np.broadcast_to(p["cov_diag"], (k,)).copy()
    return Case("LowRankMultivariateNormal", "", p,
                lambda lib, t, v: lib.LowRankMultivariateNormal(t["loc"], t["cov_factor"], t["cov_diag"],
                                                                validate_args=v),
                invalid={"cov_diag": -np.ones(k)}, event=k)


def _wishart(rng, batch, k):
    which = _MATRIX[rng.integers(3)]
    df = k - 1 + _pos(rng, batch, 0.0, 1.5)
    return Case("Wishart", which, {"df": df, which: _matrix_param(rng, batch, k, which)},
                lambda lib, t, v: lib.Wishart(t["df"], validate_args=v, **{which: t[which]}),
                invalid={"df": np.array(k - 2.0)}, tril=("scale_tril",) if which == "scale_tril" else (), event=k)


def _lkj(rng, batch, k):
    return Case("LKJCholesky", "", {"dim": max(k, 2), "concentration": _pos(rng, batch)},
                lambda lib, t, v: lib.LKJCholesky(t["dim"], t["concentration"], validate_args=v),
                invalid={"concentration": np.array(-1.0)}, event=max(k, 2))


def _independent(rng, batch, k):
    shape = tuple(batch) + (k,)
    p = {"loc": rng.normal(0, 1, shape), "scale": _pos(rng, shape)}
    return Case("Independent", "Normal", p,
                lambda lib, t, v: lib.Independent(lib.Normal(t["loc"], t["scale"], validate_args=v), 1,
                                                  validate_args=v),
                invalid={"scale": -np.ones(shape)}, event=k)


_TRANSFORMS = ["exp", "affine", "sigmoid", "tanh", "exp_affine", "power"]


def _transformed(rng, batch, k):
    which = _TRANSFORMS[rng.integers(len(_TRANSFORMS))]
    p = {"loc": _real(rng, batch, 1.0), "scale": _pos(rng, batch), "a": np.asarray(rng.normal(0, 2)),
         "b": np.asarray(rng.choice([-1.0, 1.0]) * np.exp(rng.uniform(-1, 1)))}

    def build(lib, t, v):
        T = lib.transforms
        parts = {"exp": [T.ExpTransform()], "affine": [T.AffineTransform(t["a"], t["b"])],
                 "sigmoid": [T.SigmoidTransform()], "tanh": [T.TanhTransform()],
                 "exp_affine": [T.ExpTransform(), T.AffineTransform(t["a"], t["b"])],
                 "power": [T.ExpTransform(), T.PowerTransform(t["b"])]}[which]
        return lib.TransformedDistribution(lib.Normal(t["loc"], t["scale"], validate_args=v), parts, validate_args=v)
    return Case("TransformedDistribution", which, p, build, invalid={"scale": np.array(-1.0)})


def _mixture(rng, batch, k):
    m = int(rng.integers(1, 4))
    event = rng.random() < 0.4
    shape = tuple(batch) + (m,) + ((k,) if event else ())
    p = {"logits": rng.normal(0, 1, tuple(batch) + (m,)), "loc": rng.normal(0, 2, shape), "scale": _pos(rng, shape)}

    def build(lib, t, v):
        comp = lib.Normal(t["loc"], t["scale"], validate_args=v)
        if event:
            comp = lib.Independent(comp, 1, validate_args=v)
        return lib.MixtureSameFamily(lib.Categorical(logits=t["logits"], validate_args=v), comp, validate_args=v)
    return Case("MixtureSameFamily", "Independent" if event else "Normal", p, build,
                invalid={"scale": -np.ones(shape)}, event=k if event else 0)


def _lib_binary(cls):
    return lambda lib, which, t, v: getattr(lib, cls)(validate_args=v, **{which: t[which]})


GENERATORS: dict[str, Callable] = {
    "Normal": _loc_scale("Normal"), "LogNormal": _loc_scale("LogNormal"), "Cauchy": _loc_scale("Cauchy"),
    "Laplace": _loc_scale("Laplace"), "Gumbel": _loc_scale("Gumbel"),
    "HalfNormal": _one_pos("HalfNormal", "scale"), "HalfCauchy": _one_pos("HalfCauchy", "scale"),
    "Exponential": _one_pos("Exponential", "rate"), "Chi2": _one_pos("Chi2", "df"),
    "Poisson": _one_pos("Poisson", "rate"),
    "Gamma": _two_pos("Gamma", "concentration", "rate"), "Beta": _two_pos("Beta", "concentration1", "concentration0"),
    "Pareto": _two_pos("Pareto", "scale", "alpha"), "Weibull": _two_pos("Weibull", "scale", "concentration"),
    "Kumaraswamy": _two_pos("Kumaraswamy", "concentration1", "concentration0"),
    "FisherSnedecor": _two_pos("FisherSnedecor", "df1", "df2"),
    "InverseGamma": _two_pos("InverseGamma", "concentration", "rate"),
    "StudentT": _student_t, "Uniform": _uniform, "VonMises": _von_mises, "GeneralizedPareto": _gen_pareto,
    "Bernoulli": _binary("Bernoulli", _lib_binary("Bernoulli")),
    "Geometric": _binary("Geometric", _lib_binary("Geometric")),
    "ContinuousBernoulli": _binary("ContinuousBernoulli", _lib_binary("ContinuousBernoulli")),
    "RelaxedBernoulli": _relaxed_bernoulli,
    "Binomial": _counts("Binomial"), "NegativeBinomial": _counts("NegativeBinomial"),
    "Categorical": _categorical("Categorical"), "OneHotCategorical": _categorical("OneHotCategorical"),
    "OneHotCategoricalStraightThrough": _categorical("OneHotCategoricalStraightThrough"),
    "Multinomial": _multinomial, "Dirichlet": _dirichlet, "RelaxedOneHotCategorical": _relaxed_cat,
    "LogisticNormal": _logistic_normal, "MultivariateNormal": _mvn, "LowRankMultivariateNormal": _lowrank,
    "Wishart": _wishart, "LKJCholesky": _lkj, "Independent": _independent,
    "TransformedDistribution": _transformed, "MixtureSameFamily": _mixture,
}


def draw_batch(rng) -> tuple:
    ndim = rng.choice([0, 1, 1, 2])
    return tuple(int(n) for n in rng.integers(1, 4, ndim))


def draw_case(rng, name: str | None = None, batch: tuple | None = None, event: int | None = None) -> Case:
    name = name or list(GENERATORS)[rng.integers(len(GENERATORS))]
    batch = draw_batch(rng) if batch is None else batch
    event = int(rng.integers(2, 4)) if event is None else event
    return GENERATORS[name](rng, batch, event)
