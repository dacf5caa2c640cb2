"""MixtureSameFamily, Multinomial, NegativeBinomial and OneHotCategoricalStraightThrough of
tg.distributions: values and parameter gradients of log_prob, cdf, entropy and moments against
PyTorch (float64), shapes and sample statistics, PyTorch's errors for bad arguments, and checks
that need no torch (hand-computed values)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


class _Lib:
    """A distributions module that also offers `tensor` (float64), for the constructors below."""

    def __init__(self, module, torch=None) -> None:
        self.module, self.torch = module, torch

    def __getattr__(self, name):
        return getattr(self.module, name)

    def tensor(self, data):
        lib = tg if self.torch is None else self.torch
        return lib.tensor(np.asarray(data, dtype=np.float64))


MOMENTS = ["mean", "variance", "stddev"]
# name -> (constructor over a library's distributions module, parameter arrays, a value to score,
#          the methods/properties to compare)
CASES = {
    "Mixture-Normal": (lambda lib, w, m, s: lib.MixtureSameFamily(lib.Categorical(w), lib.Normal(m, s)),
                       [[0.2, 0.5, 0.3], [-1.0, 0.5, 2.0], [0.5, 1.0, 1.5]], [[0.1], [1.7], [-2.5]],
                       ["log_prob", "cdf"] + MOMENTS),
    "Mixture-batched-mix": (lambda lib, w, m, s: lib.MixtureSameFamily(lib.Categorical(logits=w), lib.Normal(m, s)),
                            [[[0.2, -0.5, 1.3], [1.0, 0.0, -2.0]], [[-1.0, 0.5, 2.0], [0.0, 1.0, -3.0]],
                             [[0.5, 1.0, 1.5], [2.0, 0.3, 1.0]]],
                            [[0.1, 1.0], [1.7, -0.3]], ["log_prob", "cdf"] + MOMENTS),
    "Mixture-scalar-mix-batched-comp": (
        lambda lib, w, m, s: lib.MixtureSameFamily(lib.Categorical(w), lib.Normal(m, s)),
        [[0.6, 0.4], [[-1.0, 0.5], [2.0, 0.0], [0.3, 0.3]], [[0.5, 1.0], [1.5, 2.0], [1.0, 0.2]]],
        [0.1, 1.7, -0.3], ["log_prob", "cdf"] + MOMENTS),
    "Mixture-MVN-diag": (lambda lib, w, m, s: lib.MixtureSameFamily(lib.Categorical(w),
                                                                    lib.Independent(lib.Normal(m, s), 1)),
                         [[0.7, 0.3], [[-1.0, 0.5], [2.0, 0.0]], [[0.5, 1.0], [1.5, 2.0]]],
                         [[0.1, 0.2], [1.7, -1.0]], ["log_prob"] + MOMENTS),
    "Multinomial-probs": (lambda lib, p: lib.Multinomial(5, probs=p), [[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]],
                          [[1.0, 3.0, 1.0], [0.0, 0.0, 5.0]], ["log_prob", "entropy", "logits"] + MOMENTS),
    "Multinomial-logits": (lambda lib, z: lib.Multinomial(3, logits=z), [[-2.0, 0.0, 3.0, 0.5]],
                           [1.0, 0.0, 2.0, 0.0], ["log_prob", "entropy", "probs"] + MOMENTS),
    "NegativeBinomial-probs": (lambda lib, r, p: lib.NegativeBinomial(r, probs=p), [[0.5, 2.0, 7.0], [0.2, 0.5, 0.9]],
                               [0.0, 3.0, 11.0], ["log_prob", "logits", "mode"] + MOMENTS),
    "NegativeBinomial-logits": (lambda lib, r, z: lib.NegativeBinomial(r, logits=z),
                                [[[1.5], [3.0]], [-2.0, 0.0, 1.5]], [1.0, 6.0, 4.0],
                                ["log_prob", "probs", "mode"] + MOMENTS),
    "OneHotST": (lambda lib, p: lib.OneHotCategoricalStraightThrough(p), [[[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]],
                 [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], ["log_prob", "entropy", "mode"] + MOMENTS),
    "InverseGamma": (lambda lib, a, b: lib.InverseGamma(a, b), [[0.5, 2.5, 3.5], [1.0, 0.5, 2.0]], [0.3, 1.7, 2.5],
                     ["log_prob", "entropy", "mode", "mean", "variance"]),
    "FisherSnedecor": (lambda lib, a, b: lib.FisherSnedecor(a, b), [[1.5, 3.0, 7.0], [1.5, 4.5, 9.0]],
                       [0.3, 1.7, 2.5], ["log_prob", "mean", "mode", "variance"]),
    "GeneralizedPareto": (lambda lib, m, s, c: lib.GeneralizedPareto(m, s, c),
                          [[0.3, -1.0, 2.0, 0.0], [0.5, 2.0, 1.5, 1.0], [0.2, 0.0, -0.3, 0.7]],
                          [0.5, 0.7, 3.0, 2.0], ["log_prob", "cdf", "icdf", "entropy", "mode"] + MOMENTS),
    "LowRankMVN": (lambda lib, m, w, d: lib.LowRankMultivariateNormal(m, w, d),
                   [[[0.3, -1.0, 2.0], [0.0, 1.0, 0.5]], [[[0.5, 0.1], [2.0, -1.0], [1.5, 0.3]]], [[0.5, 2.0, 1.5]]],
                   [[[0.1, 0.2, 0.3], [1.0, -2.0, 0.0]], [[0.0, 0.0, 0.0], [3.0, 1.0, -1.0]]],
                   ["log_prob", "entropy", "mode", "scale_tril", "covariance_matrix", "precision_matrix"] + MOMENTS),
    "ContinuousBernoulli-probs": (lambda lib, p: lib.ContinuousBernoulli(p), [[0.2, 0.4995, 0.7, 0.5, 0.95]],
                                  [0.1, 0.3, 0.9, 0.5, 0.0],
                                  ["log_prob", "cdf", "icdf", "entropy", "logits"] + MOMENTS),
    "ContinuousBernoulli-logits": (lambda lib, z: lib.ContinuousBernoulli(logits=z), [[-2.0, 0.001, 1.5, 0.0, 3.0]],
                                   [0.1, 0.3, 0.9, 0.5, 1.0],
                                   ["log_prob", "cdf", "icdf", "entropy", "probs"] + MOMENTS),
    "VonMises": (lambda lib, m, k: lib.VonMises(m, k), [[0.3, -1.0, 2.0, 0.0], [0.5, 2.0, 3.75, 10.0]],
                 [0.5, 0.7, 3.0, -2.0], ["log_prob", "mean", "mode", "variance"]),
}
# the values icdf is compared at (probabilities)
UNDER = {"icdf": [0.1, 0.5, 0.9, 0.3]}
UNDER_BY_CASE = {"ContinuousBernoulli-probs": [0.1, 0.5, 0.9, 0.3, 0.7],
                 "ContinuousBernoulli-logits": [0.1, 0.5, 0.9, 0.3, 0.7]}
# sample statistics need finite moments: the cases above with α <= 2, d2 <= 4 or ξ >= 1/2 are left out
HEAVY = {"InverseGamma": [[2.5, 3.5, 4.5], [1.0, 0.5, 2.0]], "FisherSnedecor": [[1.5, 3.0, 7.0], [9.5, 10.5, 20.0]],
         "GeneralizedPareto": [[0.3, -1.0, 2.0, 0.0], [0.5, 2.0, 1.5, 1.0], [0.2, 0.0, -0.3, 0.1]]}


def _make(torch, name, lib_name):
    make, params, _, _ = CASES[name]
    lib = tg if lib_name == "tg" else torch
    tensors = [lib.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params]
    if lib_name == "tg":
        return make(_Lib(D), *tensors), tensors
    return make(_Lib(torch.distributions, torch), *tensors), tensors


@pytest.mark.parametrize("name,method", [(n, m) for n, case in CASES.items() for m in case[3]])
def test_values_and_gradients_match_torch(torch, name, method):
    default = torch.get_default_dtype()
    if name == "GeneralizedPareto":
        # PyTorch's GeneralizedPareto compares the concentration with torch.tensor(0.0), which must
        # have the parameters' dtype
        torch.set_default_dtype(torch.float64)
    try:
        _compare(torch, name, method)
    finally:
        torch.set_default_dtype(default)


def _compare(torch, name, method):
    ours, our_params = _make(torch, name, "tg")
    theirs, their_params = _make(torch, name, "torch")
    if method in ("log_prob", "cdf", "icdf"):
        under = UNDER_BY_CASE.get(name, UNDER["icdf"]) if method == "icdf" else CASES[name][2]
        value = np.asarray(under, dtype=np.float64)
        a, b = getattr(ours, method)(tg.tensor(value)), getattr(theirs, method)(torch.tensor(value))
    elif method == "entropy":
        a, b = ours.entropy(), theirs.entropy()
    else:
        a, b = getattr(ours, method), getattr(theirs, method)
    assert a.shape == tuple(b.shape)
    assert a.dtype == np.dtype(str(b.dtype).replace("torch.", ""))
    # PyTorch's Multinomial entropy takes log n! of an int64 tensor, in float32; ours is float64
    # (checked exactly by hand in test_multinomial_by_hand)
    rtol = 1e-7 if name.startswith("Multinomial") and method == "entropy" else 1e-10
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=1e-12)
    if b.requires_grad:
        weights = np.linspace(0.5, 1.5, b.numel()).reshape(tuple(b.shape))
        (a * tg.tensor(weights)).sum().backward()
        (b * torch.tensor(weights)).sum().backward()
        for ours_p, theirs_p in zip(our_params, their_params):
            if theirs_p.grad is None:
                assert ours_p.grad is None or not ours_p.grad.numpy().any()
            else:
                np.testing.assert_allclose(ours_p.grad.numpy(), theirs_p.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_flags_and_expand_match_torch(torch, name):
    ours, _ = _make(torch, name, "tg")
    theirs, _ = _make(torch, name, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    assert ours.support.event_dim == theirs.support.event_dim
    assert ours.support.is_discrete == theirs.support.is_discrete
    for shape in [(), (4,), (2, 3)]:
        s = ours.sample(shape)
        assert s.shape == tuple(shape) + tuple(theirs.batch_shape) + tuple(theirs.event_shape)
        assert s.dtype == np.dtype(str(theirs.mean.dtype).replace("torch.", ""))
        assert not s.requires_grad
        if name != "Mixture-scalar-mix-batched-comp":  # (PyTorch's gather fails there)
            assert s.shape == tuple(theirs.sample(shape).shape)
    big = (4,) + tuple(ours.batch_shape)
    expanded = ours.expand(big)
    assert type(expanded) is type(ours) and expanded.batch_shape == big
    assert expanded.sample().shape == big + tuple(ours.event_shape)
    np.testing.assert_allclose(expanded.mean.detach().numpy()[0], ours.mean.detach().numpy())


def _stats(d, n=20000):
    x = d.sample((n,)).numpy()
    return x.mean(0), x.std(0) / math.sqrt(n)


@pytest.mark.parametrize("name", [n for n in CASES if n != "VonMises"])  # (circular moments: below)
def test_sample_means_within_standard_errors(name):
    tg.manual_seed(1)
    make, params, _, _ = CASES[name]
    params = HEAVY.get(name, params)
    d = make(_Lib(D), *[tg.tensor(np.asarray(p, dtype=np.float64)) for p in params])
    mean, se = _stats(d)
    expected = np.broadcast_to(d.mean.numpy(), mean.shape)
    assert np.all(np.abs(mean - expected) <= 5 * se + 1e-12)
    x = d.sample((20000,)).numpy()
    np.testing.assert_allclose(x.var(0), np.broadcast_to(d.variance.numpy(), mean.shape), rtol=0.1, atol=1e-12)


def test_mixture_of_two_normals_by_hand():
    w, m = tg.tensor([0.25, 0.75], dtype=tg.float64), tg.tensor([-1.0, 3.0], dtype=tg.float64)
    d = D.MixtureSameFamily(D.Categorical(w), D.Normal(m, tg.tensor([1.0, 2.0], dtype=tg.float64)))
    x = 0.5
    pdf = lambda x, mu, s: math.exp(-(x - mu) ** 2 / (2 * s * s)) / (s * math.sqrt(2 * math.pi))  # noqa: E731
    expected = math.log(0.25 * pdf(x, -1, 1) + 0.75 * pdf(x, 3, 2))
    assert abs(float(d.log_prob(tg.tensor(x, dtype=tg.float64))) - expected) < 1e-12
    assert abs(float(d.mean) - 2.0) < 1e-12
    # E[var] + var of the means: 0.25·1 + 0.75·4 + 0.25·9 + 0.75·1
    assert abs(float(d.variance) - (0.25 + 3.0 + 2.25 + 0.75)) < 1e-12
    assert d.batch_shape == () and d.event_shape == ()


def test_mixture_log_prob_stays_finite_far_away():
    d = D.MixtureSameFamily(D.Categorical(tg.tensor([0.5, 0.5], dtype=tg.float64)),
                            D.Normal(tg.tensor([0.0, 1.0], dtype=tg.float64), 0.1))
    lp = float(d.log_prob(tg.tensor(100.0, dtype=tg.float64)))
    assert math.isfinite(lp) and lp < -4e5


def test_mixture_errors():
    cat2, cat3 = D.Categorical(tg.ones(2)), D.Categorical(tg.ones(3))
    with pytest.raises(ValueError, match="Categorical"):
        D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(tg.zeros(2), 1.0))
    with pytest.raises(ValueError, match="Distribution"):
        D.MixtureSameFamily(cat2, tg.zeros(2))
    with pytest.raises(ValueError, match=r"\(3\) does not equal"):
        D.MixtureSameFamily(cat3, D.Normal(tg.zeros(2), 1.0))
    with pytest.raises(ValueError, match="not compatible"):
        D.MixtureSameFamily(D.Categorical(tg.ones(4, 2)), D.Normal(tg.zeros(3, 2), 1.0))
    with pytest.raises(IndexError):
        D.MixtureSameFamily(cat2, D.Normal(0.0, 1.0))
    d = D.MixtureSameFamily(cat2, D.Gamma(tg.ones(2), 1.0), validate_args=True)
    with pytest.raises(ValueError, match="support"):
        d.log_prob(tg.tensor([-1.0]))


def test_mixture_errors_match_torch(torch):
    T = torch.distributions
    cases = [lambda L, t: L.MixtureSameFamily(L.Normal(0.0, 1.0), L.Normal(t.zeros(2), 1.0)),
             lambda L, t: L.MixtureSameFamily(L.Categorical(t.ones(3)), L.Normal(t.zeros(2), 1.0)),
             lambda L, t: L.MixtureSameFamily(L.Categorical(t.ones(2)), L.Normal(0.0, 1.0)),
             lambda L, t: L.MixtureSameFamily(L.Categorical(t.ones(4, 2)), L.Normal(t.zeros(3, 2), 1.0))]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(T, torch)
        with pytest.raises(type(theirs.value)):
            case(D, tg)


def test_multinomial_by_hand():
    d = D.Multinomial(4, tg.tensor([0.25, 0.75], dtype=tg.float64))
    # P(1, 3) = 4 · 0.25 · 0.75³
    assert abs(float(d.log_prob(tg.tensor([1.0, 3.0], dtype=tg.float64))) - math.log(4 * 0.25 * 0.75 ** 3)) < 1e-12
    probs = [math.comb(4, k) * 0.25 ** k * 0.75 ** (4 - k) for k in range(5)]
    assert abs(float(d.entropy()) + sum(p * math.log(p) for p in probs)) < 1e-12
    assert d.sample((7,)).numpy().sum(-1).tolist() == [4.0] * 7
    zero = D.Multinomial(2, logits=tg.tensor([0.0, -math.inf], dtype=tg.float64))
    assert float(zero.log_prob(tg.tensor([2.0, 0.0], dtype=tg.float64))) == 0.0


def test_multinomial_errors():
    with pytest.raises(NotImplementedError, match="inhomogeneous"):
        D.Multinomial(tg.tensor(3), tg.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="not both"):
        D.Multinomial(3)
    d = D.Multinomial(3, tg.tensor([0.5, 0.5]), validate_args=True)
    with pytest.raises(ValueError, match="support"):
        d.log_prob(tg.tensor([3.0, 1.0]))
    with pytest.raises(ValueError, match="support"):
        d.log_prob(tg.tensor([-1.0, 1.0]))


def test_negative_binomial_by_hand():
    r, p = 3.0, 0.4
    d = D.NegativeBinomial(tg.tensor(r, dtype=tg.float64), tg.tensor(p, dtype=tg.float64))
    # P(k) = C(k + r - 1, k) p^k (1 - p)^r
    for k in range(4):
        expected = math.log(math.comb(k + 2, k) * p ** k * (1 - p) ** r)
        assert abs(float(d.log_prob(tg.tensor(float(k), dtype=tg.float64))) - expected) < 1e-12
    assert abs(float(d.mean) - r * p / (1 - p)) < 1e-12
    assert abs(float(d.variance) - r * p / (1 - p) ** 2) < 1e-12
    zero = D.NegativeBinomial(tg.tensor(0.0, dtype=tg.float64), tg.tensor(0.5, dtype=tg.float64))
    assert float(zero.log_prob(tg.tensor(0.0, dtype=tg.float64))) == 0.0
    assert not isinstance(d, D.Binomial)


def test_negative_binomial_errors_match_torch(torch):
    bad = [dict(total_count=-1.0, probs=0.5), dict(total_count=2.0, probs=1.0), dict(total_count=2.0)]
    for kwargs in bad:
        tk = {k: torch.tensor(v) for k, v in kwargs.items()}
        ok = {k: tg.tensor(v) for k, v in kwargs.items()}
        with pytest.raises(Exception) as theirs:
            torch.distributions.NegativeBinomial(validate_args=True, **tk)
        with pytest.raises(type(theirs.value)):
            D.NegativeBinomial(validate_args=True, **ok)
    d = D.NegativeBinomial(2.0, tg.tensor(0.5), validate_args=True)
    with pytest.raises(ValueError, match="support"):
        d.log_prob(tg.tensor(1.5))


def test_straight_through_gradient_is_the_probabilities():
    p = tg.tensor([0.2, 0.5, 0.3], dtype=tg.float64, requires_grad=True)
    d = D.OneHotCategoricalStraightThrough(p)
    tg.manual_seed(0)
    x = d.rsample((5,))
    assert x.shape == (5, 3) and set(np.unique(x.detach().numpy())) <= {0.0, 1.0}
    assert np.all(x.detach().numpy().sum(-1) == 1)
    (x * tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)).sum().backward()
    # d/dp of probs = p/Σp at Σp = 1, times the weights 5·(1, 2, 3)
    w = 5 * np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p.grad.numpy(), w - (w * p.detach().numpy()).sum(), rtol=1e-12)
    assert isinstance(d, D.OneHotCategorical)
    assert float(D.kl_divergence(d, d)) == 0.0


def test_von_mises_samples_have_the_circular_moments():
    tg.manual_seed(2)
    loc, kappa = np.array([0.3, -3.0, 2.0, 0.0]), np.array([0.5, 2.0, 3.75, 1e-6])
    d = D.VonMises(tg.tensor(loc), tg.tensor(kappa))
    x = d.sample((20000,)).numpy()
    assert x.dtype == np.float64 and np.all((x >= -math.pi) & (x < math.pi))
    # E[cos(x - loc)] = I1(κ)/I0(κ) = 1 - circular variance, E[sin(x - loc)] = 0
    cos, sin = np.cos(x - loc), np.sin(x - loc)
    se = np.sqrt(0.5 / 20000)
    assert np.all(np.abs(cos.mean(0) - (1 - d.variance.numpy())) < 5 * se)
    assert np.all(np.abs(sin.mean(0)) < 5 * se)
    assert D.VonMises(tg.tensor([0.0], dtype=tg.float32), 1.0).sample((3,)).dtype == np.float32


def test_von_mises_normaliser_is_close_to_the_exact_bessel_function():
    """PyTorch's polynomial log I0 (kept for equality with PyTorch) against tg.special.i0e."""
    kappa = tg.tensor(np.array([0.1, 1.0, 3.7, 3.8, 20.0, 300.0]))
    exact = (tg.special.i0e(kappa).log() + kappa).numpy()
    ours = -D.VonMises(tg.zeros(6, dtype=tg.float64), kappa).log_prob(tg.tensor(np.pi) * 0 + 0.5 * np.pi).numpy() \
        - math.log(2 * math.pi)
    np.testing.assert_allclose(ours, exact, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="concentration"):
        D.VonMises(0.0, tg.tensor(-1.0), validate_args=True)


def _lowrank(lib, dtype_tensor):
    t = dtype_tensor
    return lib.LowRankMultivariateNormal(t([[0.3, -1.0, 2.0], [0.0, 1.0, 0.5]]),
                                         t([[0.5, 0.1], [2.0, -1.0], [1.5, 0.3]]), t([0.5, 2.0, 1.5]))


def _lowrank2(lib, t):
    return lib.LowRankMultivariateNormal(t([1.0, 0.0, -0.5]), t([[[1.0], [0.2], [-0.4]]]), t([1.0, 0.7, 2.5]))


def _mvn(lib, t):
    return lib.MultivariateNormal(t([0.1, 0.2, -0.3]), scale_tril=t([[1.0, 0.0, 0.0], [0.3, 0.8, 0.0],
                                                                     [-0.2, 0.5, 1.5]]))


def _cb(lib, t):
    return lib.ContinuousBernoulli(t([0.2, 0.4995, 0.7, 0.95]))


# (p, q) constructors over (distributions module, float64 tensor maker that requires grad)
KL_PAIRS = {
    "CB-CB": (_cb, lambda lib, t: lib.ContinuousBernoulli(logits=t([1.0, -0.3, 0.002, 2.0]))),
    "Beta-CB": (lambda lib, t: lib.Beta(t([0.5, 2.0, 3.0, 1.0]), t([1.5, 0.7, 2.0, 1.0])), _cb),
    "Uniform-CB": (lambda lib, t: lib.Uniform(t([0.1, 0.0, 0.3, 0.2]), t([0.9, 0.5, 1.0, 0.4])), _cb),
    "CB-Exponential": (_cb, lambda lib, t: lib.Exponential(t([0.5, 1.0, 2.0, 3.0]))),
    "CB-Normal": (_cb, lambda lib, t: lib.Normal(t([0.5, 1.0, -2.0, 3.0]), t([0.3, 1.0, 2.0, 0.5]))),
    "CB-Uniform": (_cb, lambda lib, t: lib.Uniform(t([-0.1, 0.0, -1.0, -0.2]), t([1.2, 1.5, 1.0, 3.0]))),
    "Normal-CB": (lambda lib, t: lib.Normal(t([0.5, 1.0, -2.0, 3.0]), t([0.3, 1.0, 2.0, 0.5])), _cb),
    "Exponential-CB": (lambda lib, t: lib.Exponential(t([0.5, 1.0, 2.0, 3.0])), _cb),
    "Gamma-CB": (lambda lib, t: lib.Gamma(t([0.5, 1.0, 2.0, 3.0]), 1.0), _cb),
    "Gumbel-CB": (lambda lib, t: lib.Gumbel(t([0.5, 1.0, 2.0, 3.0]), 1.0), _cb),
    "Laplace-CB": (lambda lib, t: lib.Laplace(t([0.5, 1.0, 2.0, 3.0]), 1.0), _cb),
    "LowRank-LowRank": (_lowrank, _lowrank2),
    "MVN-LowRank": (_mvn, _lowrank),
    "LowRank-MVN": (_lowrank2, _mvn),
}


@pytest.mark.parametrize("name", list(KL_PAIRS))
def test_kl_divergences_match_torch(torch, name):
    make_p, make_q = KL_PAIRS[name]
    results = {}
    for lib_name, lib, dists in (("tg", tg, D), ("torch", torch, torch.distributions)):
        leaves = []

        def t(data, lib=lib, leaves=leaves):
            leaves.append(lib.tensor(np.asarray(data, dtype=np.float64), requires_grad=True))
            return leaves[-1]

        kl = dists.kl_divergence(make_p(dists, t), make_q(dists, t))
        finite = np.isfinite(kl.detach().numpy())
        if finite.any():
            weights = np.where(finite, np.linspace(0.5, 1.5, kl.numel()).reshape(tuple(kl.shape)), 0.0)
            (kl * lib.tensor(weights)).where(lib.tensor(finite), 0.0).sum().backward()
        results[lib_name] = (kl.detach().numpy(), [None if x.grad is None else x.grad.numpy() for x in leaves])
    (ours, our_grads), (theirs, their_grads) = results["tg"], results["torch"]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    for a, b in zip(our_grads, their_grads):
        if b is None:
            assert a is None or not a.any()
        else:
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_lowrank_matches_the_full_multivariate_normal():
    w = tg.tensor([[0.5, 0.1], [2.0, -1.0], [1.5, 0.3]], dtype=tg.float64)
    d = tg.tensor([0.5, 2.0, 1.5], dtype=tg.float64)
    loc = tg.tensor([0.3, -1.0, 2.0], dtype=tg.float64)
    low = D.LowRankMultivariateNormal(loc, w, d)
    cov = w.numpy() @ w.numpy().T + np.diag(d.numpy())
    full = D.MultivariateNormal(loc, tg.tensor(cov))
    x = tg.tensor([[0.1, 0.2, 0.3], [1.0, -2.0, 0.0]], dtype=tg.float64)
    np.testing.assert_allclose(low.log_prob(x).numpy(), full.log_prob(x).numpy(), rtol=1e-12)
    np.testing.assert_allclose(low.entropy().numpy(), full.entropy().numpy(), rtol=1e-12)
    np.testing.assert_allclose(low.precision_matrix.numpy(), np.linalg.inv(cov), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(low.scale_tril.numpy(), np.linalg.cholesky(cov), rtol=1e-10, atol=1e-12)
    assert abs(float(D.kl_divergence(low, full))) < 1e-12
    with pytest.raises(ValueError, match="cov_factor must be a batch of matrices"):
        D.LowRankMultivariateNormal(loc, w.T, d)
    with pytest.raises(ValueError, match="cov_diag"):
        D.LowRankMultivariateNormal(loc, w, d[:2])
    with pytest.raises(ValueError, match="Incompatible batch shapes"):
        D.LowRankMultivariateNormal(tg.zeros(4, 3), tg.zeros(5, 3, 1), d)
    with pytest.raises(RuntimeError, match="not positive-definite"):  # (PyTorch: its LinAlgError, a RuntimeError)
        D.LowRankMultivariateNormal(loc, w, -d, validate_args=True)


def test_inverse_gamma_fisher_pareto_continuous_bernoulli_by_hand():
    a, b, y = 3.0, 2.0, 0.7
    ig = D.InverseGamma(tg.tensor(a, dtype=tg.float64), tg.tensor(b, dtype=tg.float64))
    expected = a * math.log(b) - math.lgamma(a) - (a + 1) * math.log(y) - b / y
    assert abs(float(ig.log_prob(tg.tensor(y, dtype=tg.float64))) - expected) < 1e-12
    # F(2, 2) has cdf x/(1 + x): density 1/(1 + x)²
    f = D.FisherSnedecor(tg.tensor(2.0, dtype=tg.float64), tg.tensor(2.0, dtype=tg.float64))
    assert abs(float(f.log_prob(tg.tensor(1.5, dtype=tg.float64))) + 2 * math.log(2.5)) < 1e-12
    assert math.isnan(float(f.mean)) and math.isnan(float(f.mode))
    # ξ = 0: the exponential distribution shifted by loc
    g = D.GeneralizedPareto(tg.tensor(1.0, dtype=tg.float64), 2.0, 0.0)
    assert abs(float(g.cdf(tg.tensor(3.0, dtype=tg.float64))) - (1 - math.exp(-1.0))) < 1e-12
    assert abs(float(g.icdf(g.cdf(tg.tensor(3.0, dtype=tg.float64)))) - 3.0) < 1e-12
    # λ = 1/2 is the uniform distribution: density 1 (log 0) everywhere
    cb = D.ContinuousBernoulli(tg.tensor(0.5, dtype=tg.float64))
    assert abs(float(cb.log_prob(tg.tensor(0.3, dtype=tg.float64)))) < 1e-12
    assert abs(float(cb.mean) - 0.5) < 1e-12 and abs(float(cb.variance) - 1 / 12) < 1e-12


def test_errors_for_invalid_parameters_match_torch(torch):
    cases = [("InverseGamma", (-1.0, 1.0), {}), ("InverseGamma", (1.0, 0.0), {}),
             ("FisherSnedecor", (0.0, 1.0), {}), ("GeneralizedPareto", (0.0, -1.0, 0.5), {}),
             ("ContinuousBernoulli", (1.5,), {}), ("ContinuousBernoulli", (), {}),
             ("VonMises", (0.0, 0.0), {}), ("NegativeBinomial", (-1.0, 0.5), {})]
    for name, args, kwargs in cases:
        with pytest.raises(Exception) as theirs:
            getattr(torch.distributions, name)(*[torch.tensor(a) for a in args], validate_args=True, **kwargs)
        with pytest.raises(type(theirs.value)):
            getattr(D, name)(*[tg.tensor(a) for a in args], validate_args=True, **kwargs)
    gp = D.GeneralizedPareto(0.0, 1.0, tg.tensor(-0.5), validate_args=True)  # support [0, 2]
    with pytest.raises(ValueError, match="support"):
        gp.log_prob(tg.tensor(2.5))
    with pytest.raises(ValueError, match="support"):
        D.ContinuousBernoulli(tg.tensor(0.3), validate_args=True).log_prob(tg.tensor(1.2))
