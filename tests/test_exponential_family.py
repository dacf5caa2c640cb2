"""distributions.ExponentialFamily: the families PyTorch derives from it do here too, its
entropy and Bregman KL come from the log normalizer by autodiff, and they agree with the
closed forms (and with torch's)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.distributions.exp_family import kl_exponential_family

D = tg.distributions
CASES = [  # (name, parameters, parameters of a second member); entropy by autodiff where torch has it
    ("Normal", ([0.3, -1.0], [1.5, 0.7]), ([0.0, 2.0], [1.0, 0.4]), True),
    ("Bernoulli", ([0.2, 0.9],), ([0.5, 0.6],), True),
    ("Beta", ([1.5, 2.0], [0.7, 3.0]), ([2.0, 1.0], [1.0, 2.0]), False),
    ("Gamma", ([1.5, 2.0], [0.7, 3.0]), ([2.0, 1.0], [1.0, 2.0]), True),
    ("Chi2", ([1.5, 4.0],), ([3.0, 2.0],), True),
    ("Exponential", ([0.5, 2.0],), ([1.0, 1.5],), True),
    ("Poisson", ([0.5, 2.0],), ([1.0, 1.5],), False),
    ("Dirichlet", ([[0.5, 2.0, 1.0]],), ([[1.0, 1.0, 3.0]],), False),
    ("ContinuousBernoulli", ([0.2, 0.5, 0.7],), ([0.4, 0.45, 0.9],), True),
]


def _make(name, params):
    return getattr(D, name)(*[tg.tensor(np.array(p)) for p in params])


@pytest.mark.parametrize("name, params, other, has_entropy", CASES)
def test_bregman_kl_and_entropy_match_the_closed_forms(name, params, other, has_entropy):
    p, q = _make(name, params), _make(name, other)
    assert isinstance(p, D.ExponentialFamily)
    np.testing.assert_allclose(kl_exponential_family(p, q).detach().numpy(), D.kl_divergence(p, q).numpy(),
                               rtol=1e-10, atol=1e-12)
    if has_entropy:
        np.testing.assert_allclose(D.ExponentialFamily.entropy(p).detach().numpy(), p.entropy().numpy(),
                                   rtol=1e-10, atol=1e-12)
    else:  # (no expected carrier measure: as in PyTorch)
        with pytest.raises(NotImplementedError):
            D.ExponentialFamily.entropy(p)


def test_wishart_is_an_exponential_family_too():
    a = tg.tensor([[2.0, 0.3], [0.3, 1.0]])
    p = D.Wishart(tg.tensor(4.0), covariance_matrix=a)
    q = D.Wishart(tg.tensor(5.0), covariance_matrix=a * 1.5)
    np.testing.assert_allclose(D.ExponentialFamily.entropy(p).item(), p.entropy().item(), rtol=1e-10)
    assert np.isfinite(D.kl_divergence(p, q).item()) and D.kl_divergence(p, q).item() > 0


def test_two_different_families_have_no_bregman_kl():
    with pytest.raises(NotImplementedError, match="different exponential families"):
        kl_exponential_family(_make("Gamma", ([1.0], [2.0])), _make("Exponential", ([1.0],)))


def test_a_subclass_of_its_own():
    """A user's family: the geometric distribution on {0, 1, ...} as θ = log(1 - p), F = -log(1 - e^θ)."""

    class MyGeometric(D.ExponentialFamily):
        arg_constraints = {}

        def __init__(self, probs):
            self.probs = probs
            super().__init__(probs.shape, validate_args=False)

        @property
        def _natural_params(self):
            return ((1 - self.probs).log(),)

        def _log_normalizer(self, x):
            return -(1 - x.exp()).log()

        _mean_carrier_measure = 0

    p = tg.tensor([0.3, 0.6])
    expected = -((1 - p) * (1 - p).log() + p * p.log()) / p  # the geometric distribution's entropy
    np.testing.assert_allclose(MyGeometric(p).entropy().numpy(), expected.numpy(), rtol=1e-12)
    kl = D.kl_divergence(MyGeometric(p), MyGeometric(tg.tensor([0.5, 0.5])))
    assert kl.shape == (2,) and bool((kl > 0).all())


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    for name, params, other, has_entropy in CASES:
        tp = getattr(torch.distributions, name)(*[torch.tensor(np.array(x)) for x in params])
        tq = getattr(torch.distributions, name)(*[torch.tensor(np.array(x)) for x in other])
        theirs = torch.distributions.kl._kl_expfamily_expfamily(tp, tq).detach().numpy()
        ours = kl_exponential_family(_make(name, params), _make(name, other)).detach().numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
        if has_entropy:
            np.testing.assert_allclose(D.ExponentialFamily.entropy(_make(name, params)).detach().numpy(),
                                       torch.distributions.ExponentialFamily.entropy(tp).detach().numpy(),
                                       rtol=1e-10, atol=1e-12)


def test_the_other_constraints_of_torch():
    """half_open_interval, square, symmetric, positive_semidefinite, multinomial and
    MixtureSameFamilyConstraint, in tg.distributions.constraints as in torch's."""
    C = D.constraints
    assert C.half_open_interval(0, 1).check(tg.tensor([0.0, 1.0, 0.5])).tolist() == [True, False, True]
    assert C.square.check(tg.ones(2, 3, 3)).tolist() == [True, True] and not C.square.check(tg.ones(2, 3)).item()
    assert C.symmetric.check(tg.tensor([[1.0, 2.0], [2.0, 1.0]])).item()
    assert not C.symmetric.check(tg.tensor([[1.0, 2.0], [0.0, 1.0]])).item()
    assert not C.positive_semidefinite.check(tg.tensor([[1.0, 2.0], [2.0, 1.0]])).item()  # eigenvalues 3, -1
    assert C.positive_semidefinite.check(tg.zeros(2, 2)).item()
    counts = C.multinomial(3)
    assert counts.check(tg.tensor([[1, 2], [2, 2], [-1, 1]])).tolist() == [True, False, False]
    assert counts.is_discrete and counts.event_dim == 1
    mixture = C.MixtureSameFamilyConstraint(C.positive)
    assert mixture.check(tg.tensor([[1.0, 2.0], [-1.0, 2.0]])).tolist() == [[True, True], [False, True]]
    assert repr(mixture) == "MixtureSameFamilyConstraint(GreaterThan(lower_bound=0.0))"
    assert [repr(c) for c in (C.square, C.symmetric, C.positive_semidefinite, counts)] == \
        ["Square()", "Symmetric()", "PositiveSemidefinite()", "Multinomial()"]
    assert repr(D.Multinomial(3, tg.tensor([0.2, 0.8])).support) == "Multinomial()"


def test_the_new_constraints_have_torch_s_transforms():
    C = D.constraints
    to_half_open = D.biject_to(C.half_open_interval(0.0, 2.0))
    np.testing.assert_allclose(to_half_open(tg.tensor([0.0, 3.0])).numpy(), 2 / (1 + np.exp(-np.array([0.0, 3.0]))))
    assert type(D.transform_to(C.positive_semidefinite)).__name__ == "PositiveDefiniteTransform"
