"""Regression tests for what the differential fuzz of tg.distributions found
(tests/fuzz/distributions_fuzz.py). Each checks the property without PyTorch (exact numbers or a
gradcheck); a comparison with torch follows where it helps."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D


@pytest.mark.parametrize("make", [lambda: D.Poisson(0.4), lambda: D.Poisson(tg.tensor(0.4)),
                                  lambda: D.Binomial(3, tg.tensor(0.4)),
                                  lambda: D.NegativeBinomial(3.0, tg.tensor(0.4))])
def test_count_samples_of_0d_parameters(make):
    # numpy returns a Python int for a 0-d parameter: sample() raised AttributeError ('int' ... 'astype')
    d = make()
    tg.manual_seed(0)
    x = d.sample()
    assert x.shape == () and x.dtype == np.float64 and float(x) == int(float(x)) >= 0
    assert d.sample((2,)).shape == (2,)


def test_poisson_log_prob_outside_the_support_is_minus_inf_without_validation():
    # math.lgamma raised "math domain error" at k = -1 (the pole of lgamma at 0); PyTorch gives -inf
    d = D.Poisson(tg.tensor(0.4), validate_args=False)
    out = d.log_prob(tg.tensor([-1.0, 2.0]))
    assert out.numpy()[0] == -math.inf
    assert out.numpy()[1] == pytest.approx(2 * math.log(0.4) - 0.4 - math.log(2), rel=1e-14)


def test_inverse_gamma_cdf_by_hand_and_gradcheck():
    # InverseGamma.cdf was missing (NotImplementedError); PyTorch has it through PowerTransform(-1).
    # With α = 1 the Gamma is an exponential: P(Y ≤ y) = P(X ≥ 1/y) = exp(-β/y).
    beta = tg.tensor([0.5, 2.0], requires_grad=True)
    y = tg.tensor([0.7, 3.0], requires_grad=True)
    d = D.InverseGamma(tg.tensor([1.0, 1.0]), beta)
    out = d.cdf(y)
    np.testing.assert_allclose(out.numpy(), np.exp(-np.array([0.5, 2.0]) / np.array([0.7, 3.0])), rtol=1e-12)
    assert tg.gradcheck(lambda b, v: D.InverseGamma(tg.tensor([2.5, 0.8]), b).cdf(v), (beta, y))
    assert D.InverseGamma(2.0, 1.0).cdf(tg.tensor(0.0)).item() == 0.0   # y = 0 is accepted, as in PyTorch
    with pytest.raises(ValueError, match="support"):
        D.InverseGamma(2.0, 1.0).cdf(tg.tensor(-1.0))


def test_log_normal_cdf_accepts_zero():
    # the cdf is defined at the closed edge: cdf(0) = 0 (PyTorch accepts it); it raised ValueError
    assert D.LogNormal(0.3, 1.2).cdf(tg.tensor([0.0, 1.0])).numpy()[0] == 0.0
    assert D.LogNormal(0.3, 1.2).cdf(tg.tensor(1.0)).item() == pytest.approx(0.5 * math.erfc(0.3 / 1.2 / math.sqrt(2)))
    with pytest.raises(ValueError, match="support"):
        D.LogNormal(0.3, 1.2).cdf(tg.tensor(-1.0))


def test_categorical_log_prob_refuses_out_of_range_indices_without_validation():
    # a negative index counted from the end: log_prob(-1) silently gave log p of the last category
    d = D.Categorical(logits=tg.tensor([0.1, 0.5, -1.0]), validate_args=False)
    for bad in (-1.0, 3.0):
        with pytest.raises(IndexError, match="out of range for 3 categories"):
            d.log_prob(tg.tensor([0.0, bad]))
    np.testing.assert_allclose(d.log_prob(tg.tensor(1.0)).item(), 0.5 - np.log(np.exp([0.1, 0.5, -1.0]).sum()))
    with pytest.raises(IndexError):
        d.log_prob(tg.tensor(-2.0))


def test_against_torch():
    torch = pytest.importorskip("torch")
    td = torch.distributions
    v = np.array([0.0, 0.7, 3.0])
    ours = D.InverseGamma(tg.tensor([2.5, 0.8, 1.3]), tg.tensor([0.5, 2.0, 1.0])).cdf(tg.tensor(v))
    theirs = td.InverseGamma(torch.tensor([2.5, 0.8, 1.3], dtype=torch.float64),
                             torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64)).cdf(torch.tensor(v))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-15)
    x = torch.tensor([0.0, 1.0], dtype=torch.float64)
    np.testing.assert_allclose(D.LogNormal(0.3, 1.2).cdf(tg.tensor([0.0, 1.0])).numpy(),
                               td.LogNormal(torch.tensor(0.3, dtype=torch.float64), 1.2).cdf(x).numpy(), rtol=1e-12)
    p = td.Poisson(torch.tensor(0.4, dtype=torch.float64), validate_args=False)
    assert p.log_prob(torch.tensor(-1.0, dtype=torch.float64)).item() == -math.inf
    with pytest.raises(RuntimeError):   # (PyTorch's gather refuses; here IndexError, a clearer message)
        td.Categorical(logits=torch.tensor([0.1, 0.5, -1.0]), validate_args=False).log_prob(torch.tensor(-1))
