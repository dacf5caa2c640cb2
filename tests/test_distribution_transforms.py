"""tg.distributions transforms (ComposeTransform, PowerTransform, AbsTransform, SoftplusTransform,
SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, PositiveDefiniteTransform,
IndependentTransform, ReshapeTransform), `biject_to`/`transform_to`, and the distributions built
on transforms (HalfCauchy, Weibull, Pareto): forward, inverse and log |det J| against PyTorch in
float64, log_prob/moments/entropy against PyTorch, gradients through rsample, shapes, equality,
errors, and hand computations that need no torch."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D
from tinygrad_edu.distributions import constraints


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _t(a, requires_grad=False):
    return tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _np(x):
    return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x, dtype=np.float64)


X = np.array([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]])
POS = np.array([[0.3, 1.2, 2.0], [0.7, 0.1, 4.0]])
M = np.array([[[0.4, 0.9], [-0.3, -0.2]], [[1.1, 0.0], [0.5, 0.3]]])

# name -> (build over a library's distributions module, input, whether log_abs_det_jacobian exists)
TRANSFORMS = {
    "Power": (lambda lib, T: lib.PowerTransform(T([2.5, -0.5, 1.0])), POS, True),
    "Power-scalar": (lambda lib, T: lib.PowerTransform(2.0), POS, True),  # 1/2 exact in float32
    "Abs": (lambda lib, T: lib.AbsTransform(), X, False),
    "Softplus": (lambda lib, T: lib.SoftplusTransform(), np.array([[0.3, -1.2, 25.0], [0.7, 0.1, -30.0]]), True),
    "Softmax": (lambda lib, T: lib.SoftmaxTransform(), X, False),
    "StickBreaking": (lambda lib, T: lib.StickBreakingTransform(), X, True),
    "LowerCholesky": (lambda lib, T: lib.LowerCholeskyTransform(), M, False),
    "PositiveDefinite": (lambda lib, T: lib.PositiveDefiniteTransform(), M, False),
    "Independent": (lambda lib, T: lib.IndependentTransform(lib.ExpTransform(), 1), X, True),
    "Reshape": (lambda lib, T: lib.ReshapeTransform((3,), (3, 1)), X, True),
    "Compose": (lambda lib, T: lib.ComposeTransform([lib.ExpTransform(), lib.AffineTransform(1.0, T([2.0, -1.0, 3.0])),
                                                     lib.SigmoidTransform()]), X, True),
    "Compose-event": (lambda lib, T: lib.ComposeTransform([lib.StickBreakingTransform(), lib.PowerTransform(2.0)]),
                      X, True),
    "Compose-empty": (lambda lib, T: lib.ComposeTransform([]), X, True),
    "CumulativeDistribution": (lambda lib, T: lib.CumulativeDistributionTransform(lib.Normal(T([0.5, -1.0, 0.0]),
                                                                                         T([1.0, 2.0, 0.5]))), X, True),
    "Inverse-StickBreaking": (lambda lib, T: lib.StickBreakingTransform().inv,
                              np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]), True),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_matches_torch(torch, name):
    build, x, has_jacobian = TRANSFORMS[name]
    ours = build(D, lambda a: _t(a))
    theirs = build(torch.distributions, lambda a: torch.tensor(a, dtype=torch.float64))
    y, ty = ours(_t(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(_np(y), ty.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(ours.inv(y)), theirs.inv(ty).numpy(), rtol=1e-10, atol=1e-12)
    if has_jacobian:
        np.testing.assert_allclose(_np(ours.log_abs_det_jacobian(_t(x), y)),
                                   theirs.log_abs_det_jacobian(torch.tensor(x), ty).numpy(), rtol=1e-10, atol=1e-12)
    else:
        with pytest.raises(NotImplementedError):
            ours.log_abs_det_jacobian(_t(x), y)
    assert ours.bijective == theirs.bijective
    try:
        expected = theirs.event_dim
    except ValueError:  # domain and codomain differ in event_dim (ReshapeTransform)
        with pytest.raises(ValueError):
            ours.event_dim
    else:
        assert ours.event_dim == expected
    assert ours.domain.event_dim == theirs.domain.event_dim and ours.codomain.event_dim == theirs.codomain.event_dim
    assert repr(ours.domain) == repr(theirs.domain) and repr(ours.codomain) == repr(theirs.codomain)
    shape = x.shape
    assert tuple(ours.forward_shape(shape)) == tuple(theirs.forward_shape(torch.Size(shape)))
    assert tuple(ours.inverse_shape(tuple(y.shape))) == tuple(theirs.inverse_shape(ty.shape))


def test_jacobian_gradients_match_torch(torch):
    """Gradients of y and of log |det J| with respect to x, through the ops the transforms use."""
    for name in ["Power", "Softplus", "StickBreaking", "Compose", "Compose-event", "CumulativeDistribution"]:
        build, x, _ = TRANSFORMS[name]
        ours = build(D, lambda a: _t(a))
        theirs = build(torch.distributions, lambda a: torch.tensor(a, dtype=torch.float64))
        xt, tx = _t(x, True), torch.tensor(x, requires_grad=True)
        y, ty = ours(xt), theirs(tx)
        (y.sum() + ours.log_abs_det_jacobian(xt, y).sum()).backward()
        (ty.sum() + theirs.log_abs_det_jacobian(tx, ty).sum()).backward()
        np.testing.assert_allclose(_np(xt.grad), tx.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_sign_and_equality(torch):
    assert D.SoftplusTransform().sign == 1
    assert D.ComposeTransform([D.ExpTransform(), D.AffineTransform(0.0, -2.0)]).sign == -1
    np.testing.assert_array_equal(_np(D.PowerTransform(_t([2.0, -1.0])).sign), [1.0, -1.0])
    assert D.SoftmaxTransform() == D.SoftmaxTransform() and D.ExpTransform() != D.SoftplusTransform()
    assert D.PowerTransform(2.0) == D.PowerTransform(2.0) and D.PowerTransform(2.0) != D.PowerTransform(3.0)
    assert D.AffineTransform(1.0, 2.0) == D.AffineTransform(1.0, 2.0) != D.AffineTransform(1.0, 3.0)
    assert D.ComposeTransform([D.ExpTransform()]) == D.ComposeTransform([D.ExpTransform()])
    assert D.ExpTransform().inv == D.ExpTransform().inv and D.ExpTransform().inv != D.ExpTransform()
    assert D.ComposeTransform([D.ExpTransform(), D.SoftplusTransform()]).inv == D.ComposeTransform(
        [D.SoftplusTransform().inv, D.ExpTransform().inv])
    # torch agrees on each of these
    T = torch.distributions
    assert T.PowerTransform(torch.tensor(2.0)) == T.PowerTransform(torch.tensor(2.0))
    assert T.ExpTransform().inv == T.ExpTransform().inv and T.ExpTransform().inv != T.ExpTransform()


def test_cache_returns_the_input_itself():
    t = D.ComposeTransform([D.ExpTransform(), D.PowerTransform(2.0)], cache_size=1)
    x = _t([0.5, 1.0], True)
    assert t.inv(t(x)) is x  # each part caches its last (x, y), so the inverse chain walks back to x itself
    s = D.SoftplusTransform(cache_size=1)
    assert s.inv(s(x)) is x
    assert D.PowerTransform(2.0).with_cache(1)._cache_size == 1
    with pytest.raises(ValueError):
        D.SoftplusTransform(cache_size=2)


def test_values_without_torch():
    """Hand-computed values: stick breaking of 0 is the uniform vector, softplus(0) = log 2, ..."""
    y = D.StickBreakingTransform()(_t([0.0, 0.0, 0.0]))
    np.testing.assert_allclose(_np(y), [0.25] * 4, rtol=1e-12)
    np.testing.assert_allclose(_np(D.SoftplusTransform()(_t([0.0]))), [math.log(2)], rtol=1e-12)
    np.testing.assert_allclose(_np(D.PowerTransform(2.0).log_abs_det_jacobian(_t([3.0]), _t([9.0]))),
                               [math.log(6.0)], rtol=1e-12)
    p = D.PositiveDefiniteTransform()(_t(M))
    np.testing.assert_allclose(_np(p), np.swapaxes(_np(p), -1, -2), rtol=1e-12)
    assert bool(constraints.positive_definite.check(p).all())
    lower = D.LowerCholeskyTransform()(_t(M))
    assert bool(constraints.lower_cholesky.check(lower).all())
    np.testing.assert_allclose(_np(D.ReshapeTransform((2, 2), (4,))(_t(M))), M.reshape(2, 4))
    np.testing.assert_array_equal(_np(D.ReshapeTransform((2, 2), (4,)).log_abs_det_jacobian(_t(M), None)), [0, 0])


def test_shape_errors(torch):
    with pytest.raises(ValueError):
        D.ReshapeTransform((2, 3), (5,))
    with pytest.raises(ValueError):
        D.ReshapeTransform((2, 2), (4,)).forward_shape((2, 3))
    with pytest.raises(ValueError):
        D.StickBreakingTransform().forward_shape(())
    with pytest.raises(ValueError):
        D.IndependentTransform(D.ExpTransform(), 2)(_t([1.0]))
    for build in [lambda T: T.ReshapeTransform((2, 3), (5,)),
                  lambda T: T.ReshapeTransform((2, 2), (4,)).forward_shape(torch.Size((2, 3))),
                  lambda T: T.StickBreakingTransform().forward_shape(torch.Size(()))]:
        with pytest.raises(ValueError):
            build(torch.distributions)


CONSTRAINTS = [lambda C: C.real, lambda C: C.positive, lambda C: C.nonnegative, lambda C: C.greater_than(2.0),
               lambda C: C.greater_than_eq(-1.0), lambda C: C.less_than(3.0), lambda C: C.unit_interval,
               lambda C: C.interval(-1.0, 2.0), lambda C: C.simplex, lambda C: C.real_vector,
               lambda C: C.independent(C.positive, 1), lambda C: C.lower_cholesky, lambda C: C.positive_definite]


@pytest.mark.parametrize("i", range(len(CONSTRAINTS)))
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_constraint_registry_matches_torch(torch, i, registry):
    x = M if i >= len(CONSTRAINTS) - 2 else X
    c, tc = CONSTRAINTS[i](constraints), CONSTRAINTS[i](torch.distributions.constraints)
    try:
        theirs = getattr(torch.distributions, registry)(tc)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(D, registry)(c)
        return
    ours = getattr(D, registry)(c)
    assert repr(ours) == repr(theirs)
    y, ty = ours(_t(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(_np(y), ty.numpy(), rtol=1e-10, atol=1e-12)
    assert bool(c.check(y).all())


def test_registry_errors_and_register():
    with pytest.raises(NotImplementedError, match="Cannot transform _Boolean"):
        D.biject_to(constraints.boolean)
    registry = D.constraint_registry.ConstraintRegistry()
    registry.register(constraints.boolean, lambda c: D.SigmoidTransform())
    assert registry(constraints.boolean) == D.SigmoidTransform()
    with pytest.raises(TypeError):
        registry.register(3, lambda c: None)


# distribution name -> (build over a module with T making tensors, values to score, properties)
DISTS = {
    "HalfCauchy": (lambda lib, T: lib.HalfCauchy(T([1.0, 2.5, 0.3])), [0.5, 3.0, 0.01],
                   ["mean", "mode", "variance", "entropy", "cdf", "icdf"]),
    "Weibull": (lambda lib, T: lib.Weibull(T([1.0, 2.5, 0.3]), T([0.7, 2.0, 5.0])), [0.5, 3.0, 0.2],
                ["mean", "mode", "variance", "entropy"]),
    "Weibull-broadcast": (lambda lib, T: lib.Weibull(T([[1.0], [2.0]]), T([0.7, 2.0, 5.0])), [0.5, 3.0, 0.2],
                          ["mean", "variance", "entropy"]),
    "Pareto": (lambda lib, T: lib.Pareto(T([1.0, 2.5, 0.3]), T([0.7, 2.5, 5.0])), [1.5, 3.0, 0.4],
               ["mean", "mode", "variance", "entropy", "cdf", "icdf"]),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # Weibull mode for k < 1 is NaN, Pareto mean for alpha < 1 inf
@pytest.mark.parametrize("name", list(DISTS))
def test_distribution_matches_torch(torch, name):
    build, value, props = DISTS[name]
    ours = build(D, lambda a: _t(a, True))
    theirs = build(torch.distributions, lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) and tuple(ours.event_shape) == tuple(theirs.event_shape)
    expected = theirs.log_prob(torch.tensor(value, dtype=torch.float64)).detach().numpy()
    np.testing.assert_allclose(_np(ours.log_prob(_t(value))), expected, rtol=1e-10)
    for prop in props:
        if prop in ("cdf", "icdf"):
            arg = value if prop == "cdf" else [0.1, 0.5, 0.9]
            a, b = getattr(ours, prop)(_t(arg)), getattr(theirs, prop)(torch.tensor(arg, dtype=torch.float64))
        elif prop == "entropy":
            a, b = ours.entropy(), theirs.entropy()
        else:
            a, b = getattr(ours, prop), getattr(theirs, prop)
        np.testing.assert_allclose(_np(a), b.detach().numpy(), rtol=1e-10, err_msg=prop)
    assert type(ours.support).__name__ == type(theirs.support).__name__
    if hasattr(theirs.support, "lower_bound"):
        np.testing.assert_allclose(_np(ours.support.lower_bound), _np(theirs.support.lower_bound))
    assert ours.has_rsample == theirs.has_rsample
    assert list(ours.arg_constraints) == list(theirs.arg_constraints)
    big = ours.expand((4, 2, 3) if "broadcast" in name else (4, 3))
    assert tuple(big.batch_shape) == tuple(theirs.expand(big.batch_shape).batch_shape)
    assert type(big) is type(ours)
    np.testing.assert_allclose(_np(big.log_prob(_t(value))[-1]), _np(ours.log_prob(_t(value))), rtol=1e-12)


def test_log_prob_gradients_match_torch(torch):
    for name, (build, value, _) in DISTS.items():
        params, tparams = [], []
        ours = build(D, lambda a: params.append(_t(a, True)) or params[-1])
        theirs = build(torch.distributions, lambda a: tparams.append(torch.tensor(a, dtype=torch.float64,
                                                                                  requires_grad=True)) or tparams[-1])
        (ours.log_prob(_t(value)).sum() + ours.entropy().sum()).backward()
        (theirs.log_prob(torch.tensor(value, dtype=torch.float64)).sum() + theirs.entropy().sum()).backward()
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(_np(p.grad), tp.grad.numpy(), rtol=1e-10, err_msg=name)


@pytest.mark.parametrize("name", ["HalfCauchy", "Weibull", "Pareto"])
def test_rsample_shapes_gradients_and_support(name):
    tg.manual_seed(0)
    build, _, _ = DISTS[name]
    params = []
    d = build(D, lambda a: params.append(_t(a, True)) or params[-1])
    s = d.rsample((5000,))
    assert tuple(s.shape) == (5000, 3) and s.dtype == tg.float64
    assert bool(d.support.check(s).all())
    s.log1p().sum().backward()
    for p in params:
        assert p.grad is not None and np.isfinite(_np(p.grad)).all() and np.abs(_np(p.grad)).sum() > 0
    # the sample's empirical cdf at the median matches 1/2 (distribution-free check)
    median = _np(d.icdf(_t([0.5] * 3))) if name != "Weibull" else _np(d.scale) * np.log(2) ** (1 / _np(d.concentration))
    frac = (_np(s) <= median).mean(0)
    np.testing.assert_allclose(frac, 0.5, atol=0.03)


def test_distribution_values_without_torch():
    """Weibull with k = 1 is Exponential(1/scale); Pareto(1, 3) has mean 3/2 and variance 3/4;
    HalfCauchy(1) has cdf (2/π) atan(x)."""
    w = D.Weibull(_t([2.0]), _t([1.0]))
    np.testing.assert_allclose(_np(w.log_prob(_t([1.0]))), [-math.log(2) - 0.5], rtol=1e-12)
    np.testing.assert_allclose(_np(w.variance), [4.0], rtol=1e-12)
    p = D.Pareto(_t([1.0]), _t([3.0]))
    np.testing.assert_allclose(_np(p.mean), [1.5], rtol=1e-12)
    np.testing.assert_allclose(_np(p.variance), [0.75], rtol=1e-12)
    np.testing.assert_allclose(_np(p.log_prob(_t([2.0]))), [math.log(3) - 4 * math.log(2)], rtol=1e-12)
    h = D.HalfCauchy(_t([1.0]))
    np.testing.assert_allclose(_np(h.cdf(_t([1.0]))), [0.5], rtol=1e-12)
    assert math.isinf(float(h.mean.item()))


def test_distribution_validation_errors(torch):
    for build in [lambda lib: lib.HalfCauchy(-1.0), lambda lib: lib.Weibull(1.0, 0.0),
                  lambda lib: lib.Pareto(-1.0, 2.0)]:
        with pytest.raises(ValueError):
            build(D)
        with pytest.raises(ValueError):
            build(torch.distributions)
    with pytest.raises(ValueError):
        D.Pareto(2.0, 1.0).log_prob(_t(1.0))  # below the scale: outside the support
    with pytest.raises(ValueError):
        D.HalfCauchy(1.0).log_prob(_t(-1.0))
