"""Kumaraswamy, LogisticNormal, RelaxedBernoulli (and LogitRelaxedBernoulli),
RelaxedOneHotCategorical (and ExpRelaxedCategorical), LKJCholesky, Wishart and the transforms
CatTransform, StackTransform, CorrCholeskyTransform of tg.distributions: values and parameter
gradients against PyTorch (float64), shapes, reprs and errors against PyTorch, and without torch:
special cases that are other distributions, normalisation, finite-difference Jacobians, sample
moments at a fixed seed and rsample gradients."""
from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D
from tinygrad_edu.distributions import constraints


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


COV = [[[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 1.5]],
       [[3.0, -0.4, 0.0], [-0.4, 2.0, 0.3], [0.0, 0.3, 0.7]]]
WISHART_VALUE = [[3.0, 0.4, 0.2], [0.4, 2.0, 0.1], [0.2, 0.1, 2.5]]
# the Cholesky factor of a correlation matrix, a value for LKJCholesky
CORR = np.array([[1.0, 0.3, -0.2, 0.1], [0.3, 1.0, 0.4, 0.0], [-0.2, 0.4, 1.0, 0.25], [0.1, 0.0, 0.25, 1.0]])
CORR_CHOL = np.linalg.cholesky(CORR).tolist()
WISHART_MOMENTS = ["mean", "mode", "variance", "covariance_matrix", "precision_matrix", "scale_tril"]

# name -> (constructor over a library's distributions namespace, parameter arrays, a value to score,
#          the methods/properties to compare)
CASES = {
    "Kumaraswamy": (lambda lib, a, b: lib.Kumaraswamy(a, b), [[0.5, 2.0, 3.0], [1.5, 3.0, 0.7]], [0.3, 0.5, 0.9],
                    ["log_prob", "entropy", "mean", "variance", "stddev", "concentration1"]),
    "Kumaraswamy-broadcast": (lambda lib, a, b: lib.Kumaraswamy(a, b), [[[0.5], [2.0]], [1.5, 3.0, 0.7]],
                              [0.3, 0.5, 0.9], ["log_prob", "entropy", "mean", "variance"]),
    "LogisticNormal": (lambda lib, m, s: lib.LogisticNormal(m, s), [[[0.3, -1.0, 0.2], [0.0, 0.5, 1.0]],
                                                                     [0.5, 2.0, 1.5]],
                       [0.1, 0.2, 0.3, 0.4], ["log_prob", "loc", "scale"]),
    "RelaxedBernoulli-probs": (lambda lib, t, p: lib.RelaxedBernoulli(t, probs=p), [[2.2], [0.1, 0.2, 0.3, 0.99]],
                               [0.2, 0.5, 0.7, 0.95], ["log_prob", "logits", "temperature"]),
    "RelaxedBernoulli-logits": (lambda lib, t, z: lib.RelaxedBernoulli(t, logits=z), [0.4, [-2.0, 0.0, 3.0]],
                                [0.01, 0.5, 0.999], ["log_prob", "probs"]),
    "LogitRelaxedBernoulli": (lambda lib, t, p: lib.LogitRelaxedBernoulli(t, p), [[0.7], [0.1, 0.5, 0.8]],
                              [-3.0, 0.2, 5.0], ["log_prob", "logits"]),
    "RelaxedOneHotCategorical": (lambda lib, t, p: lib.RelaxedOneHotCategorical(t, p),
                                 [0.7, [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.4, 0.1]]], [0.2, 0.5, 0.2, 0.1],
                                 ["log_prob", "logits", "probs"]),
    "RelaxedOneHotCategorical-logits": (lambda lib, t, z: lib.RelaxedOneHotCategorical(t, logits=z),
                                        [2.5, [-1.0, 0.5, 2.0]], [0.3, 0.3, 0.4], ["log_prob", "probs"]),
    "ExpRelaxedCategorical": (lambda lib, t, z: lib.ExpRelaxedCategorical(t, logits=z), [0.5, [[-1.0, 0.5, 2.0]]],
                              np.log([0.3, 0.1, 0.6]).tolist(), ["log_prob", "logits"]),
    "LKJCholesky": (lambda lib, c: lib.LKJCholesky(4, c), [[0.5, 1.0, 3.0]], CORR_CHOL, ["log_prob"]),
    "LKJCholesky-2": (lambda lib, c: lib.LKJCholesky(2, c), [2.0], [[1.0, 0.0], [0.6, 0.8]], ["log_prob"]),
    "Wishart-cov": (lambda lib, df, m: lib.Wishart(df, covariance_matrix=m), [[4.5, 6.0], COV], WISHART_VALUE,
                    ["log_prob", "entropy"] + WISHART_MOMENTS),
    "Wishart-precision": (lambda lib, df, m: lib.Wishart(df, precision_matrix=m), [[4.5, 2.5], COV],
                          WISHART_VALUE, ["log_prob", "entropy"] + WISHART_MOMENTS),
    "Wishart-tril": (lambda lib, df, m: lib.Wishart(df, scale_tril=m), [7.0, np.linalg.cholesky(COV).tolist()],
                     WISHART_VALUE, ["log_prob", "entropy"] + WISHART_MOMENTS),
}
# the cases whose last parameter is a matrix: PyTorch and we both symmetrise the gradient of a
# covariance/precision matrix, but a lower-triangular factor's gradient is only defined on its
# lower part (both libraries read nothing above the diagonal)
TRIL_PARAM = {"Wishart-tril"}


class _Lib:
    """A library's distributions, including those PyTorch keeps in submodules."""

    def __init__(self, torch=None) -> None:
        if torch is None:
            self.module = D
            self.LogitRelaxedBernoulli = D.relaxed_bernoulli.LogitRelaxedBernoulli
            self.ExpRelaxedCategorical = D.relaxed_categorical.ExpRelaxedCategorical
        else:
            self.module = torch.distributions
            self.LogitRelaxedBernoulli = torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli
            self.ExpRelaxedCategorical = torch.distributions.relaxed_categorical.ExpRelaxedCategorical

    def __getattr__(self, name):
        return getattr(self.module, name)


def _make(torch, name, lib_name):
    make, params, _, _ = CASES[name]
    lib = tg if lib_name == "tg" else torch
    tensors = [lib.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Wishart's "Low df values" warning
        return make(_Lib(None if lib_name == "tg" else torch), *tensors), tensors


def _numpy(t):
    return t.detach().numpy()


@pytest.mark.parametrize("name,method", [(n, m) for n, case in CASES.items() for m in case[3]])
def test_values_and_gradients_match_torch(torch, name, method):
    ours, our_params = _make(torch, name, "tg")
    theirs, their_params = _make(torch, name, "torch")
    if method == "log_prob":
        value = np.asarray(CASES[name][2], dtype=np.float64)
        a, b = ours.log_prob(tg.tensor(value)), theirs.log_prob(torch.tensor(value))
    elif method == "entropy":
        a, b = ours.entropy(), theirs.entropy()
    else:
        a, b = getattr(ours, method), getattr(theirs, method)
    assert a.shape == tuple(b.shape)
    assert a.dtype == np.dtype(str(b.dtype).replace("torch.", ""))
    np.testing.assert_allclose(_numpy(a), _numpy(b), rtol=1e-10, atol=1e-12)
    if b.requires_grad:
        finite = np.isfinite(_numpy(b))
        weights = np.where(finite, np.linspace(0.5, 1.5, b.numel()).reshape(tuple(b.shape)), 0.0)
        (a * tg.tensor(weights)).where(tg.tensor(finite), 0.0).sum().backward()
        (b * torch.tensor(weights)).where(torch.tensor(finite), 0.0).sum().backward()
        for i, (ours_p, theirs_p) in enumerate(zip(our_params, their_params)):
            if theirs_p.grad is None:
                assert ours_p.grad is None or not ours_p.grad.numpy().any()
                continue
            expected, got = theirs_p.grad.numpy(), ours_p.grad.numpy()
            if name in TRIL_PARAM and i == len(our_params) - 1:
                expected, got = np.tril(expected), np.tril(got)
            np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)


def _torch_repr_as_ours(text: str) -> str:
    size = lambda m: repr(tg.Size(tuple(int(s) for s in m.group(1).split(",") if s)))  # noqa: E731
    return re.sub(r"torch\.Size\(\[([^\]]*)\]\)", size, text)


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_repr_and_flags_match_torch(torch, name):
    ours, _ = _make(torch, name, "tg")
    theirs, _ = _make(torch, name, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert repr(ours) == _torch_repr_as_ours(repr(theirs))
    assert sorted(ours.arg_constraints) == sorted(theirs.arg_constraints)
    assert type(ours.support).__name__ == type(theirs.support).__name__
    assert ours.support.event_dim == theirs.support.event_dim
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch's Wishart warns on every rsample)
        for shape in [(), (4,), (2, 3)]:
            sample, their_sample = ours.sample(shape), theirs.sample(shape)
            assert sample.shape == tuple(their_sample.shape)
            assert sample.dtype == np.float64 and not sample.requires_grad
            if ours.has_rsample:
                assert ours.rsample(shape).shape == tuple(their_sample.shape)
    expanded, their_expanded = ours.expand((4,) + tuple(ours.batch_shape)), theirs.expand((4,) + theirs.batch_shape)
    assert type(expanded) is type(ours)
    assert expanded.batch_shape == tuple(their_expanded.batch_shape)
    assert expanded.event_shape == tuple(their_expanded.event_shape)
    assert expanded.sample().shape == tuple(their_expanded.sample().shape)
    value = tg.tensor(np.asarray(CASES[name][2], dtype=np.float64))
    np.testing.assert_allclose(_numpy(expanded.log_prob(value))[0], _numpy(ours.log_prob(value)), rtol=1e-12)


def test_samples_lie_in_the_support_of_every_case():
    tg.manual_seed(3)
    for name in CASES:
        dist, _ = _make(None, name, "tg")
        x = dist.sample((50,))
        assert bool(dist.support.check(x).all()), name
        assert np.isfinite(_numpy(dist.log_prob(x))).all(), name


def test_kumaraswamy_mode_is_where_the_density_peaks(torch):
    """PyTorch 2.13's mode formula is NaN for every a, b; ours is the argmax of (both) log_probs."""
    a, b = np.array([2.0, 3.0, 1.5, 5.0, 0.5, 1.5]), np.array([3.0, 1.5, 1.0, 5.0, 2.0, 0.7])
    mode = _numpy(D.Kumaraswamy(tg.tensor(a), tg.tensor(b)).mode)
    grid = np.linspace(1e-6, 1 - 1e-6, 200001)
    theirs = torch.distributions.Kumaraswamy(torch.tensor(a), torch.tensor(b))
    peak = grid[theirs.log_prob(torch.tensor(grid)[:, None]).numpy().argmax(0)]
    np.testing.assert_allclose(mode[:4], peak[:4], atol=1e-5)
    assert np.isnan(mode[4:]).all()  # a or b below 1: the density is unbounded at an end


def test_errors_match_torch(torch):
    cases = [
        lambda lib: lib.LKJCholesky(1),
        lambda lib: lib.LKJCholesky(3, lib.tensor([-1.0])),
        lambda lib: lib.Wishart(lib.tensor(4.0)),
        lambda lib: lib.Wishart(lib.tensor(4.0), covariance_matrix=lib.eye(2), scale_tril=lib.eye(2)),
        lambda lib: lib.Wishart(lib.tensor(1.0), covariance_matrix=lib.eye(3)),
        lambda lib: lib.Wishart(lib.tensor(4.0), covariance_matrix=lib.tensor([1.0, 2.0])),
        lambda lib: lib.Wishart(lib.tensor(4.0), covariance_matrix=-lib.eye(2), validate_args=True),
        lambda lib: lib.Kumaraswamy(lib.tensor([1.0, -2.0]), 1.0, validate_args=True),
        lambda lib: lib.LogisticNormal(lib.tensor([0.0]), lib.tensor([-1.0]), validate_args=True),
        lambda lib: lib.RelaxedBernoulli(lib.tensor(1.0)),
        lambda lib: lib.RelaxedBernoulli(lib.tensor(1.0), probs=lib.tensor([1.5]), validate_args=True),
        lambda lib: lib.RelaxedOneHotCategorical(lib.tensor(1.0), probs=lib.tensor([0.5]), logits=lib.tensor([0.5])),
        lambda lib: lib.LKJCholesky(2).log_prob(lib.tensor([[1.0, 0.0], [0.5, 0.5]])),
        lambda lib: lib.Kumaraswamy(2.0, 2.0).log_prob(lib.tensor(1.5)),
        lambda lib: lib.CatTransform([lib.ExpTransform()], lengths=[1, 2]),
        lambda lib: lib.CatTransform([lib.ExpTransform()], dim=0, lengths=[2])(lib.tensor([1.0, 2.0, 3.0])),
        lambda lib: lib.StackTransform([lib.ExpTransform()], dim=0)(lib.tensor([1.0, 2.0])),
        lambda lib: lib.CorrCholeskyTransform().forward_shape((4,)),
        lambda lib: lib.CorrCholeskyTransform().inverse_shape((2, 3)),
    ]
    D.Distribution.set_default_validate_args(True)
    torch.distributions.Distribution.set_default_validate_args(True)
    for make in cases:
        with pytest.raises(Exception) as theirs:
            make(_TorchLib(torch))
        with pytest.raises(type(theirs.value)):
            make(_OurLib())


class _OurLib:
    def __getattr__(self, name):
        return getattr(D, name, None) or getattr(tg, name)


class _TorchLib:
    def __init__(self, torch) -> None:
        self.torch = torch

    def __getattr__(self, name):
        return getattr(self.torch.distributions, name, None) or getattr(self.torch, name)


# ---- transforms ----------------------------------------------------------------------------------

def _transform_cases(lib):
    d = lib.distributions if hasattr(lib, "distributions") else D
    ident = d.transforms.identity_transform
    return {
        "CorrCholesky": (d.CorrCholeskyTransform(),
                         [[0.3, -1.2, 0.5, 2.0, -0.1, 0.7], [0.0, 0.1, -3.0, 0.4, 1.5, 0.2]]),
        "CorrCholesky-2": (d.CorrCholeskyTransform(), [[0.9], [-0.4]]),
        "Cat-dim0": (d.CatTransform([d.ExpTransform(), ident, d.AffineTransform(1.0, 3.0)], 0, [2, 1, 2]),
                     [0.3, -1.2, 0.5, 2.0, -0.1]),
        "Cat-batch": (d.CatTransform([d.ExpTransform(), d.SigmoidTransform()], 1, [1, 2]),
                      [[0.3, -1.2, 0.5], [2.0, -0.1, 0.7]]),
        "Cat-event": (d.CatTransform([d.IndependentTransform(d.ExpTransform(), 1), d.AffineTransform(0.5, 2.0, 1)],
                                     -1, [2, 3]), [[0.3, -1.2, 0.5, 2.0, -0.1], [0.0, 0.1, -3.0, 0.4, 1.5]]),
        "Cat-event-batch-dim": (d.CatTransform([d.IndependentTransform(d.ExpTransform(), 1),
                                                d.IndependentTransform(d.TanhTransform(), 1)], 0, [1, 2]),
                                [[0.3, -1.2, 0.5], [2.0, -0.1, 0.7], [0.0, 0.1, -3.0]]),
        "Cat-default-lengths": (d.CatTransform([d.ExpTransform(), d.TanhTransform()]), [0.3, -1.2]),
        "Stack-dim1": (d.StackTransform([d.ExpTransform(), ident, d.SoftplusTransform()], 1),
                       [[0.3, -1.2, 0.5], [2.0, -0.1, 0.7]]),
        "Stack-dim0": (d.StackTransform([d.SigmoidTransform(), d.AffineTransform(-1.0, 0.5)], 0),
                       [[0.3, -1.2, 0.5], [2.0, -0.1, 0.7]]),
    }


def _event_dim(transform):
    """transform.event_dim, or the type of the error when domain and codomain differ in it."""
    try:
        return transform.event_dim
    except ValueError as error:
        return type(error)


@pytest.mark.parametrize("name", list(_transform_cases(tg)))
def test_transforms_match_torch(torch, name):
    ours, value = _transform_cases(tg)[name]
    theirs, _ = _transform_cases(torch)[name]
    x = tg.tensor(np.asarray(value, dtype=np.float64), requires_grad=True)
    tx = torch.tensor(np.asarray(value, dtype=np.float64), requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(_numpy(y), _numpy(ty), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_numpy(ours.inv(y)), _numpy(theirs.inv(ty)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_numpy(ours.inv(y)), value, rtol=1e-9, atol=1e-10)
    ladj, tladj = ours.log_abs_det_jacobian(x, y), theirs.log_abs_det_jacobian(tx, ty)
    assert ladj.shape == tuple(tladj.shape)
    np.testing.assert_allclose(_numpy(ladj), _numpy(tladj), rtol=1e-10, atol=1e-12)
    (y.sum() + ladj.sum()).backward()
    (ty.sum() + tladj.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-10)
    assert _event_dim(ours) == _event_dim(theirs) and ours.bijective == theirs.bijective
    assert ours.domain.event_dim == theirs.domain.event_dim
    assert ours.codomain.event_dim == theirs.codomain.event_dim
    assert bool(ours.codomain.check(y).all()) and bool(theirs.codomain.check(ty).all())
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(tx.shape))
    assert tuple(ours.inverse_shape(y.shape)) == tuple(theirs.inverse_shape(ty.shape))
    cached = ours.with_cache(1)
    y_cached = cached(x)
    assert cached.inv(y_cached) is x and repr(ours) == repr(theirs)


def test_biject_to_and_transform_to_the_new_constraints_match_torch(torch):
    tc = torch.distributions.constraints
    pairs = [
        (constraints.corr_cholesky, tc.corr_cholesky, [0.3, -1.2, 0.5]),
        (constraints.cat([constraints.positive, constraints.unit_interval], 0, [2, 1]),
         tc.cat([tc.positive, tc.unit_interval], 0, [2, 1]), [0.3, -1.2, 0.5]),
        (constraints.stack([constraints.real, constraints.greater_than(2.0)], 1),
         tc.stack([tc.real, tc.greater_than(2.0)], 1), [[0.3, -1.2], [0.5, 1.0]]),
    ]
    for ours_c, theirs_c, value in pairs:
        for ours_reg, theirs_reg in ((D.biject_to, torch.distributions.biject_to),
                                     (D.transform_to, torch.distributions.transform_to)):
            ours, theirs = ours_reg(ours_c), theirs_reg(theirs_c)
            assert type(ours).__name__ == type(theirs).__name__
            y, ty = ours(tg.tensor(value)), theirs(torch.tensor(value, dtype=torch.float64))
            np.testing.assert_allclose(_numpy(y), _numpy(ty), rtol=1e-12)
            assert bool(ours_c.check(y).all())
            np.testing.assert_array_equal(ours_c.check(y).numpy(), theirs_c.check(ty).numpy())
        assert ours_c.event_dim == theirs_c.event_dim and ours_c.is_discrete == theirs_c.is_discrete


def test_new_constraints_check_like_torch(torch):
    tc = torch.distributions.constraints
    not_corr = [[1.0, 0.0], [0.5, 0.5]]
    upper = [[1.0, 0.2], [0.0, 1.0]]
    for value in [CORR_CHOL, not_corr, upper, [[-1.0, 0.0], [0.0, 1.0]]]:
        assert bool(constraints.corr_cholesky.check(tg.tensor(value))) == bool(tc.corr_cholesky.check(
            torch.tensor(value, dtype=torch.float64)))
    value = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]]
    ours = constraints.cat([constraints.positive, constraints.real], 1, [1, 2]).check(tg.tensor(value))
    theirs = tc.cat([tc.positive, tc.real], 1, [1, 2]).check(torch.tensor(value))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = constraints.stack([constraints.positive, constraints.unit_interval], 0).check(tg.tensor(value))
    theirs = tc.stack([tc.positive, tc.unit_interval], 0).check(torch.tensor(value))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for ours_c, theirs_c in [(constraints.stack([constraints.simplex], -1), tc.stack([tc.simplex], -1)),
                             (constraints.stack([constraints.simplex], -2), tc.stack([tc.simplex], -2)),
                             (constraints.cat([constraints.simplex, constraints.real], 0),
                              tc.cat([tc.simplex, tc.real], 0))]:
        assert ours_c.event_dim == theirs_c.event_dim


# ---- without torch -------------------------------------------------------------------------------

def test_kumaraswamy_with_a_equal_to_1_is_a_beta():
    """Kumaraswamy(1, b) has density b (1 - x)^(b-1), the Beta(1, b) density."""
    b = tg.tensor([0.5, 2.0, 4.0])
    k, beta = D.Kumaraswamy(tg.ones(3), b), D.Beta(tg.ones(3), b)
    x = tg.tensor([0.2, 0.5, 0.9])
    np.testing.assert_allclose(_numpy(k.log_prob(x)), _numpy(beta.log_prob(x)), rtol=1e-12, atol=1e-14)
    for moment in ("mean", "variance"):
        np.testing.assert_allclose(_numpy(getattr(k, moment)), _numpy(getattr(beta, moment)), rtol=1e-12)
    np.testing.assert_allclose(_numpy(k.entropy()), _numpy(beta.entropy()), rtol=1e-12, atol=1e-14)


def test_wishart_in_one_dimension_is_a_scaled_chi2():
    """For p = 1, W = σ² χ²(ν) = Gamma(ν/2, rate 1/(2σ²))."""
    df, var = tg.tensor([3.0, 5.5]), tg.tensor([0.5, 2.0])
    w = D.Wishart(df, covariance_matrix=var.reshape(2, 1, 1))
    gamma = D.Gamma(df / 2, 1 / (2 * var))
    x = tg.tensor([0.7, 4.0])
    np.testing.assert_allclose(_numpy(w.log_prob(x.reshape(2, 1, 1))), _numpy(gamma.log_prob(x)), rtol=1e-12)
    np.testing.assert_allclose(_numpy(w.entropy()), _numpy(gamma.entropy()), rtol=1e-12)
    np.testing.assert_allclose(_numpy(w.mean).ravel(), _numpy(gamma.mean), rtol=1e-12)
    np.testing.assert_allclose(_numpy(w.variance).ravel(), _numpy(gamma.variance), rtol=1e-12)
    np.testing.assert_allclose(_numpy(w.mode).ravel(), [(3.0 - 2) * 0.5, (5.5 - 2) * 2.0])  # (ν - 2)σ²
    assert np.isnan(_numpy(D.Wishart(tg.tensor(1.5), covariance_matrix=tg.ones(1, 1)).mode)).all()


def test_lkj_density_integrates_to_one():
    """In 2 dimensions L = [[1, 0], [r, √(1 - r²)]]; the density of r is (1 - r²)^(η-1) / c."""
    r = np.linspace(-1, 1, 200001)[1:-1]
    values = np.zeros((r.size, 2, 2))
    values[:, 0, 0], values[:, 1, 0], values[:, 1, 1] = 1.0, r, np.sqrt(1 - r ** 2)
    for eta in (0.7, 1.0, 2.5):
        density = np.exp(_numpy(D.LKJCholesky(2, eta).log_prob(tg.tensor(values))))
        assert abs(np.trapezoid(density, r) - 1) < 2e-3, eta
    # the uniform case: c = 2, so log p = -log 2 everywhere
    np.testing.assert_allclose(_numpy(D.LKJCholesky(2).log_prob(tg.tensor(values[:5]))), -math.log(2.0))


def test_relaxed_distributions_integrate_to_one():
    x = np.linspace(-60, 60, 400001)
    d = D.relaxed_bernoulli.LogitRelaxedBernoulli(tg.tensor(0.6), logits=tg.tensor(1.3))
    assert abs(np.trapezoid(np.exp(_numpy(d.log_prob(tg.tensor(x)))), x) - 1) < 1e-6
    u = np.linspace(0, 1, 200001)[1:-1]
    d = D.RelaxedBernoulli(tg.tensor(2.0), probs=tg.tensor(0.3))
    assert abs(np.trapezoid(np.exp(_numpy(d.log_prob(tg.tensor(u)))), u) - 1) < 1e-4
    # on the 2-simplex (x, 1 - x): the density in x is the simplex density (whose measure is dx)
    d = D.RelaxedOneHotCategorical(tg.tensor(0.8), probs=tg.tensor([0.3, 0.7]))
    points = tg.tensor(np.stack([u, 1 - u], -1))
    assert abs(np.trapezoid(np.exp(_numpy(d.log_prob(points))), u) - 1) < 1e-3


def _numerical_jacobian(fn, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    columns = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        columns.append((fn(x + step) - fn(x - step)) / (2 * eps))
    return np.stack(columns, -1)


def test_corr_cholesky_log_det_is_that_of_the_strict_lower_part():
    t = D.CorrCholeskyTransform()
    x = np.array([0.3, -1.2, 0.5, 2.0, -0.1, 0.7])
    rows, cols = np.tril_indices(4, -1)
    jac = _numerical_jacobian(lambda v: _numpy(t(tg.tensor(v)))[rows, cols], x)
    y = t(tg.tensor(x))
    assert abs(float(t.log_abs_det_jacobian(tg.tensor(x), y)) - np.log(abs(np.linalg.det(jac)))) < 1e-7
    m = _numpy(y)
    np.testing.assert_allclose(np.linalg.norm(m, axis=-1), 1.0, rtol=1e-14)
    assert (np.diag(m) > 0).all() and np.allclose(np.triu(m, 1), 0)
    np.testing.assert_allclose(_numpy(t.inv(y)), x, rtol=1e-12)
    np.testing.assert_allclose(_numpy(t(tg.zeros(3))), np.eye(3))


def test_cat_and_stack_transforms_by_hand():
    x = tg.tensor([[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]])
    cat = D.CatTransform([D.ExpTransform(), D.AffineTransform(0.0, 2.0)], dim=1, lengths=[1, 2])
    expected = np.array([[1.0, 2.0, 4.0], [math.exp(3.0), -2.0, 1.0]])
    np.testing.assert_allclose(_numpy(cat(x)), expected)
    np.testing.assert_allclose(_numpy(cat.log_abs_det_jacobian(x, cat(x))),
                               [[0.0, math.log(2), math.log(2)], [3.0, math.log(2), math.log(2)]])
    assert cat.length == 3 and cat.event_dim == 0 and cat.bijective
    stack = D.StackTransform([D.ExpTransform(), D.AffineTransform(1.0, -1.0)], dim=0)
    np.testing.assert_allclose(_numpy(stack(x)), [[1.0, math.e, math.e ** 2], [-2.0, 2.0, 0.5]])
    np.testing.assert_allclose(_numpy(stack.log_abs_det_jacobian(x, stack(x))), [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(_numpy(stack.inv(stack(x))), _numpy(x))
    assert isinstance(D.CatTransform.domain, type(constraints.dependent))  # dependent on the class


@pytest.mark.parametrize("make,moments", [
    (lambda: D.Kumaraswamy(tg.tensor([0.5, 2.0, 5.0]), tg.tensor([1.5, 3.0, 0.7])), None),
    (lambda: D.Wishart(tg.tensor(5.0), covariance_matrix=tg.tensor(COV[0])), None),
    (lambda: D.Wishart(tg.tensor([4.0, 9.0]), scale_tril=tg.tensor(np.linalg.cholesky(COV))), None),
])
def test_sample_means_match_the_moments(make, moments):
    tg.manual_seed(1)
    dist = make()
    n = 40000
    x = _numpy(dist.sample((n,)))
    mean, var = _numpy(dist.mean), _numpy(dist.variance)
    assert (np.abs(x.mean(0) - mean) < 5 * np.sqrt(var / n)).all()  # 5 standard errors
    np.testing.assert_allclose(x.var(0), var, rtol=0.1)
    assert bool(dist.support.check(tg.tensor(x[:200])).all())


def test_relaxed_samples_have_the_concrete_moments_and_gumbel_max_frequencies():
    tg.manual_seed(2)
    n = 40000
    # the logit sample is (logits + L)/λ, L standard logistic: mean logits/λ, variance π²/3/λ²
    logits, temp = np.array([-1.0, 0.5, 2.0]), 0.5
    y = _numpy(D.relaxed_bernoulli.LogitRelaxedBernoulli(tg.tensor(temp), logits=tg.tensor(logits)).sample((n,)))
    sd = math.pi / math.sqrt(3) / temp
    assert (np.abs(y.mean(0) - logits / temp) < 5 * sd / math.sqrt(n)).all()
    np.testing.assert_allclose(y.std(0), sd, rtol=0.03)
    relaxed = _numpy(D.RelaxedBernoulli(tg.tensor(temp), logits=tg.tensor(logits)).sample((n,)))
    assert ((relaxed > 0) & (relaxed < 1)).all()
    # argmax(logits + G) is a Categorical(probs) draw whatever the temperature (the Gumbel-max trick)
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    for temperature in (0.1, 3.0):
        x = _numpy(D.RelaxedOneHotCategorical(tg.tensor(temperature), tg.tensor(probs)).sample((n,)))
        np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-12)
        freq = np.bincount(x.argmax(-1), minlength=4) / n
        assert (np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / n)).all()
    # small temperature: nearly one-hot
    x = _numpy(D.RelaxedOneHotCategorical(tg.tensor(0.01), tg.tensor(probs)).sample((1000,)))
    assert np.median(x.max(-1)) > 0.99


def test_logistic_normal_samples_map_back_to_the_normal():
    tg.manual_seed(4)
    loc, scale = np.array([0.3, -1.0, 0.5]), np.array([0.5, 2.0, 1.0])
    d = D.LogisticNormal(tg.tensor(loc), tg.tensor(scale))
    x = d.sample((40000,))
    assert bool(d.support.check(x).all())
    z = _numpy(D.StickBreakingTransform().inv(x))
    assert (np.abs(z.mean(0) - loc) < 5 * scale / math.sqrt(40000)).all()
    np.testing.assert_allclose(z.std(0), scale, rtol=0.03)


def test_lkj_samples_have_the_beta_marginals():
    """Each correlation of an LKJ(η) matrix in D dims is 2 Beta(β, β) - 1 with β = η - 1 + D/2:
    mean 0, variance 1/(2β + 1) (Lewandowski et al., 2009, section 3.2). (PyTorch 2.13's sampler
    gives 0.21 and 0.30 for the correlations of rows 2 and 3 of the first case: see lkj_cholesky.py.)"""
    tg.manual_seed(5)
    n = 40000
    for dim, eta in ((3, 2.0), (4, 0.5)):
        d = D.LKJCholesky(dim, tg.tensor([eta]))
        chol = d.sample((n,))
        assert chol.shape == (n, 1, dim, dim) and bool(d.support.check(chol).all())
        corr = _numpy(chol @ chol.mT)[:, 0]
        np.testing.assert_allclose(np.diagonal(corr, axis1=-2, axis2=-1), 1.0, rtol=1e-12)
        beta = eta - 1 + dim / 2
        rows, cols = np.tril_indices(dim, -1)
        r = corr[:, rows, cols]
        assert (np.abs(r.mean(0)) < 5 * math.sqrt(1 / (2 * beta + 1) / n)).all()
        np.testing.assert_allclose(r.var(0), 1 / (2 * beta + 1), rtol=0.05)


def _seeded(make_sample):
    """The sample as a deterministic function of the parameters: the same noise on every call."""
    def sample(*params):
        tg.manual_seed(7)
        return make_sample(*params)
    return sample


@pytest.mark.parametrize("make_sample,params", [
    (lambda a, b: D.Kumaraswamy(a, b).rsample((3,)), ([0.7, 2.0], [1.5, 3.0])),
    (lambda m, s: D.LogisticNormal(m, s).rsample((2,)), ([0.3, -1.0], [0.5, 2.0])),
    (lambda t, z: D.RelaxedBernoulli(t, logits=z).rsample((3,)), (0.7, [-1.0, 0.5])),
    (lambda t, z: D.RelaxedOneHotCategorical(t, logits=z).rsample((2,)), (0.7, [-1.0, 0.5, 1.0])),
    (lambda t, z: D.relaxed_categorical.ExpRelaxedCategorical(t, logits=z).rsample((2,)), (1.7, [-1.0, 0.5, 1.0])),
    (lambda l: D.Wishart(tg.tensor(4.5), scale_tril=l.tril()).rsample((2,)), (np.linalg.cholesky(COV[0]),)),
])
def test_rsample_is_differentiable_in_the_parameters(make_sample, params):
    tensors = tuple(tg.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params)
    assert tg.gradcheck(_seeded(make_sample), tensors)


def test_wishart_rsample_gradient_in_df_is_unbiased():
    """d/dν E[W] = Σ: the average over samples of d(Σ_ij W_ij)/dν (implicit reparameterisation of
    the χ² diagonal) estimates Σ_ij Σ_ij."""
    tg.manual_seed(6)
    df = tg.tensor(4.5, requires_grad=True)
    cov = tg.tensor(COV[1])
    n = 20000
    D.Wishart(df, covariance_matrix=cov).rsample((n,)).sum().backward()
    per_sample_sd = 4 * float(cov.sum())  # a generous bound on the per-sample gradient's spread
    assert abs(float(df.grad) / n - float(cov.sum())) < 5 * per_sample_sd / math.sqrt(n)


def test_wishart_warns_and_redraws_only_singular_samples():
    w = D.Wishart(tg.tensor(5.0), covariance_matrix=tg.eye(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.rsample((10,))  # no warning for positive-definite samples
    with pytest.warns(UserWarning, match="Low df"):
        D.Wishart(tg.tensor(1.5), covariance_matrix=tg.eye(2))
    singular = D.Wishart(tg.tensor(3.0), scale_tril=tg.tensor([[1.0, 0.0], [1.0, 0.0]]), validate_args=False)
    with pytest.warns(UserWarning, match="Singular sample"):
        x = singular.rsample((3,), max_try_correction=2)
    assert x.shape == (3, 2, 2)
