"""rsample of Gamma, Chi2, Beta, Dirichlet and StudentT: implicit reparameterisation gradients
(Figurnov, Mohamed and Mnih, "Implicit Reparameterization Gradients", 2018).

The StandardGamma op cannot be gradchecked (a different α sends numpy's rejection sampler down
another path), so its backward is tested here directly: against a high-precision derivative of the
inverse CDF (mpmath), against torch._standard_gamma_grad, by Monte Carlo (d/dα E[x]), and by an
optimisation through rsample."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.distributions as D
from tinygrad_edu.distributions.standard_gamma import standard_gamma_grad_array

ALPHAS = [1e-3, 0.03, 0.5, 1.0, 3.0, 20.0, 1000.0]
QUANTILES = [1e-6, 1e-3, 0.2, 0.5, 0.9, 0.999, 1 - 1e-6]


def _mp_inverse(mp, alpha, u):
    """x with P(α, x) = u, by bisection on log x (mpmath precision)."""
    lo, hi = mp.mpf(-750), mp.log(mp.mpf(alpha) * 10 + 100)
    for _ in range(160):
        mid = (lo + hi) / 2
        if mp.gammainc(alpha, 0, mp.exp(mid), regularized=True) < u:
            lo = mid
        else:
            hi = mid
    return mp.exp((lo + hi) / 2)


def test_gradient_is_the_derivative_of_the_inverse_cdf_at_fixed_quantile():
    """dx/dα of x(α) = F⁻¹(u; α), by a central difference at 40 digits, to 1e-10 relative."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    xs, alphas, expected = [], [], []
    for alpha in ALPHAS:
        for u in QUANTILES:
            a, uu = mp.mpf(alpha), mp.mpf(u)
            x = _mp_inverse(mp, a, uu)
            if x < 1e-300:  # (not a float64 number: such draws are clamped to the smallest normal)
                continue
            h = a * mp.mpf(10) ** -12
            derivative = (_mp_inverse(mp, a + h, uu) - _mp_inverse(mp, a - h, uu)) / (2 * h)
            xs.append(float(x))
            alphas.append(alpha)
            expected.append(float(derivative))
    assert len(xs) >= 40
    ours = standard_gamma_grad_array(np.array(xs), np.array(alphas))
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=0)


def test_gradient_matches_torch_standard_gamma_grad_on_a_grid():
    """PyTorch's value is an approximation (a series, a saddle point and a fitted rational function):
    within 2% of the exact one over the grid (1.9% at α = 0.001, x = 5), within 1e-10 where it uses
    the series (small x)."""
    torch = pytest.importorskip("torch")
    alphas = np.logspace(-3, 3, 25)
    rng = np.random.default_rng(0)
    pairs = []
    for alpha in alphas:
        draws = np.maximum(rng.standard_gamma(alpha, 200_000), np.finfo(np.float64).tiny)
        pairs += [(x, alpha) for x in np.quantile(draws, [1e-4, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-4])]
    x, alpha = np.array(pairs).T
    ours = standard_gamma_grad_array(x, alpha)
    theirs = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=2e-2)
    small = x < 0.05
    np.testing.assert_allclose(ours[small], theirs[small], rtol=1e-10)


def test_gradient_in_float32_and_edge_values():
    x = np.array([0.5, 2.0], np.float32)
    out = standard_gamma_grad_array(x, np.array([1.0, 1.0], np.float32))
    assert out.dtype == np.float32
    # (computed in float64, rounded to float32)
    np.testing.assert_allclose(out, standard_gamma_grad_array(x.astype(np.float64), np.ones(2)), rtol=1e-6)
    edge = standard_gamma_grad_array(np.array([0.0, 1.0, 1.0, np.inf]), np.array([2.0, 0.0, -1.0, 2.0]))
    assert edge[0] == 0 and np.isnan(edge[1:]).all()


def test_exponential_case_by_hand():
    """α = 1 at x: dx/dα = (1/p) ∫ₓ^∞ (log t + γ) e^(-t) dt = e^x (E₁(x) + e^(-x) (log x + γ)),
    with E₁ the exponential integral (numpy-free: its series for x = 0.5)."""
    import math
    x = 0.5
    e1 = -0.5772156649015329 - math.log(x) - sum((-x) ** k / (k * math.factorial(k)) for k in range(1, 40))
    expected = math.exp(x) * e1 + math.log(x) + 0.5772156649015329
    assert standard_gamma_grad_array(np.array([x]), np.array([1.0]))[0] == pytest.approx(expected, rel=1e-13)


def test_rsample_flags_shapes_and_gradients_reach_every_parameter():
    a = tg.tensor([2.0, 0.5], requires_grad=True)
    b = tg.tensor([1.5, 3.0], requires_grad=True)
    for dist, params in [(D.Gamma(a, b), (a, b)), (D.Chi2(a), (a,)), (D.Beta(a, b), (a, b)),
                         (D.Dirichlet(tg.stack([a, b], -1)), (a, b)), (D.StudentT(a, b, a), (a, b))]:
        assert dist.has_rsample
        x = dist.rsample((3,))
        assert x.requires_grad and x.shape == (3,) + tuple(dist.batch_shape) + tuple(dist.event_shape)
        grads = tg.grad((x * x).sum(), params)
        assert all(np.isfinite(g.numpy()).all() and g.shape == (2,) for g in grads)
    assert D.Gamma(2.0, 1.0).rsample().shape == ()


def _student_t_by_hand(rng, df, loc, scale):
    normal = rng.standard_normal((4, 2))  # (drawn first, as PyTorch)
    chi2 = 2 * rng.standard_gamma(np.broadcast_to(df / 2, (4, 2)))
    return loc + scale * (normal / np.sqrt(chi2 / df))


def _beta_by_hand(rng, a, b):
    g = rng.standard_gamma(np.broadcast_to(np.stack([a, b], -1), (4, 2, 2)))
    return g[..., 0] / g.sum(-1)


def test_sample_gives_the_same_numbers_as_rsample_and_as_numpy():
    a, b = np.array([2.0, 0.5]), np.array([1.5, 3.0])
    ta, tb = tg.tensor(a, requires_grad=True), tg.tensor(b)
    for make, by_hand in [
        (lambda: D.Gamma(ta, tb), lambda rng: rng.standard_gamma(np.broadcast_to(a, (4, 2))) / b),
        (lambda: D.Chi2(ta), lambda rng: 2 * rng.standard_gamma(np.broadcast_to(a / 2, (4, 2)))),
        (lambda: D.StudentT(ta, tb, ta), lambda rng: _student_t_by_hand(rng, a, b, a)),
        (lambda: D.Beta(ta, tb), lambda rng: _beta_by_hand(rng, a, b)),
    ]:
        tg.manual_seed(5)
        sampled = make().sample((4,))
        tg.manual_seed(5)
        reparameterised = make().rsample((4,))
        assert not sampled.requires_grad and reparameterised.requires_grad
        np.testing.assert_array_equal(sampled.numpy(), reparameterised.detach().numpy())
        np.testing.assert_allclose(sampled.numpy(), by_hand(np.random.default_rng(5)), rtol=1e-15)


def test_dirichlet_gradient_is_that_of_normalised_gammas():
    """x = g/Σg: d(w·x)/dαⱼ = G(gⱼ, αⱼ)/Σg · (wⱼ - w·x), G the gamma gradient (same draws by seed)."""
    alpha = np.array([0.7, 2.0, 5.0])
    concentration = tg.tensor(alpha, requires_grad=True)
    weights = np.array([1.0, -2.0, 0.5])
    tg.manual_seed(3)
    x = D.Dirichlet(concentration).rsample()
    (x * tg.tensor(weights)).sum().backward()
    g = np.random.default_rng(3).standard_gamma(alpha)
    total = g.sum()
    expected = standard_gamma_grad_array(g, alpha) / total * (weights - weights @ (g / total))
    np.testing.assert_allclose(concentration.grad.numpy(), expected, rtol=1e-12)


def test_dirichlet_gradient_averages_to_torch_dirichlet_grad():
    """PyTorch's `_dirichlet_grad(x, α, Σα)` is a function of x alone; ours also depends on
    S = Σg ~ Gamma(Σα, 1), independent of x. Averaged over S (by quadrature, no sampling noise) our
    factor G(xⱼS, αⱼ)/S equals PyTorch's, within PyTorch's approximation error."""
    torch = pytest.importorskip("torch")
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 20
    for xj, aj, total in [(0.3, 1.5, 4.0), (0.7, 2.0, 2.5), (0.05, 0.5, 3.0), (0.9, 5.0, 6.0)]:
        def integrand(s):
            factor = standard_gamma_grad_array(np.array(xj * float(s)), np.array(aj)) / float(s)
            return float(factor) * mp.exp((total - 1) * mp.log(s) - s - mp.loggamma(total))
        ours = float(mp.quad(integrand, [0, total, mp.inf]))
        theirs = torch._dirichlet_grad(*(torch.tensor([v], dtype=torch.float64) for v in (xj, aj, total))).item()
        assert ours == pytest.approx(theirs, rel=1e-3)


def _mean_and_standard_error(values: np.ndarray) -> tuple:
    return values.mean(), values.std(ddof=1) / np.sqrt(values.size)


def test_monte_carlo_gradient_of_the_mean():
    """d/dα E[x] = 1 for Gamma(α, 1) and d/d df E[z] = 1 for χ²(df); for Beta(a, b)
    d/da E[x] = b/(a+b)², d/db E[x] = -a/(a+b)²: each within 3 standard errors over 20000 draws."""
    tg.manual_seed(0)
    n = 20_000
    alpha = tg.tensor(np.full(n, 2.5), requires_grad=True)
    D.Gamma(alpha, 1.0).rsample().sum().backward()
    mean, error = _mean_and_standard_error(alpha.grad.numpy())
    assert abs(mean - 1) < 3 * error and error < 0.01
    df = tg.tensor(np.full(n, 3.0), requires_grad=True)
    D.Chi2(df).rsample().sum().backward()
    mean, error = _mean_and_standard_error(df.grad.numpy())
    assert abs(mean - 1) < 3 * error
    a, b = tg.tensor(np.full(n, 2.0), requires_grad=True), tg.tensor(np.full(n, 3.0), requires_grad=True)
    D.Beta(a, b).rsample().sum().backward()
    for grad, expected in [(a.grad, 3 / 25), (b.grad, -2 / 25)]:
        mean, error = _mean_and_standard_error(grad.numpy())
        assert abs(mean - expected) < 3 * error and error < 0.01


def test_fitting_a_gamma_by_gradient_descent_through_rsample():
    """E[(x - 3)²] = Var x + (E x - 3)² = α + (α - 3)² for Gamma(α, 1): smallest at α = 2.5."""
    tg.manual_seed(1)
    log_alpha = tg.tensor(0.0, requires_grad=True)
    optimizer = tg.optim.Adam([log_alpha], lr=0.05)
    for _ in range(300):
        optimizer.zero_grad()
        x = D.Gamma(log_alpha.exp(), 1.0).rsample((256,))
        ((x - 3) ** 2).mean().backward()
        optimizer.step()
    assert abs(log_alpha.exp().item() - 2.5) < 0.15


def test_second_derivative_raises_as_in_pytorch():
    alpha = tg.tensor([2.0], requires_grad=True)
    (g,) = tg.grad(D.Gamma(alpha, 1.0).rsample().sum(), alpha, create_graph=True)
    assert g.requires_grad
    with pytest.raises(NotImplementedError, match="_standard_gamma_grad"):
        g.sum().backward()


def test_gamma_gradient_matches_torch_on_the_same_sample():
    """Gamma(α, β) with our draw x: PyTorch's gradient of x = x₁/β is G(x₁, α)/β in α and -x/β in β."""
    torch = pytest.importorskip("torch")
    alpha = tg.tensor([0.5, 4.0], requires_grad=True)
    rate = tg.tensor([2.0, 0.5], requires_grad=True)
    x = D.Gamma(alpha, rate).rsample()
    x.sum().backward()
    unit = torch.tensor(x.detach().numpy() * rate.detach().numpy())
    ta = torch.tensor([0.5, 4.0], dtype=torch.float64, requires_grad=True)
    tr = torch.tensor([2.0, 0.5], dtype=torch.float64, requires_grad=True)
    grad_alpha = torch._standard_gamma_grad(ta, unit) / tr
    np.testing.assert_allclose(alpha.grad.numpy(), grad_alpha.detach().numpy(), rtol=2e-2)
    np.testing.assert_allclose(rate.grad.numpy(), -x.detach().numpy() / rate.detach().numpy(), rtol=1e-14)


def test_gamma_cdf_is_the_incomplete_gamma_function():
    """Gamma.cdf(x) = P(α, βx): for α = 1 it is the exponential's 1 - e^(-βx); gradients in x and β,
    none in α, as PyTorch's."""
    rate = tg.tensor([2.0], requires_grad=True)
    x = tg.tensor([0.7], requires_grad=True)
    cdf = D.Gamma(tg.tensor([1.0]), rate).cdf(x)
    assert cdf.item() == pytest.approx(1 - np.exp(-1.4), rel=1e-12)
    cdf.backward()
    assert x.grad.item() == pytest.approx(2.0 * np.exp(-1.4), rel=1e-10)
    assert rate.grad.item() == pytest.approx(0.7 * np.exp(-1.4), rel=1e-10)
    assert D.Chi2(tg.tensor([2.0])).cdf(tg.tensor([1.0])).item() == pytest.approx(1 - np.exp(-0.5), rel=1e-12)
    alpha = tg.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="gammainc"):
        D.Gamma(alpha, 1.0).cdf(tg.tensor([1.0])).backward()
    torch = pytest.importorskip("torch")
    a, b, v = np.array([0.5, 2.0, 7.0]), np.array([3.0, 1.0, 0.5]), np.array([0.2, 1.5, 20.0])
    theirs = torch.distributions.Gamma(torch.tensor(a), torch.tensor(b)).cdf(torch.tensor(v)).numpy()
    np.testing.assert_allclose(D.Gamma(tg.tensor(a), tg.tensor(b)).cdf(tg.tensor(v)).numpy(), theirs, rtol=1e-12)
