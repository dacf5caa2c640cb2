"""The gamma family, Beta, Dirichlet, Binomial, Geometric, StudentT, Cauchy, HalfNormal and Gumbel
of tg.distributions: values and parameter gradients of log_prob, entropy, moments, cdf/icdf and KL
against PyTorch (float64), rsample gradients against PyTorch's on the same noise, sample
statistics against the moments, and checks that need no torch (scipy-free hand computations)."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


MOMENTS = ["mean", "mode", "variance", "stddev"]
# name -> (constructor over a library's distributions module, parameter arrays, a value to score,
#          the methods/properties to compare)
CASES = {
    "Gamma": (lambda lib, a, b: lib.Gamma(a, b), [[0.5, 2.0, 3.5], [1.0, 0.5, 2.0]], [0.3, 1.7, 2.5],
              ["log_prob", "entropy"] + MOMENTS),
    "Gamma-broadcast": (lambda lib, a, b: lib.Gamma(a, b), [[[0.5], [2.0]], [1.0, 0.5, 2.0]], [0.3, 1.7, 2.5],
                        ["log_prob", "entropy", "mean"]),
    "Chi2": (lambda lib, k: lib.Chi2(k), [[1.0, 2.5, 6.0]], [0.3, 1.7, 2.5], ["log_prob", "entropy", "df"] + MOMENTS),
    "Beta": (lambda lib, a, b: lib.Beta(a, b), [[0.5, 2.0, 3.5], [1.5, 0.7, 2.0]], [0.3, 0.7, 0.5],
             ["log_prob", "entropy", "concentration1", "concentration0"] + MOMENTS),
    "Beta-mode": (lambda lib, a, b: lib.Beta(a, b), [[2.0, 3.5, 0.5], [1.5, 2.0, 0.7]], [0.3, 0.7, 0.5], ["mode"]),
    "Dirichlet": (lambda lib, c: lib.Dirichlet(c), [[[0.5, 2.0, 3.5], [1.5, 1.2, 2.0]]],
                  [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], ["log_prob", "entropy"] + MOMENTS),
    "Dirichlet-corner": (lambda lib, c: lib.Dirichlet(c), [[[0.5, 0.7, 0.3], [1.5, 1.2, 2.0]]],
                         [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], ["mode"]),
    "Binomial-probs": (lambda lib, p: lib.Binomial(7, probs=p), [[0.2, 0.5, 0.9]], [0.0, 3.0, 7.0],
                       ["log_prob", "entropy", "logits"] + MOMENTS),
    "Binomial-logits": (lambda lib, z: lib.Binomial(lib.tensor([5.0, 6.0, 10.0]), logits=z), [[-2.0, 0.0, 3.0]],
                        [1.0, 6.0, 4.0], ["log_prob", "probs"] + MOMENTS),
    "Geometric-probs": (lambda lib, p: lib.Geometric(probs=p), [[0.2, 0.5, 1.0]], [0.0, 3.0, 0.0],
                        ["log_prob", "mean", "mode", "variance"]),
    "Geometric-logits": (lambda lib, z: lib.Geometric(logits=z), [[-2.0, 0.0, 3.0]], [1.0, 0.0, 4.0],
                         ["log_prob", "entropy", "probs"] + MOMENTS),
    "StudentT": (lambda lib, df, m, s: lib.StudentT(df, m, s), [[0.7, 1.5, 5.0], [0.3, -1.0, 2.0], [0.5, 2.0, 1.5]],
                 [0.1, 0.7, -3.0], ["log_prob", "entropy", "mean", "mode", "variance"]),
    "StudentT-default": (lambda lib, df: lib.StudentT(df), [[3.0, 4.5]], [0.1, -2.0], ["log_prob", "entropy"]),
    "Cauchy": (lambda lib, a, b: lib.Cauchy(a, b), [[0.3, -1.0, 2.0], [0.5, 2.0, 1.5]], [0.1, 0.7, -3.0],
               ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    "HalfNormal": (lambda lib, s: lib.HalfNormal(s), [[0.5, 2.0, 1.5]], [0.1, 0.7, 3.0],
                   ["log_prob", "cdf", "icdf", "entropy"] + MOMENTS),
    "Gumbel": (lambda lib, a, b: lib.Gumbel(a, b), [[0.3, -1.0, 2.0], [0.5, 2.0, 1.5]], [0.1, 0.7, -3.0],
               ["log_prob", "cdf", "icdf", "entropy"] + MOMENTS),
}
UNDER = {"icdf": [0.1, 0.5, 0.9]}


def _make(torch, name, lib_name):
    make, params, _, _ = CASES[name]
    lib = tg if lib_name == "tg" else torch
    tensors = [lib.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params]
    if lib_name == "tg":
        return make(_Lib(D), *tensors), tensors
    return make(_Lib(torch.distributions, torch), *tensors), tensors


class _Lib:
    """A distributions module that also offers `tensor` (float64), for the constructors above."""

    def __init__(self, module, torch=None) -> None:
        self.module, self.torch = module, torch

    def __getattr__(self, name):
        return getattr(self.module, name)

    def tensor(self, data):
        if self.torch is None:
            return tg.tensor(np.asarray(data, dtype=np.float64))
        return self.torch.tensor(np.asarray(data, dtype=np.float64))


@pytest.mark.parametrize("name,method", [(n, m) for n, case in CASES.items() for m in case[3]])
def test_values_and_gradients_match_torch(torch, name, method):
    ours, our_params = _make(torch, name, "tg")
    theirs, their_params = _make(torch, name, "torch")
    if method in ("log_prob", "cdf", "icdf"):
        value = np.asarray(UNDER.get(method, CASES[name][2]), dtype=np.float64)
        a, b = getattr(ours, method)(tg.tensor(value)), getattr(theirs, method)(torch.tensor(value))
    elif method == "entropy":
        a, b = ours.entropy(), theirs.entropy()
    else:
        a, b = getattr(ours, method), getattr(theirs, method)
    assert a.shape == tuple(b.shape)
    assert a.dtype == np.dtype(str(b.dtype).replace("torch.", ""))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    if b.requires_grad:
        weights = np.linspace(0.5, 1.5, b.numel()).reshape(tuple(b.shape))
        finite = np.isfinite(b.detach().numpy())
        weights = np.where(finite, weights, 0.0)
        (a * tg.tensor(weights)).where(tg.tensor(finite), 0.0).sum().backward()
        (b * torch.tensor(weights)).where(torch.tensor(finite), 0.0).sum().backward()
        for ours_p, theirs_p in zip(our_params, their_params):
            if theirs_p.grad is None:
                assert ours_p.grad is None or not ours_p.grad.numpy().any()
            else:
                np.testing.assert_allclose(ours_p.grad.numpy(), theirs_p.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_repr_and_flags_match_torch(torch, name):
    ours, _ = _make(torch, name, "tg")
    theirs, _ = _make(torch, name, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    ours_size = lambda m: repr(tg.Size(tuple(int(s) for s in m.group(1).split(",") if s)))  # noqa: E731
    assert repr(ours) == re.sub(r"torch\.Size\(\[([^\]]*)\]\)", ours_size, repr(theirs))
    for shape in [(), (4,), (2, 3)]:
        assert ours.sample(shape).shape == tuple(theirs.sample(shape).shape)
        assert ours.sample(shape).dtype == np.dtype(str(theirs.sample(shape).dtype).replace("torch.", ""))
        assert not ours.sample(shape).requires_grad
    expanded = ours.expand((4,) + tuple(ours.batch_shape))
    assert type(expanded) is type(ours) and expanded.batch_shape == (4,) + tuple(ours.batch_shape)
    assert expanded.sample().shape == (4,) + tuple(ours.batch_shape) + tuple(ours.event_shape)
    if name != "Binomial-logits":  # (entropy needs one total_count for the batch)
        np.testing.assert_allclose(expanded.entropy().detach().numpy()[0], ours.entropy().detach().numpy())


@pytest.mark.parametrize("name", ["Cauchy", "HalfNormal", "Gumbel"])
def test_rsample_gradient_matches_torch_on_the_same_noise(torch, name):
    """Recover the noise from our sample, push it through PyTorch's reparameterisation, compare."""
    tg.manual_seed(0)
    ours, our_params = _make(torch, name, "tg")
    _, tp = _make(torch, name, "torch")
    x = ours.rsample((5,))
    assert x.requires_grad and x.shape == (5,) + tuple(ours.batch_shape)
    xd = x.detach().numpy()
    p = [t.detach().numpy() for t in our_params]
    if name == "Cauchy":
        tx = tp[0] + torch.tensor((xd - p[0]) / p[1]) * tp[1]
    elif name == "HalfNormal":
        tx = (torch.tensor(xd / p[0]) * tp[0]).abs()
    else:
        tx = tp[0] + tp[1] * torch.tensor((xd - p[0]) / p[1])
    weights = np.cos(np.arange(xd.size)).reshape(xd.shape)
    (x.sin() * tg.tensor(weights)).sum().backward()
    (tx.sin() * torch.tensor(weights)).sum().backward()
    for a, b in zip(our_params, tp):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_rsample_everywhere_pytorch_has_it():
    """Gamma, Chi2, Beta, Dirichlet and StudentT sample with implicit reparameterization
    gradients (tests/test_distributions_rsample.py checks their values)."""
    for dist in [D.Gamma(2.0, 1.0), D.Chi2(3.0), D.Beta(2.0, 2.0), D.Dirichlet(tg.tensor([1.0, 2.0])),
                 D.StudentT(3.0), D.Cauchy(0.0, 1.0), D.HalfNormal(1.0), D.Gumbel(0.0, 1.0)]:
        assert dist.has_rsample and dist.rsample().shape == dist.sample().shape


@pytest.mark.parametrize("make", [
    lambda: D.Gamma(tg.tensor([0.5, 3.0]), tg.tensor([2.0, 0.5])),
    lambda: D.Chi2(tg.tensor([1.0, 4.0])),
    lambda: D.Beta(tg.tensor([0.5, 3.0]), tg.tensor([2.0, 1.5])),
    lambda: D.Dirichlet(tg.tensor([0.5, 3.0, 1.5])),
    lambda: D.Binomial(tg.tensor([3.0, 20.0]), tg.tensor([0.3, 0.8])),
    lambda: D.Geometric(tg.tensor([0.3, 0.8])),
    lambda: D.StudentT(tg.tensor([5.0, 9.0]), tg.tensor([1.0, -1.0]), tg.tensor([2.0, 0.5])),
    lambda: D.HalfNormal(tg.tensor([0.5, 2.0])),
    lambda: D.Gumbel(tg.tensor([0.5, -2.0]), tg.tensor([1.0, 3.0])),
])
def test_sample_statistics_match_the_moments(make):
    tg.manual_seed(1)
    dist = make()
    x = dist.sample((40000,)).numpy()
    mean, var = dist.mean.detach().numpy(), dist.variance.detach().numpy()
    np.testing.assert_allclose(x.mean(0), mean, atol=5 * np.sqrt(var / 40000).max() + 1e-12)
    np.testing.assert_allclose(x.var(0), var, rtol=0.1)
    assert bool(dist.support.check(tg.tensor(x)).all())


def test_cauchy_samples_by_quantiles():
    tg.manual_seed(2)
    x = D.Cauchy(1.0, 2.0).sample((40000,)).numpy()
    np.testing.assert_allclose(np.quantile(x, [0.25, 0.5, 0.75]), [-1.0, 1.0, 3.0], atol=0.1)


def test_hand_computations_without_torch():
    # Gamma(1, rate) is Exponential(rate); Chi2(2) is Exponential(1/2)
    x = tg.tensor([0.3, 2.0])
    np.testing.assert_allclose(D.Gamma(1.0, 2.0).log_prob(x).numpy(), D.Exponential(2.0).log_prob(x).numpy())
    np.testing.assert_allclose(D.Chi2(2.0).entropy().numpy(), D.Exponential(0.5).entropy().numpy())
    # Beta(a, b) at x by the formula with math.lgamma
    a, b, v = 2.5, 0.7, 0.3
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    expected = (a - 1) * math.log(v) + (b - 1) * math.log(1 - v) - log_beta
    np.testing.assert_allclose(D.Beta(a, b).log_prob(tg.tensor(v)).item(), expected, rtol=1e-12)
    # Binomial pmf sums to 1, and matches math.comb
    dist = D.Binomial(6, tg.tensor(0.3))
    pmf = dist.log_prob(dist.enumerate_support()).exp().numpy()
    np.testing.assert_allclose(pmf, [math.comb(6, k) * 0.3 ** k * 0.7 ** (6 - k) for k in range(7)], rtol=1e-12)
    # Geometric, StudentT with df=1 is Cauchy, Gumbel cdf/icdf round trip
    np.testing.assert_allclose(D.Geometric(tg.tensor(0.25)).log_prob(tg.tensor(2.0)).item(), math.log(0.75 ** 2 * 0.25))
    y = tg.tensor([-2.0, 0.5])
    np.testing.assert_allclose(D.StudentT(1.0, 0.5, 2.0).log_prob(y).numpy(), D.Cauchy(0.5, 2.0).log_prob(y).numpy())
    g = D.Gumbel(0.5, 2.0)
    np.testing.assert_allclose(g.icdf(g.cdf(y)).numpy(), y.numpy())
    np.testing.assert_allclose(D.HalfNormal(2.0, validate_args=False).log_prob(y).numpy(),
                               [-math.inf, math.log(2) + D.Normal(0.0, 2.0).log_prob(tg.tensor(0.5)).item()])


def test_entropy_and_log_prob_are_twice_differentiable():
    a = tg.tensor([1.5, 3.0], requires_grad=True)
    ent = D.Gamma(a, 2.0).entropy().sum()
    (g,) = tg.autograd.grad(ent, a, create_graph=True)
    (gg,) = tg.autograd.grad(g.sum(), a)
    # d/da [a + lgamma a + (1 - a) ψ(a)] = 1 + (1 - a) ψ'(a); d² = -ψ'(a) + (1 - a) ψ''(a)
    an = a.detach()
    np.testing.assert_allclose(g.detach().numpy(), (1 + (1 - an) * an.polygamma(1)).numpy(), rtol=1e-10)
    np.testing.assert_allclose(gg.numpy(), (-an.polygamma(1) + (1 - an) * an.polygamma(2)).numpy(), rtol=1e-8)


KL_CASES = {
    "Gamma": (lambda lib, a, b: lib.Gamma(a, b), [[0.5, 2.0], [1.0, 3.0]], [[1.5, 0.7], [2.0, 0.5]]),
    "Chi2": (lambda lib, k: lib.Chi2(k), [[1.0, 4.0]], [[3.0, 2.5]]),
    "Beta": (lambda lib, a, b: lib.Beta(a, b), [[0.5, 2.0], [1.0, 3.0]], [[1.5, 0.7], [2.0, 0.5]]),
    "Dirichlet": (lambda lib, c: lib.Dirichlet(c), [[[0.5, 2.0, 1.0], [1.0, 3.0, 0.2]]],
                  [[[1.5, 0.7, 2.0], [2.0, 0.5, 1.0]]]),
    "Binomial": (lambda lib, p: lib.Binomial(5, p), [[0.2, 0.7, 0.5]], [[0.4, 0.1, 0.5]]),
    "Geometric": (lambda lib, p: lib.Geometric(p), [[0.2, 0.7, 0.5]], [[0.4, 0.1, 0.9]]),
}


@pytest.mark.parametrize("name", list(KL_CASES))
def test_kl_divergence_matches_torch(torch, name):
    make, p_args, q_args = KL_CASES[name]
    ours_p = [tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in p_args + q_args]
    theirs_p = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in p_args + q_args]
    n = len(p_args)
    a = D.kl_divergence(make(D, *ours_p[:n]), make(D, *ours_p[n:]))
    b = torch.distributions.kl_divergence(make(torch.distributions, *theirs_p[:n]),
                                          make(torch.distributions, *theirs_p[n:]))
    assert a.shape == tuple(b.shape)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)
    a.sum().backward()
    b.sum().backward()
    for x, y in zip(ours_p, theirs_p):  # (PyTorch's float64 trigamma is good to ~1e-9 only; ours to rounding)
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-7, atol=1e-10)


def test_kl_matches_a_monte_carlo_estimate():
    tg.manual_seed(3)
    p, q = D.Gamma(tg.tensor(2.0), tg.tensor(1.5)), D.Gamma(tg.tensor(3.0), tg.tensor(1.0))
    x = p.sample((100000,))
    estimate = (p.log_prob(x) - q.log_prob(x)).mean().item()
    assert abs(D.kl_divergence(p, q).item() - estimate) < 0.01


def test_binomial_kl_with_different_total_counts():
    p, q = D.Binomial(tg.tensor([5.0, 6.0]), tg.tensor([0.3, 0.3])), D.Binomial(tg.tensor([5.0, 5.0]), tg.tensor(0.4))
    kl = D.kl_divergence(p, q).numpy()
    assert np.isfinite(kl[0]) and kl[1] == math.inf
    with pytest.raises(NotImplementedError):
        D.kl_divergence(q, p)


def test_errors_match_torch(torch):
    with pytest.raises(ValueError):
        torch.distributions.Gamma(torch.tensor([-1.0]), 1.0)
    with pytest.raises(ValueError):
        torch.distributions.HalfNormal(1.0).log_prob(torch.tensor(-1.0))
    with pytest.raises(ValueError):
        D.HalfNormal(1.0).log_prob(tg.tensor(-1.0))
    with pytest.raises(ValueError):
        D.Gamma(tg.tensor([-1.0]), 1.0)
    with pytest.raises(ValueError):
        D.Beta(tg.tensor([1.0]), tg.tensor([0.0]))
    with pytest.raises(ValueError):
        D.Dirichlet(tg.tensor(1.0))
    with pytest.raises(ValueError):
        D.Binomial(3, probs=tg.tensor(0.2), logits=tg.tensor(0.0))
    with pytest.raises(ValueError):
        D.Binomial(tg.tensor(2.5), tg.tensor(0.2))
    with pytest.raises(ValueError):
        D.Geometric(tg.tensor([0.0, 0.5]))
    with pytest.raises(ValueError):
        D.Binomial(3, tg.tensor(0.2)).log_prob(tg.tensor(4.0))
    with pytest.raises(ValueError):
        D.Beta(2.0, 2.0).log_prob(tg.tensor(1.5))
    with pytest.raises(NotImplementedError):
        D.Binomial(tg.tensor([3.0, 4.0]), tg.tensor(0.2)).entropy()
    with pytest.raises(NotImplementedError):
        torch.distributions.Binomial(torch.tensor([3.0, 4.0]), torch.tensor(0.2)).entropy()
    with pytest.raises(ValueError):
        torch.distributions.Geometric(torch.tensor([0.0, 0.5]))


def test_scalar_parameters_give_default_dtype_and_empty_batch(torch):
    for ours, theirs in [(D.Gamma(2.0, 1.0), torch.distributions.Gamma(2.0, 1.0)),
                         (D.Beta(2.0, 1.0), torch.distributions.Beta(2.0, 1.0)),
                         (D.Geometric(0.5), torch.distributions.Geometric(0.5)),
                         (D.Cauchy(0.0, 1.0), torch.distributions.Cauchy(0.0, 1.0))]:
        assert ours.batch_shape == tuple(theirs.batch_shape) == ()
        assert ours.mean.dtype == tg.get_default_dtype()


def _transformed_cases(lib, loc, scale):
    """The same TransformedDistributions built from either library's distributions module."""
    T = lib.transforms
    finfo = np.finfo(np.float64)
    return {
        "exp": lib.TransformedDistribution(lib.Normal(loc, scale), [T.ExpTransform()]),
        "affine-sigmoid": lib.TransformedDistribution(lib.Normal(0.0 * loc, 1.0 + 0.0 * scale),
                                                      [T.AffineTransform(loc, scale), T.SigmoidTransform()]),
        "tanh": lib.TransformedDistribution(lib.Normal(loc, scale), T.TanhTransform()),
        "affine-negative": lib.TransformedDistribution(lib.Normal(loc, scale), [T.AffineTransform(1.5, -2.0)]),
        "gumbel": lib.TransformedDistribution(lib.Uniform(finfo.tiny, 1 - finfo.eps),
                                              [T.ExpTransform().inv, T.AffineTransform(0, -1), T.ExpTransform().inv,
                                               T.AffineTransform(loc, -scale)]),
        "affine-event": lib.TransformedDistribution(lib.Normal(loc * 0.0, scale * 0.0 + 1.0),
                                                    [T.AffineTransform(loc, scale, event_dim=1)]),
    }


VALUES = {"exp": [0.5, 1.7, 0.2], "affine-sigmoid": [0.2, 0.9, 0.5], "tanh": [-0.3, 0.6, 0.95],
          "affine-negative": [0.1, -2.0, 3.0], "gumbel": [0.1, 0.7, -3.0], "affine-event": [0.1, -2.0, 3.0]}


@pytest.mark.parametrize("name", list(VALUES))
def test_transformed_distribution_matches_torch(torch, name):
    loc_np, scale_np = np.array([0.3, -1.0, 0.5]), np.array([0.5, 2.0, 1.5])
    ours_p = [tg.tensor(a, requires_grad=True) for a in (loc_np, scale_np)]
    theirs_p = [torch.tensor(a, requires_grad=True) for a in (loc_np, scale_np)]
    ours, theirs = _transformed_cases(D, *ours_p)[name], _transformed_cases(torch.distributions, *theirs_p)[name]
    assert ours.batch_shape == tuple(theirs.batch_shape) and ours.event_shape == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert repr(ours.support) == repr(theirs.support)
    value = np.array(VALUES[name])
    methods = ["log_prob"] + (["cdf", "icdf"] if name in ("exp", "affine-negative", "gumbel") else [])
    for method in methods:
        arg = np.array([0.1, 0.5, 0.9]) if method == "icdf" else value
        a, b = getattr(ours, method)(tg.tensor(arg)), getattr(theirs, method)(torch.tensor(arg))
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
        if b.requires_grad:
            weights = np.linspace(0.5, 1.5, b.numel()).reshape(tuple(b.shape))
            (a * tg.tensor(weights)).sum().backward()
            (b * torch.tensor(weights)).sum().backward()
            for x, y in zip(ours_p, theirs_p):
                np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10)
                x.grad, y.grad = None, None
    assert ours.sample((4,)).shape == tuple(theirs.sample((4,)).shape)
    expanded = ours.expand((2,) + tuple(ours.batch_shape))
    assert expanded.batch_shape == (2,) + tuple(ours.batch_shape) and expanded.event_shape == ours.event_shape


def test_transformed_rsample_gradient_matches_torch_on_the_same_noise(torch):
    """A tanh-squashed Gaussian (as in soft actor-critic): recover the normal noise from the sample,
    push it through PyTorch's, compare the sample's and its log_prob's gradients."""
    tg.manual_seed(4)
    loc_np, scale_np = np.array([0.3, -1.0]), np.array([0.5, 2.0])
    ours_p = [tg.tensor(a, requires_grad=True) for a in (loc_np, scale_np)]
    theirs_p = [torch.tensor(a, requires_grad=True) for a in (loc_np, scale_np)]
    T, TT = D.transforms, torch.distributions.transforms
    ours = D.TransformedDistribution(D.Normal(*ours_p), [T.TanhTransform(cache_size=1)])
    theirs = torch.distributions.TransformedDistribution(torch.distributions.Normal(*theirs_p),
                                                         [TT.TanhTransform(cache_size=1)])
    y = ours.rsample((3,))
    eps = (np.arctanh(y.detach().numpy()) - loc_np) / scale_np
    ty = theirs.transforms[0](theirs_p[0] + theirs_p[1] * torch.tensor(eps))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10)
    (y.sum() + ours.log_prob(y).sum()).backward()
    (ty.sum() + theirs.log_prob(ty).sum()).backward()
    for x, t in zip(ours_p, theirs_p):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_transforms_without_torch():
    T = D.transforms
    x = tg.tensor([-1.0, 0.0, 2.0])
    for t in [T.ExpTransform(), T.SigmoidTransform(), T.TanhTransform(), T.AffineTransform(1.0, -3.0)]:
        y = t(x)
        np.testing.assert_allclose(t.inv(y).numpy(), x.numpy(), rtol=1e-12, atol=1e-12)
        assert t.inv.inv is t
        # log |dy/dx| by a central difference
        h = 1e-6
        slope = (t(x + h) - t(x - h)).numpy() / (2 * h)
        expected = np.log(np.abs(slope))
        np.testing.assert_allclose(t.log_abs_det_jacobian(x, y).numpy(), expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(t.inv.log_abs_det_jacobian(y, x).numpy(), -expected, rtol=1e-6, atol=1e-8)
    assert T.AffineTransform(0.0, -2.0).sign == -1 and T.ExpTransform().sign == 1
    d = D.TransformedDistribution(D.Normal(0.0, 1.0), [T.ExpTransform()])
    v = tg.tensor([0.5, 2.0])
    np.testing.assert_allclose(d.log_prob(v).numpy(), D.LogNormal(0.0, 1.0).log_prob(v).numpy(), rtol=1e-12)
    with pytest.raises(ValueError):
        D.TransformedDistribution(D.Normal(0.0, 1.0), T.ExpTransform)
    with pytest.raises(ValueError):
        D.TransformedDistribution(D.Normal(0.0, 1.0), [T.ExpTransform(), 3])
    with pytest.raises(ValueError):
        D.TransformedDistribution(D.Normal(0.0, 1.0), [T.ExpTransform()]).log_prob(tg.tensor(-1.0))
