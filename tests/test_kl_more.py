"""The KL pairs of tinygrad_edu/distributions/kl_more.py: values (inf included) and parameter
gradients against PyTorch in float64 with broadcasting, the support edges where PyTorch returns
inf, the TransformedDistribution rules, and checks without torch (KL(p ‖ p) = 0, hand-computed
values, Monte-Carlo estimates of E_p[log p - log q], no ambiguous dispatch)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D
from tinygrad_edu.distributions import kl as kl_module


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _params(name: str, shape: tuple, rng: np.random.Generator) -> list:
    """Random valid parameters of a distribution (positional, as both libraries take them)."""
    def u(lo, hi):
        return rng.uniform(lo, hi, shape)
    if name in ("Normal", "Gumbel", "Laplace", "Cauchy"):
        return [u(-1.5, 1.5), u(0.5, 2.0)]
    if name in ("HalfNormal", "Exponential", "Poisson"):
        return [u(0.5, 3.0)]
    if name == "Pareto":
        return [u(0.5, 1.5), u(2.5, 5.0)]
    if name == "Uniform":
        low = u(0.1, 0.4)
        return [low, low + u(0.2, 0.5)]
    if name in ("Beta", "Gamma", "InverseGamma"):
        return [u(0.5, 3.0), u(0.5, 3.0)]
    if name in ("Bernoulli", "ContinuousBernoulli"):
        return [u(0.1, 0.9)]
    if name == "Binomial":
        return [np.full(shape, 5.0), u(0.1, 0.9)]
    raise AssertionError(name)


# Parameters that make a random pair finite where the generic ones would not (or vice versa).
_OVERRIDES = {
    ("Beta", "Uniform"): lambda shape, rng: [rng.uniform(-1, 0, shape), rng.uniform(1, 2, shape)],
    ("Uniform", "Pareto"): lambda shape, rng: [rng.uniform(0.01, 0.09, shape), rng.uniform(0.5, 3, shape)],
}

_INF = [("Beta", "Pareto"), ("ContinuousBernoulli", "Pareto")]
_INF += [(p, q) for p in ("Exponential", "Gamma") for q in ("Uniform", "Pareto", "Beta")]
_INF += [(p, q) for p in ("Gumbel", "Laplace", "Normal") for q in ("Uniform", "Pareto", "Gamma", "Exponential", "Beta")]
_INF += [("Pareto", q) for q in ("Uniform", "ContinuousBernoulli", "Beta")]
_INF += [("Poisson", "Binomial"), ("Poisson", "Bernoulli")]

_FINITE = [("Gumbel", "Gumbel"), ("HalfNormal", "HalfNormal"), ("Pareto", "Pareto"), ("Cauchy", "Cauchy"),
           ("InverseGamma", "InverseGamma"), ("Bernoulli", "Poisson"), ("Beta", "Exponential"), ("Beta", "Gamma"),
           ("Beta", "Normal"), ("Beta", "Uniform"), ("Exponential", "Gamma"), ("Exponential", "Gumbel"),
           ("Exponential", "Normal"), ("Gamma", "Exponential"), ("Gamma", "Gumbel"), ("Gamma", "Normal"),
           ("Gumbel", "Normal"), ("Laplace", "Normal"), ("Normal", "Gumbel"), ("Normal", "Laplace"),
           ("Pareto", "Exponential"), ("Pareto", "Gamma"), ("Pareto", "Normal"), ("Uniform", "Beta"),
           ("Uniform", "Exponential"), ("Uniform", "Gamma"), ("Uniform", "Gumbel"), ("Uniform", "Normal"),
           ("Uniform", "Pareto")]

# PyTorch writes inf through a boolean mask of one side's shape (`result[mask] = inf`), which needs
# that side to have the result's shape: broadcasting goes the other way for these pairs.
_MASK_ON_P = {("Pareto", "Exponential"), ("Pareto", "Gamma"), ("Pareto", "Normal"), ("Uniform", "Beta"),
              ("Uniform", "Exponential"), ("Uniform", "Gamma")}
_MASK_ON_Q = {("Beta", "Uniform")}


def _shapes(pair) -> list:
    if pair in _MASK_ON_P:
        return [((3, 2), (2,)), ((2,), ()), ((2,), (2,))]
    if pair in _MASK_ON_Q:
        return [((2,), (3, 2)), ((), (2,)), ((2,), (2,))]
    return [((2,), (3, 1)), ((3, 2), (2,)), ((), (2,))]


def _make(lib, name: str, params: list):
    """(distribution, leaf tensors) of `lib` (tinygrad_edu or torch) from float64 arrays."""
    leaves = [lib.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in params]
    return getattr(lib.distributions, name)(*leaves), leaves


def _compare(torch, p_name, p_params, q_name, q_params, grads: bool = True) -> np.ndarray:
    """Assert our KL equals PyTorch's (values, shape, and gradients for all parameters); return it."""
    ours_p, ours_leaves = _make(tg, p_name, p_params)
    ours_q, ours_q_leaves = _make(tg, q_name, q_params)
    theirs_p, theirs_leaves = _make(torch, p_name, p_params)
    theirs_q, theirs_q_leaves = _make(torch, q_name, q_params)
    ours = D.kl_divergence(ours_p, ours_q)
    theirs = torch.distributions.kl_divergence(theirs_p, theirs_q)
    assert tuple(ours.shape) == tuple(theirs.shape), (p_name, q_name)
    assert ours.dtype == tg.float64
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-10)
    if grads and np.isfinite(theirs.detach().numpy()).all() and theirs.requires_grad:
        ours.sum().backward()
        theirs.sum().backward()
        for a, b in zip(ours_leaves + ours_q_leaves, theirs_leaves + theirs_q_leaves):
            if b.grad is None:
                assert a.grad is None or not np.any(a.grad.numpy())
                continue
            # PyTorch's trigamma (the derivative of digamma) is accurate to ~5e-10 relative (ours to
            # ~1e-15 against mpmath), so gradients through ψ agree to that (absolute, as terms of
            # order 1 cancel), not to 1e-10
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=2e-9, atol=2e-9)
    return ours.numpy()


@pytest.mark.parametrize("pair", _FINITE, ids=lambda p: f"{p[0]}-{p[1]}")
def test_finite_pairs_match_torch_values_and_gradients(torch, pair):
    rng = np.random.default_rng(0)
    for p_shape, q_shape in _shapes(pair):
        p_params = _params(pair[0], p_shape, rng)
        q_params = _OVERRIDES.get(pair, lambda s, r: _params(pair[1], s, r))(q_shape, rng)
        if pair == ("Beta", "Uniform"):
            p_params, q_params = _params("Beta", p_shape, rng), _OVERRIDES[pair](q_shape, rng)
        if pair == ("Pareto", "Pareto"):  # p's scale at least q's, so the value is finite
            q_params[0] = q_params[0] * 0.3
        result = _compare(torch, pair[0], p_params, pair[1], q_params)
        assert np.isfinite(result).all(), pair


@pytest.mark.parametrize("pair", _INF, ids=lambda p: f"{p[0]}-{p[1]}")
def test_infinite_pairs_match_torch(torch, pair):
    """inf of p's parameter's shape, as PyTorch's `_infinite_like` (not the broadcast shape)."""
    rng = np.random.default_rng(1)
    for p_shape, q_shape in [((2,), (3, 1)), ((), (2,)), ((3, 2), (2,))]:
        result = _compare(torch, pair[0], _params(pair[0], p_shape, rng), pair[1], _params(pair[1], q_shape, rng))
        assert result.shape == p_shape and np.all(result == np.inf)


# Support edges: (p, p's parameters, q, q's parameters); each has entries on both sides of the edge.
_EDGES = [
    ("Pareto", [[1.0, 1.0, 0.5, 2.0], [3.0, 2.0, 3.0, 1.5]], "Pareto", [[1.0, 0.5, 1.0, 1.0], [2.0, 2.0, 2.0, 4.0]]),
    ("Beta", [[2.0, 2.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0]], "Uniform", [[0.0, 0.1, -1.0, 0.0], [1.0, 1.0, 0.9, 2.0]]),
    ("Pareto", [[1.0, 1.0, 1.0, 2.0], [0.5, 1.0, 1.5, 4.0]], "Exponential", [[1.0, 2.0, 0.5, 3.0]]),
    ("Pareto", [[1.0, 1.0, 1.0, 2.0], [0.5, 1.0, 1.5, 4.0]], "Gamma", [[1.0, 2.0, 0.5, 3.0], [1.0, 2.0, 3.0, 1.0]]),
    ("Pareto", [[1.0, 1.0, 1.0, 2.0], [1.5, 2.0, 2.5, 4.0]], "Normal", [[0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.5, 3.0]]),
    ("Uniform", [[0.0, -0.1, 0.5, 0.2], [1.0, 0.5, 1.2, 0.8]], "Beta", [[2.0, 1.5, 2.0, 0.5], [3.0, 2.0, 1.0, 0.7]]),
    ("Uniform", [[0.0, -0.1, 0.5], [1.0, 0.5, 1.2]], "Exponential", [[2.0, 1.5, 2.0]]),
    ("Uniform", [[0.0, -0.1, 0.5], [1.0, 0.5, 1.2]], "Gamma", [[2.0, 1.5, 2.0], [3.0, 2.0, 1.0]]),
    ("Uniform", [[1.0, 0.9, 1.5], [2.0, 2.0, 2.5]], "Pareto", [[1.0, 1.0, 1.0], [3.0, 2.0, 1.5]]),
    ("Bernoulli", [[0.0, 1.0, 0.5]], "Poisson", [[2.0, 2.0, 0.5]]),
]


@pytest.mark.parametrize("edge", _EDGES, ids=lambda e: f"{e[0]}-{e[2]}")
def test_support_edges_match_torch(torch, edge):
    p_name, p_params, q_name, q_params = edge
    result = _compare(torch, p_name, p_params, q_name, q_params, grads=False)
    if p_name != "Bernoulli":
        assert np.isinf(result).any() and np.isfinite(result).any()


def test_edge_gradients_match_torch_away_from_zero(torch):
    """Gradients at support edges where PyTorch's are defined: alpha just above the Pareto's
    moment limits and a Uniform ending at 1 under a Beta (x log x at 1 - high = 0 is fine)."""
    _compare(torch, "Pareto", [[1.0, 2.0], [1.01, 2.01]], "Exponential", [[1.0, 2.0]])
    _compare(torch, "Pareto", [[1.0, 2.0], [2.01, 3.0]], "Normal", [[0.0, 1.0], [1.0, 2.0]])
    _compare(torch, "Uniform", [[0.2, 0.3], [0.9, 0.8]], "Beta", [[2.0, 0.5], [3.0, 0.7]])
    _compare(torch, "Uniform", [[1.0, 1.5], [2.0, 2.5]], "Pareto", [[1.0, 0.5], [3.0, 1.5]])


def _transformed(lib, loc, scale, transforms):
    base = lib.distributions.Normal(lib.tensor(loc, dtype=lib.float64, requires_grad=True),
                                    lib.tensor(scale, dtype=lib.float64, requires_grad=True))
    return lib.distributions.TransformedDistribution(base, transforms(lib))


def test_transformed_transformed_matches_torch(torch):
    def exp_affine(lib):
        t = lib.distributions.transforms
        return [t.ExpTransform(), t.AffineTransform(loc=1.0, scale=2.0)]
    ours = D.kl_divergence(_transformed(tg, [0.0, 1.0], [1.0, 2.0], exp_affine),
                           _transformed(tg, [[0.5], [1.5]], [[1.5], [0.5]], exp_affine))
    theirs = torch.distributions.kl_divergence(_transformed(torch, [0.0, 1.0], [1.0, 2.0], exp_affine),
                                               _transformed(torch, [[0.5], [1.5]], [[1.5], [0.5]], exp_affine))
    assert tuple(ours.shape) == tuple(theirs.shape) == (2, 2)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    # HalfCauchy (|X| through AbsTransform) and Weibull reach this pair as subclasses, as in PyTorch
    _compare(torch, "HalfCauchy", [[1.0, 2.0]], "HalfCauchy", [[3.0, 2.0]])
    _compare(torch, "Weibull", [[1.0, 2.0], [1.5, 2.0]], "Weibull", [[1.0, 2.0], [1.5, 2.0]])


def test_transformed_transformed_needs_equal_transforms_and_event_shapes(torch):
    for lib in (tg, torch):
        t = lib.distributions.transforms
        p = _transformed(lib, [0.0], [1.0], lambda lib: [t.ExpTransform()])
        q = _transformed(lib, [0.0], [1.0], lambda lib: [t.SigmoidTransform()])
        with pytest.raises(NotImplementedError):
            (D.kl_divergence if lib is tg else torch.distributions.kl_divergence)(p, q)
        normal = lib.distributions.Normal(lib.zeros(2, dtype=lib.float64), lib.ones(2, dtype=lib.float64))
        flat = lib.distributions.TransformedDistribution(normal, [t.ExpTransform()])
        event = lib.distributions.TransformedDistribution(lib.distributions.Independent(normal, 1), [t.ExpTransform()])
        with pytest.raises(NotImplementedError):
            (D.kl_divergence if lib is tg else torch.distributions.kl_divergence)(flat, event)


def _written_out_and_transformed(lib) -> dict:
    """LogNormal, HalfNormal and InverseGamma (TransformedDistributions in PyTorch, written out here)
    and the TransformedDistributions PyTorch builds them from, with other parameters."""
    d, t = lib.distributions, lib.distributions.transforms

    def f64(v):
        return lib.tensor(v, dtype=lib.float64)
    return {"LogNormal": (d.LogNormal(f64([0.1, -0.4]), f64([0.7, 1.3])),
                          d.TransformedDistribution(d.Normal(f64(0.3), f64(1.2)), [t.ExpTransform()])),
            "HalfNormal": (d.HalfNormal(f64([1.5, 0.5])),
                           d.TransformedDistribution(d.Normal(f64(0.0), f64(0.8)), [t.AbsTransform()])),
            "InverseGamma": (d.InverseGamma(f64([2.0, 0.5]), f64([3.0, 1.0])),
                             d.TransformedDistribution(d.Gamma(f64(1.5), f64(2.5)), [t.PowerTransform(f64(-1.0))]))}


def test_written_out_transformed_distributions_meet_transformed_ones():
    """KL between LogNormal and exp of a Normal (either way round) is the KL of the Normals, as PyTorch
    finds it through its LogNormal being a TransformedDistribution; so for HalfNormal and InverseGamma."""
    for written, transformed in _written_out_and_transformed(tg).values():
        np.testing.assert_allclose(D.kl_divergence(written, transformed).numpy(),
                                   D.kl_divergence(written.base_dist, transformed.base_dist).numpy(), rtol=1e-14)
        np.testing.assert_allclose(D.kl_divergence(transformed, written).numpy(),
                                   D.kl_divergence(transformed.base_dist, written.base_dist).numpy(), rtol=1e-14)
    lognormal, _ = _written_out_and_transformed(tg)["LogNormal"]
    sigmoid_of_normal = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.SigmoidTransform()])
    with pytest.raises(NotImplementedError):  # (other transforms: no rule, as in PyTorch)
        D.kl_divergence(lognormal, sigmoid_of_normal)
    assert [type(x).__name__ for x in lognormal.transforms] == ["ExpTransform"]


def test_written_out_transformed_distributions_meet_transformed_ones_as_in_torch(torch):
    ours, theirs = _written_out_and_transformed(tg), _written_out_and_transformed(torch)
    for name in ours:
        for i, j in ((0, 1), (1, 0)):
            np.testing.assert_allclose(D.kl_divergence(ours[name][i], ours[name][j]).numpy(),
                                       torch.distributions.kl_divergence(theirs[name][i], theirs[name][j]).numpy(),
                                       rtol=1e-12, err_msg=name)


def test_every_torch_pair_among_our_distributions_is_registered(torch):
    missing = [(p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY
               if hasattr(D, p.__name__) and hasattr(D, q.__name__)
               and (getattr(D, p.__name__), getattr(D, q.__name__)) not in kl_module._KL_REGISTRY]
    assert missing == []


def _distribution_classes() -> list:
    members = [getattr(D, n) for n in D.__all__]
    return [m for m in members if isinstance(m, type) and issubclass(m, D.Distribution)]


def test_no_pair_of_our_distributions_dispatches_ambiguously():
    classes = _distribution_classes() + [D.ExponentialFamily]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for p in classes:
            for q in classes:
                kl_module._dispatch_kl(p, q)
    assert [str(w.message) for w in caught if "Ambiguous" in str(w.message)] == []


def test_torch_dispatches_these_pairs_unambiguously_too(torch):
    TD = torch.distributions
    names = [c.__name__ for c in _distribution_classes() if hasattr(TD, c.__name__)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for p in names:
            for q in names:
                TD.kl._dispatch_kl(getattr(TD, p), getattr(TD, q))
    assert [str(w.message) for w in caught if "Ambiguous" in str(w.message)] == []


# ---- without torch ------------------------------------------------------------------------------

def _f64(x) -> tg.Tensor:
    return tg.tensor(np.asarray(x, dtype=np.float64))


_SELF = [D.Gumbel(_f64([0.3, -1.0]), _f64([0.5, 2.0])), D.HalfNormal(_f64([0.5, 2.0])),
         D.Pareto(_f64([0.5, 2.0]), _f64([1.5, 3.0])), D.Cauchy(_f64([0.3, -1.0]), _f64([0.5, 2.0])),
         D.InverseGamma(_f64([0.5, 2.0]), _f64([1.5, 3.0])),
         D.TransformedDistribution(D.Gamma(_f64([0.5, 2.0]), _f64([1.5, 3.0])), [D.ExpTransform()])]


@pytest.mark.parametrize("d", _SELF, ids=lambda d: type(d).__name__)
def test_kl_of_a_distribution_with_itself_is_zero(d):
    np.testing.assert_allclose(D.kl_divergence(d, d).numpy(), 0.0, atol=1e-14)


def test_hand_computed_values():
    # Cauchy(0, 1) against Cauchy(0, 2): log((1 + 2)²/(4·1·2)) = log(9/8)
    value = float(D.kl_divergence(D.Cauchy(_f64(0.0), _f64(1.0)), D.Cauchy(_f64(0.0), _f64(2.0))))
    assert abs(value - math.log(9 / 8)) < 1e-15
    # U[0, 1] against Exponential(1): E[x] - H = 1/2 - 0
    assert abs(float(D.kl_divergence(D.Uniform(_f64(0.0), _f64(1.0)), D.Exponential(_f64(1.0)))) - 0.5) < 1e-15
    # U[0, 1] against Beta(1, 1) = U[0, 1]: 0
    assert abs(float(D.kl_divergence(D.Uniform(_f64(0.0), _f64(1.0)), D.Beta(_f64(1.0), _f64(1.0))))) < 1e-15
    # Exponential(1) against Gamma(1, 1) = Exponential(1): 0
    assert abs(float(D.kl_divergence(D.Exponential(_f64(1.0)), D.Gamma(_f64(1.0), _f64(1.0))))) < 1e-14
    # Bernoulli(1/2) against Poisson(1): -log 2 + 1 (E log q = 1/2·0 - 1)
    value = float(D.kl_divergence(D.Bernoulli(_f64(0.5)), D.Poisson(_f64(1.0))))
    assert abs(value - (1 - math.log(2))) < 1e-15
    # Pareto(1, 1) has no mean: inf against an Exponential
    assert float(D.kl_divergence(D.Pareto(_f64(1.0), _f64(1.0)), D.Exponential(_f64(1.0)))) == math.inf


def test_infinite_pairs_without_torch_have_p_shape():
    kl = D.kl_divergence(D.Normal(_f64([0.0, 1.0]), _f64([1.0, 1.0])), D.Uniform(_f64([[0.0]]), _f64([[1.0]])))
    assert kl.shape == (2,) and np.all(kl.numpy() == np.inf)
    kl = D.kl_divergence(D.Poisson(_f64(2.0)), D.Binomial(5, _f64([0.3, 0.4])))
    assert kl.shape == () and float(kl) == math.inf


_MONTE_CARLO = [
    (D.Gamma(_f64(2.5), _f64(1.5)), D.Normal(_f64(1.0), _f64(1.5))),
    (D.Uniform(_f64(0.2), _f64(0.7)), D.Beta(_f64(2.0), _f64(3.0))),
    (D.Normal(_f64(0.5), _f64(1.2)), D.Laplace(_f64(-0.3), _f64(0.8))),
    (D.Pareto(_f64(1.0), _f64(4.0)), D.Gamma(_f64(2.0), _f64(1.5))),
    (D.Exponential(_f64(1.5)), D.Gumbel(_f64(0.2), _f64(1.3))),
    (D.Gumbel(_f64(0.5), _f64(2.0)), D.Gumbel(_f64(-0.5), _f64(1.0))),
    (D.Cauchy(_f64(0.5), _f64(2.0)), D.Cauchy(_f64(-0.5), _f64(1.0))),
]


@pytest.mark.parametrize("pair", _MONTE_CARLO, ids=lambda p: f"{type(p[0]).__name__}-{type(p[1]).__name__}")
def test_closed_form_agrees_with_monte_carlo(pair):
    """E_p[log p(x) - log q(x)] over 200000 draws at a fixed seed, within 6 standard errors."""
    p, q = pair
    tg.manual_seed(0)
    x = p.sample((200_000,))
    log_ratio = (p.log_prob(x) - q.log_prob(x)).numpy()
    standard_error = log_ratio.std() / math.sqrt(len(log_ratio))
    assert abs(log_ratio.mean() - float(D.kl_divergence(p, q))) < 6 * standard_error + 1e-12


def test_kl_gradients_flow_to_parameters_without_torch():
    """d/dα of KL(Pareto(1, α) ‖ Exponential(1)) = 1/α + 1/α² - 1/(α - 1)² against a central difference."""
    alpha = tg.tensor(3.0, dtype=tg.float64, requires_grad=True)
    D.kl_divergence(D.Pareto(_f64(1.0), alpha), D.Exponential(_f64(1.0))).backward()
    expected = 1 / 3 + 1 / 9 - 1 / 4
    assert abs(float(alpha.grad) - expected) < 1e-14
