"""Registry entries for the new differentiable tg.special functions (ops/special_more.py,
ops/incomplete_gamma.py) and for tg.normal / tg.poisson (sampling_normal.py).

tg.special's names are not public names of tg, so each sits as a variant of its nearest relative
(erfcx of erfc, i0e/i1e of i0, zeta of polygamma, gammainc/gammaincc of lgamma). zeta is checked in
q only and gammainc/gammaincc in x only: the other argument has no derivative (in PyTorch either),
so it is a constant here. The scales (x * 12 for i0e/i1e, x * 4 for erfcx) put inputs on both
sides of the formulas' switch points (|x| = 20, x = 0)."""
import tinygrad_edu as tg
from tinygrad_edu.ops.incomplete_gamma import GammaDensity

from . import Spec, constant, positive, register

ONE = [[(3,)], [(2, 3)], [()]]


def _positive_constant(*shape) -> Spec:
    return Spec(tuple(shape), "positive", requires_grad=False)


register("Tensor.erfc(tg.special.erfcx)", lambda x: tg.special.erfcx(x * 4), *ONE)
register("Tensor.i0(tg.special.i0e)", lambda x: tg.special.i0e(x * 12), *ONE, [(1,)])
register("Tensor.i0(tg.special.i1e)", lambda x: tg.special.i1e(x * 12), *ONE, [(1,)])
# zeta(x, q) in q, with x = 1.5 + |x| > 1 a constant; broadcast both ways, and a Python number x
register("Tensor.polygamma(tg.special.zeta)", lambda x, q: tg.special.zeta(x.abs() + 1.5, q),
         [constant(3, 1), positive(1, 4)], [constant(2, 3), positive(3)], [constant(), positive(2)],
         [constant(4), positive(4)])
register("Tensor.polygamma(tg.special.zeta(number, q))", lambda q: tg.special.zeta(3.0, q * 4), [positive(3)],
         [positive(2, 3)], [positive()])
# gammainc(a, x), gammaincc(a, x) in x: x over (0.5, 2) * 3 crosses the series / fraction switch at x = a, 1.1
register("Tensor.lgamma(tg.special.gammainc)", lambda a, x: tg.special.gammainc(a * 2, x * 3),
         [_positive_constant(3, 1), positive(1, 4)], [_positive_constant(4), positive(4)],
         [_positive_constant(), positive(2, 3)])
register("Tensor.lgamma(tg.special.gammaincc)", lambda a, x: tg.special.gammaincc(a * 2, x * 3),
         [_positive_constant(3, 1), positive(1, 4)], [_positive_constant(4), positive(4)],
         [_positive_constant(), positive(2, 3)])
# the density x^(a-1) e^(-x)/Γ(a): gammainc's derivative in x, an op so that it differentiates again
# (in both arguments), with a on both sides of 10 (where its formula switches)
register("Tensor.lgamma(gammainc's derivative: GammaDensity)", lambda a, x: GammaDensity.apply(a * 8, x * 3),
         [positive(3, 1), positive(1, 4)], [positive(4), positive(4)], [positive(), positive(2, 3)])


# tg.normal and tg.poisson: PyTorch defines their gradient as zero. A draw from a fresh generator
# with a fixed seed is a function of the inputs, so gradcheck can compare: normal's draw minus the
# same draw is 0 for all mean and std (analytic gradient 0, numerical 0); the product m * s gives
# gradgradcheck something to differentiate. A Poisson draw with a fixed stream is piecewise
# constant in the rate, so its true derivative is 0 almost everywhere: poisson(r) * r has
# derivative poisson(r), analytically and numerically.
def _seeded() -> tg.Generator:
    return tg.Generator().manual_seed(0)


def _normal_difference(m, s):
    std = s.abs() + 0.5
    return tg.normal(m, std, generator=_seeded()) - tg.normal(m, std, generator=_seeded()) + m * s


register("tg.normal", _normal_difference, [(3,), (3,)], [(2, 1), (1, 3)], [(), (4,)])
register("tg.normal(mean, float)", lambda m: tg.normal(m, 2.0, generator=_seeded())
         - tg.normal(m, 2.0, generator=_seeded()) + m * m, [(3,)], [(2, 3)], [()])
register("tg.poisson", lambda r: tg.poisson(r * 3, generator=_seeded()) * r, [positive(3)], [positive(2, 3)],
         [positive()])
