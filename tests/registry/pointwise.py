"""Registry entries for the elementwise math of tensor_pointwise.py and functions_pointwise.py:
trigonometric and hyperbolic functions (ops/trig.py), erf/erfc/erfinv, the composed ops
(lerp, addcmul, hypot, logaddexp, xlogy, fmod, ...), the matrix-plus-product forms and the
in-place forms. Inputs are mapped into each function's domain (unit for asin, 1 + positive for
acosh, ...); fmod's divisor is kept away from the jumps of the quotient."""
import math

import tinygrad_edu as tg

from . import distinct, not_differentiable, positive, register, unit

ONE = [(3,), (2, 3), ()]
UNIT = [unit(3), unit(2, 3), unit()]
DOMAIN = {  # name: (cases, a map of a standard-normal or restricted input into the domain)
    "tan": (UNIT, None), "asin": (UNIT, None), "acos": (UNIT, None), "atan": (ONE, None),
    "sinh": (ONE, None), "cosh": (ONE, None), "asinh": (ONE, None),
    "acosh": ([positive(3), positive(2, 3), positive()], lambda x: x + 1.0),
    "atanh": (UNIT, None), "erf": (ONE, None), "erfc": (ONE, None), "erfinv": (UNIT, None),
    "deg2rad": (ONE, None), "rad2deg": (ONE, None), "sinc": ([(4,), (2, 3), ()], None),
}
ALIASES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
           "atanh": "arctanh"}
for name, (shapes, into_domain) in DOMAIN.items():
    into = into_domain or (lambda x: x)
    for spelled in (name, ALIASES.get(name)):
        if spelled is None:
            continue
        cases = [[s] for s in shapes]
        register(f"Tensor.{spelled}", lambda x, n=spelled, into=into: getattr(into(x), n)(), *cases)
        register(f"tg.{spelled}", lambda x, n=spelled, into=into: getattr(tg, n)(into(x)), *cases)
        # the in-place form, on a non-leaf copy (a leaf that requires grad cannot change in place)
        register(f"Tensor.{spelled}_", lambda x, n=spelled, into=into: getattr(into(x) * 1, f"{n}_")() * x, *cases)

BROADCAST = [[(3, 4), (4,)], [(2, 1, 3), (4, 1)], [(), (3,)], [(1,), (1,)]]
for name in ("atan2", "arctan2", "hypot", "logaddexp", "logaddexp2"):
    register(f"Tensor.{name}", lambda a, b, n=name: getattr(a, n)(b), *BROADCAST)
    register(f"tg.{name}", lambda a, b, n=name: getattr(tg, n)(a, b), *BROADCAST)
for name in ("atan2_", "arctan2_", "hypot_"):
    register(f"Tensor.{name}", lambda a, b, n=name: getattr(a * 1, n)(b) * a, [(3, 4), (4,)], [(2, 3), (1, 3)],
             [(1,), ()])

# xlogy: positive y; a number on either side
XLOGY = [[(3, 4), positive(4)], [(2, 1), positive(1, 3)], [(), positive(3)], [(1,), positive()]]
register("Tensor.xlogy", lambda x, y: x.xlogy(y), *XLOGY)
register("tg.xlogy", lambda x, y: tg.xlogy(x, y) + tg.xlogy(x, 2.5) + tg.xlogy(1.5, y), *XLOGY)
register("Tensor.xlogy_", lambda x, y: (x * 1).xlogy_(y) * x, [(3, 4), positive(4)], [(2, 3), positive(1, 3)],
         [(1,), positive()])

# fmod and remainder: the divisor |b| + 1.5 keeps the quotient of these inputs away from its jumps
FMOD = [[distinct(3, 4), (4,)], [distinct(2, 1), (1, 3)], [distinct(5), ()]]
register("Tensor.fmod", lambda a, b: a.fmod(b.abs() + 1.5) + a.fmod(1.75), *FMOD)
register("tg.fmod", lambda a, b: tg.fmod(a, -(b.abs() + 1.5)), *FMOD)
register("Tensor.fmod_", lambda a: (a * 1).fmod_(1.75) * a, [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("tg.remainder", lambda a, b: tg.remainder(a, b.abs() + 1.5), *FMOD)
DIVIDE = [[(3, 4), positive(4)], [(2, 1), positive(1, 3)], [(), positive(3)]]
register("Tensor.true_divide", lambda a, b: a.true_divide(b), *DIVIDE)
register("tg.true_divide", lambda a, b: tg.true_divide(a, b), *DIVIDE)
register("Tensor.true_divide_", lambda a, b: (a * 1).true_divide_(b) * a, [(3, 4), positive(4)],
         [(2, 3), positive(1, 3)], [(1,), positive()])

# lerp: weight a number (either branch of PyTorch's formula) or a tensor
LERP = [[(3, 4), (4,), (3, 1)], [(2, 1), (1, 3), ()], [(), (3,), (3,)], [(1,), (1,), (1,)]]
register("Tensor.lerp", lambda a, b, w: a.lerp(b, w) + a.lerp(b, 0.25) + a.lerp(b, 0.8), *LERP)
register("tg.lerp", lambda a, b, w: tg.lerp(a, b, w), *LERP)
register("Tensor.lerp_", lambda a, b, w: (a * 1).lerp_(b, w) * a, [(3, 4), (4,), (3, 1)], [(2, 3), (1, 3), ()],
         [(1,), (1,), ()])

ADDC = [[(3, 4), (4,), (3, 1)], [(2, 1), (1, 3), (2, 3)], [(), (3,), ()], [(1,), (1,), (1,)]]
ADDC_DIV = [[a, b, positive(*c)] for a, b, c in ADDC]
register("Tensor.addcmul", lambda a, b, c: a.addcmul(b, c, value=-0.5), *ADDC)
register("tg.addcmul", lambda a, b, c: tg.addcmul(a, b, c), *ADDC)
register("Tensor.addcdiv", lambda a, b, c: a.addcdiv(b, c, value=2), *ADDC_DIV)
register("tg.addcdiv", lambda a, b, c: tg.addcdiv(a, b, c), *ADDC_DIV)
IN_PLACE_ADDC = [[(3, 4), (4,), (3, 1)], [(2, 3), (1, 3), (2, 3)], [(1,), (), ()]]
register("Tensor.addcmul_", lambda a, b, c: (a * 1).addcmul_(b, c, value=3) * a, *IN_PLACE_ADDC)
register("Tensor.addcdiv_", lambda a, b, c: (a * 1).addcdiv_(b, c.abs() + 0.5) * a, *IN_PLACE_ADDC)

# clamp_min / clamp_max: with a number (clamp) and with a tensor bound; `distinct` avoids ties
BOUND = [[distinct(3, 4), distinct(4)], [distinct(2, 1), distinct(1, 3)], [distinct(5), distinct()],
         [distinct(), distinct(3)]]
register("Tensor.clamp_min", lambda a, m: a.clamp_min(m + 0.25) + a.clamp_min(0.1), *BOUND)
register("Tensor.clamp_max", lambda a, m: a.clamp_max(m + 0.25) + a.clamp_max(0.1), *BOUND)
register("tg.clamp_min", lambda a, m: tg.clamp_min(a, m + 0.25), *BOUND)
register("tg.clamp_max", lambda a, m: tg.clamp_max(a, m + 0.25), *BOUND)
IN_PLACE_BOUND = [[distinct(3, 4), distinct(4)], [distinct(2, 3), distinct(1, 3)], [distinct(1), distinct()]]
register("Tensor.clamp_min_", lambda a, m: (a * 1).clamp_min_(m + 0.25) * a + (a * 1).clamp_min_(0.1), *IN_PLACE_BOUND)
register("Tensor.clamp_max_", lambda a, m: (a * 1).clamp_max_(m + 0.25) * a + (a * 1).clamp_max_(0.1), *IN_PLACE_BOUND)

# nan_to_num: inf and nan are added in the function (an input that is inf cannot be perturbed)
SPECIAL = tg.tensor([0.0, math.inf, -math.inf, math.nan])
NAN_TO_NUM = [[(4,)], [(2, 4)], [()]]
register("Tensor.nan_to_num", lambda x: (x + SPECIAL).nan_to_num(posinf=3.0, neginf=-4.0) * x, *NAN_TO_NUM)
register("tg.nan_to_num", lambda x: tg.nan_to_num(x + SPECIAL, nan=-1.0), *NAN_TO_NUM)
register("Tensor.nan_to_num_", lambda x: (x + SPECIAL).nan_to_num_(0.5, 1e3, -2.0) * x, *NAN_TO_NUM)

# matrix + product
ADDMM = [[(2, 4), (2, 3), (3, 4)], [(4,), (2, 3), (3, 4)], [(), (1, 1), (1, 1)], [(2, 1), (2, 3), (3, 1)]]
register("Tensor.addmm", lambda i, a, b: i.addmm(a, b, beta=0.5, alpha=-2), *ADDMM)
register("tg.addmm", lambda i, a, b: tg.addmm(i, a, b), *ADDMM)
register("tg.addmm(beta=0)", lambda i, a, b: tg.addmm(i, a, b, beta=0) * (1 + i), *ADDMM)
register("Tensor.addmm_", lambda i, a, b: (i * 1).addmm_(a, b, alpha=2) * i,
         [(2, 4), (2, 3), (3, 4)], [(1, 1), (1, 2), (2, 1)], [(3, 2), (3, 1), (1, 2)])
ADDMV = [[(2,), (2, 3), (3,)], [(), (4, 2), (2,)], [(1,), (3, 1), (1,)]]
register("Tensor.addmv", lambda i, m, v: i.addmv(m, v, alpha=3), *ADDMV)
register("tg.addmv", lambda i, m, v: tg.addmv(i, m, v, beta=2), *ADDMV)
ADDBMM = [[(2, 4), (3, 2, 5), (3, 5, 4)], [(4,), (1, 2, 3), (1, 3, 4)], [(), (2, 1, 1), (2, 1, 1)]]
register("Tensor.addbmm", lambda i, a, b: i.addbmm(a, b, beta=-1), *ADDBMM)
register("tg.addbmm", lambda i, a, b: tg.addbmm(i, a, b, alpha=0.5), *ADDBMM)
BADDBMM = [[(3, 2, 4), (3, 2, 5), (3, 5, 4)], [(2, 1), (3, 2, 3), (3, 3, 1)], [(), (2, 1, 1), (2, 1, 1)]]
register("Tensor.baddbmm", lambda i, a, b: i.baddbmm(a, b, beta=2, alpha=0.5), *BADDBMM)
register("tg.baddbmm", lambda i, a, b: tg.baddbmm(i, a, b), *BADDBMM)
register("Tensor.baddbmm_", lambda i, a, b: (i * 1).baddbmm_(a, b, beta=0.5) * i,
         [(3, 2, 4), (3, 2, 5), (3, 5, 4)], [(1, 1, 1), (1, 1, 2), (1, 2, 1)], [(2, 2, 1), (2, 2, 3), (2, 3, 1)])

not_differentiable(
    "bool results (comparisons and logic)",
    "Tensor.greater", "Tensor.greater_equal", "Tensor.less", "Tensor.less_equal", "Tensor.not_equal",
    "tg.eq", "tg.ne", "tg.lt", "tg.le", "tg.gt", "tg.ge", "tg.greater", "tg.greater_equal", "tg.less",
    "tg.less_equal", "tg.not_equal", "Tensor.logical_and", "Tensor.logical_or", "Tensor.logical_xor",
    "Tensor.logical_not", "tg.logical_and", "tg.logical_or", "tg.logical_xor", "tg.logical_not",
)
not_differentiable(
    "steps and bits: no derivative (PyTorch defines none for floor_divide, heaviside, bitwise_not)",
    "Tensor.floor_divide", "tg.floor_divide", "Tensor.heaviside", "tg.heaviside", "Tensor.bitwise_not",
    "tg.bitwise_not",
)
