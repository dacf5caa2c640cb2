"""tg.distributions: values and gradients of log_prob, entropy, moments, cdf/icdf and KL against
PyTorch where it is installed (float64), reparameterised samples against PyTorch's gradient on
the same noise, sample statistics, shapes and dtypes, argument validation, repr, expand, and a
few hand computations that need no torch."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D
from tinygrad_edu.distributions import constraints


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


L3 = np.array([[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]])
COV3 = L3 @ L3.T

# name -> (constructor over a library's distributions module, parameter arrays, a value to score,
#          the methods/properties to compare)
CASES = {
    "Normal": (lambda lib, a, b: lib.Normal(a, b), [[0.3, -1.0, 2.0], [0.5, 2.0, 1.5]], [0.1, 0.7, -3.0],
               ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "stddev", "variance"]),
    "Normal-broadcast": (lambda lib, a, b: lib.Normal(a, b), [[[0.3], [-1.0]], [0.5, 2.0, 1.5]], [0.1, 0.7, -3.0],
                         ["log_prob", "entropy", "variance"]),
    "Bernoulli-probs": (lambda lib, p: lib.Bernoulli(probs=p), [[0.2, 0.5, 0.9]], [1.0, 0.0, 1.0],
                        ["log_prob", "entropy", "mean", "mode", "variance", "logits"]),
    "Bernoulli-logits": (lambda lib, z: lib.Bernoulli(logits=z), [[-2.0, 0.0, 3.0]], [1.0, 0.0, 0.0],
                         ["log_prob", "entropy", "mean", "variance", "probs"]),
    "Categorical-probs": (lambda lib, p: lib.Categorical(probs=p), [[[0.2, 0.5, 0.3], [1.0, 2.0, 1.0]]],
                          ("int", [2, 0]), ["log_prob", "entropy", "mode", "mean", "probs", "logits"]),
    "Categorical-logits": (lambda lib, z: lib.Categorical(logits=z), [[[0.1, 2.0, -1.0], [0.0, 0.0, 1.0]]],
                           ("int", [[1, 2], [0, 0]]), ["log_prob", "entropy", "probs", "logits"]),
    "OneHotCategorical": (lambda lib, z: lib.OneHotCategorical(logits=z), [[[0.1, 2.0, -1.0], [0.0, 0.0, 1.0]]],
                          [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], ["log_prob", "entropy", "mean", "mode", "variance"]),
    "Uniform": (lambda lib, a, b: lib.Uniform(a, b), [[-1.0, 0.5, 0.0], [1.0, 1.0, 3.0]], [0.1, 0.7, 2.5],
                ["log_prob", "cdf", "icdf", "entropy", "mean", "stddev", "variance"]),
    "Exponential": (lambda lib, r: lib.Exponential(r), [[0.5, 2.0, 1.0]], [0.1, 0.7, 2.5],
                    ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "stddev", "variance"]),
    "Laplace": (lambda lib, a, b: lib.Laplace(a, b), [[0.3, -1.0, 1.0], [0.5, 2.0, 1.0]], [0.1, 0.7, -2.5],
                ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "stddev", "variance"]),
    "LogNormal": (lambda lib, a, b: lib.LogNormal(a, b), [[0.3, -1.0, 1.0], [0.5, 2.0, 1.0]], [0.1, 0.7, 2.5],
                  ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance"]),
    "Poisson": (lambda lib, r: lib.Poisson(r), [[0.5, 2.0, 7.0]], [0.0, 3.0, 5.0],
                ["log_prob", "mean", "mode", "variance"]),
    "Independent": (lambda lib, a, b: lib.Independent(lib.Normal(a, b), 1), [[[0.3, -1.0], [0.0, 1.0]],
                    [[0.5, 2.0], [1.0, 3.0]]], [[0.1, 0.7], [0.0, 0.0]], ["log_prob", "entropy", "mean", "variance"]),
    "MVN-scale_tril": (lambda lib, m, s: lib.MultivariateNormal(m, scale_tril=s), [[0.1, -0.2, 0.3], L3],
                       [[0.5, 0.1, -1.0], [1.0, 2.0, 3.0]],
                       ["log_prob", "entropy", "mean", "variance", "covariance_matrix", "precision_matrix"]),
    "MVN-covariance": (lambda lib, m, c: lib.MultivariateNormal(m, covariance_matrix=c), [[0.1, -0.2, 0.3], COV3],
                       [[0.5, 0.1, -1.0], [1.0, 2.0, 3.0]], ["log_prob", "entropy", "variance", "scale_tril"]),
    "MVN-precision": (lambda lib, m, p: lib.MultivariateNormal(m, precision_matrix=p),
                      [[0.1, -0.2, 0.3], np.linalg.inv(COV3)], [[0.5, 0.1, -1.0], [1.0, 2.0, 3.0]],
                      ["log_prob", "entropy", "covariance_matrix", "scale_tril"]),
    "MVN-batched": (lambda lib, m, s: lib.MultivariateNormal(m, scale_tril=s), [[0.1, -0.2, 0.3], [L3, 2 * L3]],
                    [[[0.5, 0.1, -1.0]], [[1.0, 2.0, 3.0]]], ["log_prob", "entropy", "variance"]),
}
UNDER = {"icdf": [0.1, 0.5, 0.9]}  # icdf takes probabilities


def _make(torch, name, lib_name):
    make, params, value, _ = CASES[name]
    if lib_name == "tg":
        tensors = [tg.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params]
        return make(D, *tensors), tensors
    tensors = [torch.tensor(np.asarray(p, dtype=np.float64), requires_grad=True) for p in params]
    return make(torch.distributions, *tensors), tensors


def _value(lib, name, method):
    value = UNDER.get(method, CASES[name][2])
    if isinstance(value, tuple):
        return lib.tensor(value[1])
    return lib.tensor(np.asarray(value, dtype=np.float64))


@pytest.mark.parametrize("name,method", [(n, m) for n, case in CASES.items() for m in case[3]])
def test_values_and_gradients_match_torch(torch, name, method):
    ours, our_params = _make(torch, name, "tg")
    theirs, their_params = _make(torch, name, "torch")
    if method in ("log_prob", "cdf", "icdf"):
        a, b = getattr(ours, method)(_value(tg, name, method)), getattr(theirs, method)(_value(torch, name, method))
    elif method == "entropy":
        a, b = ours.entropy(), theirs.entropy()
    else:
        a, b = getattr(ours, method), getattr(theirs, method)
    assert a.shape == tuple(b.shape)
    assert a.dtype == np.dtype(str(b.dtype).replace("torch.", ""))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    if b.requires_grad and b.dtype.is_floating_point:
        weights = np.linspace(0.5, 1.5, b.numel()).reshape(tuple(b.shape))  # (not all 1s: catches a transpose)
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
    assert repr(ours) == _torch_repr_with_our_sizes(theirs)
    for shape in [(), (4,), (2, 3)]:
        assert ours.sample(shape).shape == tuple(theirs.sample(shape).shape)
        assert ours.sample(shape).dtype == np.dtype(str(theirs.sample(shape).dtype).replace("torch.", ""))


def _torch_repr_with_our_sizes(dist) -> str:
    """torch's repr with each torch.Size([2, 3]) written as our Size."""
    return re.sub(r"torch\.Size\(\[([^\]]*)\]\)",
                  lambda m: repr(tg.Size(tuple(int(s) for s in m.group(1).split(",") if s))), repr(dist))


@pytest.mark.parametrize("name", ["Normal", "Uniform", "Exponential", "Laplace", "LogNormal", "MVN-scale_tril",
                                  "MVN-covariance", "MVN-batched", "Independent"])
def test_rsample_gradient_matches_torch_on_the_same_noise(torch, name):
    """rsample is a differentiable function of the parameters and of our noise: recover the noise
    from the sample, push it through PyTorch's reparameterisation, compare the gradients."""
    tg.manual_seed(0)
    ours, our_params = _make(torch, name, "tg")
    _, their_params = _make(torch, name, "torch")
    x = ours.rsample((5,))
    assert x.requires_grad and x.shape == (5,) + ours.batch_shape + ours.event_shape
    xd = x.detach().numpy()
    p = [t.detach().numpy() for t in our_params]
    tp = their_params
    if name.startswith("Normal") or name == "Independent":
        eps = (xd - p[0]) / p[1]
        tx = tp[0] + tp[1] * torch.tensor(eps)
    elif name == "Uniform":
        tx = tp[0] + torch.tensor((xd - p[0]) / (p[1] - p[0])) * (tp[1] - tp[0])
    elif name == "Exponential":
        tx = torch.tensor(xd * p[0]) / tp[0]
    elif name == "Laplace":
        z = (xd - p[0]) / p[1]  # = -sign(u) log(1 - |u|)
        tx = tp[0] + tp[1] * torch.tensor(z)
    elif name == "LogNormal":
        tx = (tp[0] + tp[1] * torch.tensor((np.log(xd) - p[0]) / p[1])).exp()
    else:
        theirs = CASES[name][0](torch.distributions, *tp)
        l_matrix = theirs._unbroadcasted_scale_tril.detach().numpy()
        eps = np.linalg.solve(l_matrix, (xd - p[0])[..., None])[..., 0]
        tx = theirs.loc + (theirs._unbroadcasted_scale_tril @ torch.tensor(eps)[..., None])[..., 0]
    np.testing.assert_allclose(xd, tx.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.cos(np.arange(xd.size)).reshape(xd.shape)
    (x.sin() * tg.tensor(weights)).sum().backward()
    (tx.sin() * torch.tensor(weights)).sum().backward()
    for a, b in zip(our_params, their_params):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_sample_has_no_gradient_and_rsample_only_where_torch_has_it():
    loc = tg.tensor([0.0, 1.0], requires_grad=True)
    d = D.Normal(loc, 1.0)
    assert not d.sample().requires_grad and d.rsample().requires_grad
    with pytest.raises(NotImplementedError):
        D.Bernoulli(probs=tg.tensor([0.5])).rsample()
    with pytest.raises(NotImplementedError):
        D.Categorical(logits=tg.zeros(3)).rsample()


@pytest.mark.parametrize("make,mean,var", [
    (lambda: D.Normal(tg.tensor([1.0, -2.0]), tg.tensor([0.5, 2.0])), [1.0, -2.0], [0.25, 4.0]),
    (lambda: D.Uniform(tg.tensor([0.0, 2.0]), tg.tensor([1.0, 5.0])), [0.5, 3.5], [1 / 12, 0.75]),
    (lambda: D.Exponential(tg.tensor([0.5, 4.0])), [2.0, 0.25], [4.0, 1 / 16]),
    (lambda: D.Laplace(tg.tensor([1.0, 0.0]), tg.tensor([1.0, 0.5])), [1.0, 0.0], [2.0, 0.5]),
    (lambda: D.LogNormal(tg.tensor([0.0, 0.5]), tg.tensor([0.25, 0.1])),
     [math.exp(0.25 ** 2 / 2), math.exp(0.5 + 0.005)],
     [math.expm1(0.0625) * math.exp(0.0625), math.expm1(0.01) * math.exp(1.01)]),
    (lambda: D.Bernoulli(probs=tg.tensor([0.1, 0.7])), [0.1, 0.7], [0.09, 0.21]),
    (lambda: D.Poisson(tg.tensor([0.5, 6.0])), [0.5, 6.0], [0.5, 6.0]),
    (lambda: D.Categorical(probs=tg.tensor([[0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])), [1.3, 2.0], [0.61, 0.0]),
    (lambda: D.OneHotCategorical(probs=tg.tensor([0.2, 0.8])), [0.2, 0.8], [0.16, 0.16]),
])
def test_sample_statistics(make, mean, var):
    tg.manual_seed(1)
    s = make().sample((40000,)).numpy().astype(np.float64)
    np.testing.assert_allclose(s.mean(0), mean, atol=4 * np.sqrt(np.max(var) / 40000) + 1e-12)
    np.testing.assert_allclose(s.var(0), var, rtol=0.06, atol=1e-12)


def test_mvn_sample_covariance():
    tg.manual_seed(2)
    s = D.MultivariateNormal(tg.tensor([1.0, 0.0, -1.0]), tg.tensor(COV3)).sample((50000,)).numpy()
    np.testing.assert_allclose(s.mean(0), [1.0, 0.0, -1.0], atol=0.05)
    np.testing.assert_allclose(np.cov(s.T), COV3, atol=0.08)


def test_sampling_is_repeatable_under_a_seed_and_keeps_dtypes():
    d = D.Normal(tg.zeros(3, dtype=tg.float32), 1.0)
    tg.manual_seed(7)
    a = d.sample((2,))
    tg.manual_seed(7)
    b = d.sample((2,))
    assert np.array_equal(a.numpy(), b.numpy()) and a.dtype == np.float32
    c = D.Categorical(logits=tg.zeros(4, 5))
    assert c.sample().dtype == np.int64 and c.sample().shape == (4,) and c.sample((3, 2)).shape == (3, 2, 4)
    assert D.Bernoulli(probs=tg.tensor([0.5], dtype=tg.float32)).sample((3,)).dtype == np.float32
    assert D.Normal(0.0, 1.0).sample().shape == () and D.Normal(0.0, 1.0).sample().dtype == np.float64
    # a category of probability 0 is never drawn
    s = D.Categorical(probs=tg.tensor([0.0, 1.0, 0.0, 2.0])).sample((2000,)).numpy()
    assert set(np.unique(s)) == {1, 3}
    with pytest.raises(TypeError, match="sample_shape"):
        D.Normal(0.0, 1.0).sample(5)


# ---- checks that need no torch -------------------------------------------------------------------

def test_normal_log_prob_by_hand_and_gradient():
    loc = tg.tensor(1.0, requires_grad=True)
    scale = tg.tensor(2.0, requires_grad=True)
    lp = D.Normal(loc, scale).log_prob(tg.tensor(2.0))
    assert lp.item() == pytest.approx(-0.125 - math.log(2.0) - 0.5 * math.log(2 * math.pi))
    lp.backward()
    assert loc.grad.item() == pytest.approx((2.0 - 1.0) / 4.0)  # (x - μ)/σ²
    assert scale.grad.item() == pytest.approx(-0.5 + 1.0 / 8.0)  # -1/σ + (x - μ)²/σ³


def test_categorical_log_prob_is_log_softmax():
    z = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, 1.0]])
    lp = D.Categorical(logits=tg.tensor(z)).log_prob(tg.tensor([2, 1]))
    ls = z - np.log(np.exp(z).sum(1, keepdims=True))
    np.testing.assert_allclose(lp.numpy(), [ls[0, 2], ls[1, 1]])


def test_mvn_with_diagonal_covariance_is_a_product_of_normals():
    loc = tg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    sd = np.array([0.5, 1.5, 2.0])
    x = tg.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 3.0]])
    mvn = D.MultivariateNormal(loc, tg.tensor(np.diag(sd ** 2)))
    ind = D.Independent(D.Normal(loc, tg.tensor(sd)), 1)
    np.testing.assert_allclose(mvn.log_prob(x).numpy(), ind.log_prob(x).numpy(), rtol=1e-12)
    np.testing.assert_allclose(mvn.entropy().numpy(), ind.entropy().numpy(), rtol=1e-12)
    np.testing.assert_allclose(D.MultivariateNormal(loc, scale_tril=tg.tensor(L3)).covariance_matrix.numpy(), COV3)


def test_cholesky_and_log_prob_are_twice_differentiable():
    cov = tg.tensor(COV3, requires_grad=True)
    loc = tg.tensor([0.1, 0.2, 0.3], requires_grad=True)
    x = tg.tensor([0.5, -0.5, 1.0])
    fn = lambda c, m: D.MultivariateNormal(m, (c + c.mT) / 2, validate_args=False).log_prob(x)  # noqa: E731
    assert tg.gradcheck(fn, (cov, loc))
    assert tg.gradgradcheck(fn, (cov, loc))
    assert tg.gradgradcheck(lambda a, b: D.Normal(a, b).log_prob(x), (loc, tg.tensor([1.0, 2.0, 0.5],
                                                                                        requires_grad=True)))


def test_kl_normal_by_hand():
    kl = D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0))
    assert kl.item() == pytest.approx(math.log(2.0) + (1 + 1) / 8 - 0.5)


# ---- KL ------------------------------------------------------------------------------------------

KL_CASES = {
    "Normal": ("Normal", [[0.0, 1.0], [1.0, 2.0]], [[1.0, 0.0], [0.5, 1.0]]),
    "Laplace": ("Laplace", [[0.0, 1.0], [1.0, 2.0]], [[1.0, 0.0], [0.5, 1.0]]),
    "Exponential": ("Exponential", [[1.0, 2.0]], [[0.5, 3.0]]),
    "Uniform": ("Uniform", [[0.0, 0.0, 0.0], [1.0, 2.0, 1.0]], [[-1.0, 0.5, 0.0], [2.0, 3.0, 4.0]]),
    "LogNormal": ("LogNormal", [[0.0, 1.0], [1.0, 2.0]], [[1.0, 0.0], [0.5, 1.0]]),
    "Bernoulli": ("Bernoulli", [[0.2, 0.0, 1.0, 0.5]], [[0.3, 0.4, 0.5, 0.0]]),
    "Categorical": ("Categorical", [[[0.2, 0.5, 0.3], [0.0, 0.5, 0.5]]], [[[0.3, 0.3, 0.4], [0.1, 0.0, 0.9]]]),
    "OneHotCategorical": ("OneHotCategorical", [[[0.2, 0.5, 0.3]]], [[[0.3, 0.3, 0.4]]]),
    "Poisson": ("Poisson", [[1.0, 2.0]], [[3.0, 0.5]]),
    "MVN": ("MultivariateNormal", [[0.1, -0.2, 0.3], COV3], [[[1.0, 0.0, 0.0]], [np.eye(3) * 2, COV3 + np.eye(3)]]),
}


@pytest.mark.parametrize("name", list(KL_CASES))
def test_kl_divergence_matches_torch(torch, name):
    cls, p_args, q_args = KL_CASES[name]
    ours_p = [tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in p_args + q_args]
    theirs_p = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in p_args + q_args]
    n = len(p_args)
    a = D.kl_divergence(getattr(D, cls)(*ours_p[:n]), getattr(D, cls)(*ours_p[n:]))
    b = torch.distributions.kl_divergence(getattr(torch.distributions, cls)(*theirs_p[:n]),
                                          getattr(torch.distributions, cls)(*theirs_p[n:]))
    assert a.shape == tuple(b.shape)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)
    finite = np.isfinite(b.detach().numpy())
    a.where(tg.tensor(finite), 0.0).sum().backward()
    b.where(torch.tensor(finite), 0.0).sum().backward()
    for x, y in zip(ours_p, theirs_p):
        if y.grad is not None:
            np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_kl_independent_and_errors(torch):
    loc = tg.tensor([[0.0, 1.0], [2.0, 3.0]], requires_grad=True)
    tloc = torch.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=torch.float64, requires_grad=True)
    a = D.kl_divergence(D.Independent(D.Normal(loc, 1.0), 1), D.Independent(D.Normal(tg.zeros(2, 2), 2.0), 1))
    b = torch.distributions.kl_divergence(
        torch.distributions.Independent(torch.distributions.Normal(tloc, 1.0), 1),
        torch.distributions.Independent(torch.distributions.Normal(torch.zeros(2, 2, dtype=torch.float64), 2.0), 1))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), tloc.grad.numpy())


def test_kl_not_implemented_and_register_kl():
    with pytest.raises(NotImplementedError, match="Normal and q type Cauchy"):  # (torch registers no such pair)
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))
    with pytest.raises(NotImplementedError, match="reinterpreted_batch_ndims"):
        D.kl_divergence(D.Independent(D.Normal(tg.zeros(2, 2), 1.0), 1),
                        D.Independent(D.Normal(tg.zeros(2, 2), 1.0), 2))
    with pytest.raises(ValueError, match="event shapes"):
        D.kl_divergence(D.MultivariateNormal(tg.zeros(2), tg.eye(2)), D.MultivariateNormal(tg.zeros(3), tg.eye(3)))

    class MyNormal(D.Normal):
        pass

    # a subclass falls back to its base's KL ...
    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)

    # ... until a more specific one is registered
    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return tg.tensor(42.0)

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 42.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


# ---- validation, expand, constraints -------------------------------------------------------------

def test_argument_validation_raises_value_error():
    with pytest.raises(ValueError, match="scale .*GreaterThan"):
        D.Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="probs .*Interval"):
        D.Bernoulli(probs=tg.tensor([0.5, 1.5]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Bernoulli(probs=0.5, logits=0.0)
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Categorical()
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Categorical(probs=tg.tensor(1.0))
    with pytest.raises(ValueError, match="Simplex"):
        D.Categorical(probs=tg.tensor([0.5, -0.1]))
    with pytest.raises(ValueError, match="low"):
        D.Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match="PositiveDefinite"):
        D.MultivariateNormal(tg.zeros(2), tg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="LowerCholesky"):
        D.MultivariateNormal(tg.zeros(2), scale_tril=tg.tensor([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="Exactly one"):
        D.MultivariateNormal(tg.zeros(2), tg.eye(2), scale_tril=tg.eye(2))
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims"):
        D.Independent(D.Normal(tg.zeros(2), 1.0), 2)
    with pytest.raises(ValueError, match="Input arguments must all be"):
        D.Normal([0.0], 1.0)


def test_sample_validation_and_switching_it_off():
    d = D.Exponential(tg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="support"):
        d.log_prob(tg.tensor([-1.0, 1.0]))
    with pytest.raises(ValueError, match="broadcastable"):
        d.log_prob(tg.tensor([1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="must be a Tensor"):
        d.log_prob(1.0)
    with pytest.raises(ValueError, match="event_shape"):
        D.MultivariateNormal(tg.zeros(2), tg.eye(2)).log_prob(tg.zeros(3))
    with pytest.raises(ValueError, match="support"):
        D.Categorical(logits=tg.zeros(3)).log_prob(tg.tensor(3))
    unchecked = D.Exponential(tg.tensor([1.0, 2.0]), validate_args=False)
    assert unchecked.log_prob(tg.tensor([-1.0, 1.0])).shape == (2,)
    D.Distribution.set_default_validate_args(False)
    assert D.Normal(0.0, -1.0).scale.item() == -1.0
    D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args("yes")


def test_expand():
    loc = tg.tensor([0.0, 1.0], requires_grad=True)
    for d in [D.Normal(loc, 1.0), D.Bernoulli(logits=loc), D.Categorical(logits=loc), D.Laplace(loc, 1.0),
              D.Exponential(loc.exp()), D.Uniform(loc, loc + 1), D.LogNormal(loc, 1.0),
              D.MultivariateNormal(loc, tg.eye(2)), D.OneHotCategorical(logits=loc),
              D.Independent(D.Normal(loc, 1.0), 1)]:
        e = d.expand((3,) + d.batch_shape)
        assert type(e) is type(d) and e.batch_shape == (3,) + d.batch_shape and e.event_shape == d.event_shape
        assert e.sample().shape == (3,) + d.batch_shape + d.event_shape
        lp = e.log_prob(d.sample())
        assert lp.shape == (3,) + d.batch_shape


def test_repr_without_torch():
    assert repr(D.Normal(tg.zeros(2), tg.ones(2))) == f"Normal(loc: {tg.Size((2,))!r}, scale: {tg.Size((2,))!r})"
    assert repr(D.Uniform(0.0, 1.0)) == "Uniform(low: 0.0, high: 1.0)"
    assert repr(D.Bernoulli(probs=tg.tensor([0.3]))) == "Bernoulli(probs: tensor([0.3000]))"
    assert repr(D.Independent(D.Exponential(tg.ones(2, 3)), 1)) == (
        f"Independent(Exponential(rate: {tg.Size((2, 3))!r}), 1)")


def test_constraints():
    x = tg.tensor([-1.0, 0.0, 0.5, 1.0, float("nan")])
    assert constraints.real.check(x).tolist() == [True, True, True, True, False]
    assert constraints.positive.check(x).tolist() == [False, False, True, True, False]
    assert constraints.nonnegative.check(x).tolist() == [False, True, True, True, False]
    assert constraints.unit_interval.check(x).tolist() == [False, True, True, True, False]
    assert constraints.interval(0.0, 0.5).check(x).tolist() == [False, True, True, False, False]
    assert constraints.boolean.check(x).tolist() == [False, True, False, True, False]
    assert constraints.nonnegative_integer.check(tg.tensor([-1.0, 0.0, 2.0, 2.5])).tolist() == [False, True,
                                                                                                  True, False]
    assert constraints.simplex.check(tg.tensor([[0.5, 0.5], [0.5, 0.6], [1.5, -0.5]])).tolist() == [True, False,
                                                                                                      False]
    assert repr(constraints.positive) == "GreaterThan(lower_bound=0.0)"
    assert repr(constraints.real_vector) == "IndependentConstraint(Real(), 1)"
    assert D.Normal.support is constraints.real and D.Normal.arg_constraints["scale"] is constraints.positive
    assert constraints.is_dependent(D.Uniform.support)
    assert repr(D.Uniform(0.0, 2.0).support) == "Interval(lower_bound=0.0, upper_bound=2.0)"


def test_constraint_reprs_match_torch(torch):
    tc = torch.distributions.constraints
    for name in ["real", "positive", "nonnegative", "unit_interval", "simplex", "boolean", "nonnegative_integer",
                 "real_vector", "lower_cholesky", "positive_definite", "one_hot"]:
        assert repr(getattr(constraints, name)) == repr(getattr(tc, name)), name


def test_enumerate_support_and_perplexity(torch):
    td = torch.distributions
    logits = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]])
    for ours, theirs in [(D.Categorical(logits=tg.tensor(logits)), td.Categorical(logits=torch.tensor(logits))),
                         (D.Bernoulli(logits=tg.tensor(logits)), td.Bernoulli(logits=torch.tensor(logits))),
                         (D.OneHotCategorical(logits=tg.tensor(logits)),
                          td.OneHotCategorical(logits=torch.tensor(logits)))]:
        for expand in (True, False):
            a, b = ours.enumerate_support(expand), theirs.enumerate_support(expand)
            assert a.shape == tuple(b.shape) and np.array_equal(a.numpy(), b.numpy())
        np.testing.assert_allclose(ours.perplexity().numpy(), theirs.perplexity().numpy())


def test_vae_and_reinforce_steps():
    """The two uses the tutorials make: a reparameterised Gaussian with a KL term, and REINFORCE."""
    tg.manual_seed(0)
    mu = tg.tensor([[0.1, -0.3]], requires_grad=True)
    log_var = tg.tensor([[0.0, 0.2]], requires_grad=True)
    q = D.Normal(mu, (0.5 * log_var).exp())
    z = q.rsample()
    kl = D.kl_divergence(q, D.Normal(tg.zeros_like(mu), tg.ones_like(mu))).sum()
    (z.pow(2).sum() + kl).backward()
    assert mu.grad is not None and log_var.grad is not None and np.isfinite(mu.grad.numpy()).all()
    logits = tg.tensor([0.5, 0.1, -0.2], requires_grad=True)
    policy = D.Categorical(logits=logits)
    action = policy.sample()
    (-policy.log_prob(action) * 2.0).backward()
    expected = -2.0 * (np.eye(3)[action.item()] - np.exp(logits.data) / np.exp(logits.data).sum())
    np.testing.assert_allclose(logits.grad.numpy(), expected)


def test_docstring_examples():
    import doctest
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(D.__path__):
        module = importlib.import_module(f"tinygrad_edu.distributions.{info.name}")
        assert doctest.testmod(module).failed == 0, module.__name__
