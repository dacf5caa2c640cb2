"""Registry entries for the long tail of tensor_more.py, tensor_more_layout.py and their `tg.`
forms: aliases, copysign/fmax/fmin/float_power/ldexp/frexp/logit, the special functions (lgamma,
digamma, polygamma, mvlgamma, i0: new ops, checked to second order), in-place forms, and the
shape/scatter/product names (unfold is a new op). lgamma, digamma and polygamma get positive
inputs (away from their poles), logit values in (0, 1), rounding ops distinct inputs away from
their jumps. In-place forms run on a non-leaf copy (x * 1)."""
import tinygrad_edu as tg

from . import distinct, not_differentiable, positive, register, unit

ONE = [[(3,)], [(2, 3)], [()]]
POS = [[positive(3)], [positive(2, 3)], [positive()]]
PAIR = [[(3, 4), (4,)], [(2, 1, 3), (4, 1)], [(), (3,)], [(1,), (1,)]]
POS_PAIR = [[positive(3, 4), (4,)], [positive(2, 1), (1, 3)], [positive(), (3,)]]


def _both(name: str, fn_method, fn_function, *cases) -> None:
    register(f"Tensor.{name}", fn_method, *cases)
    register(f"tg.{name}", fn_function, *cases)


# ---- aliases -------------------------------------------------------------------------------------
_both("absolute", lambda x: x.absolute(), tg.absolute, *ONE)
_both("negative", lambda x: x.negative(), tg.negative, *ONE)
_both("positive", lambda x: x.positive() * x, lambda x: tg.positive(x) * x, *ONE)
_both("multiply", lambda a, b: a.multiply(b), tg.multiply, *PAIR)
_both("subtract", lambda a, b: a.subtract(b, alpha=2), lambda a, b: tg.subtract(a, b, alpha=0.5), *PAIR)
_both("divide", lambda a, b: a.divide(b) + a.divide(b + 3, rounding_mode="floor") * a,
      lambda a, b: tg.divide(a, b) + tg.divide(a, 2.5, rounding_mode="trunc") * a, *POS_PAIR[:1],
      [(2, 3), positive(3)], [(), positive()])
_both("fix", lambda x: x.fix() * x, lambda x: tg.fix(x * 3) + x, *ONE)
_both("sgn", lambda x: x.sgn() * x, lambda x: tg.sgn(x) * x, *ONE)
for name in ("absolute_", "negative_", "fix_", "sgn_"):
    register(f"Tensor.{name}", lambda x, n=name: getattr(x * 1, n)() * x, *ONE)
register("Tensor.multiply_", lambda a, b: (a * 1).multiply_(b) * a, [(3, 4), (4,)], [(2, 3), (1, 3)], [(1,), ()])
register("Tensor.subtract_", lambda a, b: (a * 1).subtract_(b, alpha=2) * a, [(3, 4), (4,)], [(2, 3), (1, 3)],
         [(1,), ()])
register("Tensor.divide_", lambda a, b: (a * 1).divide_(b) * a, [(3, 4), positive(4)], [(2, 3), positive(1, 3)],
         [(1,), positive()])

# ---- new elementwise math --------------------------------------------------------------------------
_both("copysign", lambda a, b: a.copysign(b) + a.copysign(-1.0), tg.copysign, *PAIR)
register("Tensor.copysign_", lambda a, b: (a * 1).copysign_(b) * a, [(3, 4), (4,)], [(2, 3), (1, 3)], [(1,), ()])
DISTINCT_PAIR = [[distinct(3, 4), distinct(4)], [distinct(2, 1, 3), distinct(4, 1)], [distinct(), distinct(3)]]
_both("fmax", lambda a, b: a.fmax(b), tg.fmax, *DISTINCT_PAIR)
_both("fmin", lambda a, b: a.fmin(b), tg.fmin, *DISTINCT_PAIR)
_both("float_power", lambda a, b: a.float_power(b) + a.float_power(2),
      lambda a, b: tg.float_power(a, b) + tg.float_power(2.5, b), *POS_PAIR)
register("Tensor.float_power_", lambda a, b: (a * 1).float_power_(b) * a, [positive(3, 4), (4,)],
         [positive(2, 3), (1, 3)], [positive(1), ()])
_both("ldexp", lambda a, b: a.ldexp(b), tg.ldexp, *PAIR)
register("Tensor.ldexp_", lambda a, b: (a * 1).ldexp_(b) * a, [(3, 4), (4,)], [(2, 3), (1, 3)], [(1,), ()])
_both("frexp", lambda x: x.frexp().mantissa * x, lambda x: tg.frexp(x * 3)[0], *ONE)
UNIT_ONE = [[unit(3)], [unit(2, 3)], [unit()]]
_both("logit", lambda x: (x * 0.5 + 0.5).logit() + (x * 0.5 + 0.5).logit(0.3),
      lambda x: tg.logit(x * 0.5 + 0.5, 1e-3), *UNIT_ONE)
register("Tensor.logit_", lambda x: (x * 0.5 + 0.5).logit_() * x, *UNIT_ONE)

# ---- special functions (new ops: gradgradcheck reaches polygamma(n + 2) and Bessel I₂) -------------
_both("lgamma", lambda x: x.lgamma(), tg.lgamma, *POS)
_both("digamma", lambda x: x.digamma(), tg.digamma, *POS)
_both("polygamma", lambda x: x.polygamma(1) + x.polygamma(2), lambda x: tg.polygamma(3, x), *POS)
_both("mvlgamma", lambda x: (x + 1).mvlgamma(3), lambda x: tg.mvlgamma(x + 0.5, 1), *POS)
_both("i0", lambda x: x.i0(), lambda x: tg.i0(x * 10), *ONE)
for name in ("lgamma_", "digamma_", "i0_"):
    register(f"Tensor.{name}", lambda x, n=name: getattr(x * 1, n)() * x, *POS)
register("Tensor.polygamma_", lambda x: (x * 1).polygamma_(1) * x, *POS)
register("Tensor.mvlgamma_", lambda x: (x + 1).mvlgamma_(2) * x, *POS)

# ---- in-place forms of existing ops ------------------------------------------------------------------
for name in ("ceil_", "floor_", "trunc_", "round_", "frac_"):
    register(f"Tensor.{name}", lambda x, n=name: getattr(x * 3, n)() * x, [distinct(3)], [distinct(2, 3)], [distinct()])
for name in ("exp2_", "log2_", "log10_", "rsqrt_"):
    register(f"Tensor.{name}", lambda x, n=name: getattr(x * 1, n)() * x, *POS)
register("Tensor.remainder_", lambda x: (x * 1).remainder_(1.75) * x, [distinct(3, 4)], [distinct(5)],
         [distinct(1, 1)])
register("Tensor.tril_", lambda x: (x * 1).tril_(-1) * x, [(3, 4)], [(2, 3, 3)], [(1, 1)])
register("Tensor.triu_", lambda x: (x * 1).triu_(1) * x, [(3, 4)], [(2, 3, 3)], [(1, 1)])
register("Tensor.cumsum_", lambda x: (x * 1).cumsum_(-1) * x, [(3, 4)], [(2, 3)], [(1,)])
register("Tensor.cumprod_", lambda x: (x * 1).cumprod_(0) * x, [(3, 4)], [(2, 3)], [(1,)])
register("Tensor.addmv_", lambda v, m, w: (v * 1).addmv_(m, w, beta=0.5, alpha=2) * v, [(2,), (2, 3), (3,)],
         [(1,), (1, 4), (4,)], [(3,), (3, 1), (1,)])
register("Tensor.addbmm_", lambda a, b, c: (a * 1).addbmm_(b, c) * a, [(2, 3), (4, 2, 5), (4, 5, 3)],
         [(1, 1), (1, 1, 2), (1, 2, 1)], [(2, 2), (3, 2, 1), (3, 1, 2)])

# ---- shapes, scatters, products --------------------------------------------------------------------
MATS = [[(3, 4)], [(2, 3, 4)], [(1, 1)]]
_both("ravel", lambda x: x.transpose(0, -1).ravel() * 2, lambda x: tg.ravel(x) ** 2, *MATS)
_both("tile", lambda x: x.tile((2,)) ** 2, lambda x: tg.tile(x, (2, 1, 1)) ** 2, *MATS)
_both("msort", lambda x: x.msort() ** 2, lambda x: tg.msort(x) ** 3, [distinct(4, 3)], [distinct(3)], [distinct(1, 2)])
_both("split_with_sizes", lambda x: x.split_with_sizes([1, x.shape[-1] - 1], -1)[1] ** 2,
      lambda x: tg.split_with_sizes(x, [1, x.shape[-1] - 1], -1)[0] ** 2, *MATS)
_both("narrow_copy", lambda x: x.narrow_copy(-1, 0, 1) ** 2, lambda x: tg.narrow_copy(x, 0, 0, 1) ** 2, *MATS)
_both("select", lambda x: x.select(-1, 0) ** 2, lambda x: tg.select(x, 0, -1) ** 2, *MATS)
register("Tensor.swapaxes_", lambda x: (x * 1).swapaxes_(0, -1) ** 2, *MATS)
register("Tensor.swapdims_", lambda x: (x * 1).swapdims_(-1, 0) ** 2, *MATS)
register("Tensor.adjoint", lambda x: x.adjoint() ** 2, *MATS)
_both("diagflat", lambda x: x.diagflat(1) ** 2, lambda x: tg.diagflat(x, -1) ** 2, *MATS)
register("Tensor.unfold", lambda x: x.unfold(-1, min(2, x.shape[-1] if x.ndim else 1), 1) ** 2
         + x.unfold(0, 1, 2).sum() ** 2, [(5,)], [(2, 3, 4)],
         [()], [(1, 1)])
register("Tensor.sum_to_size", lambda x: x.sum_to_size(1, x.shape[-1]) ** 2, *MATS)
_both("select_scatter", lambda x, s: x.select_scatter(s, 0, 0) ** 2, lambda x, s: tg.select_scatter(x, s, 0, -1) ** 2,
      [(3, 4), (4,)], [(2, 1), (1,)], [(1, 3), (3,)])
register("tg.slice_scatter", lambda x, s: tg.slice_scatter(x, s, 0, 0, None, 2) ** 2, [(4, 3), (2, 3)],
         [(3, 1), (2, 1)],
         [(1, 2), (1, 2)])
register("Tensor.slice_scatter", lambda x, s: x.slice_scatter(s, 1, 1) ** 2, [(4, 3), (4, 2)], [(2, 2), (2, 1)],
         [(1, 5), (1, 4)])
register("Tensor.diagonal_scatter", lambda x, s: x.diagonal_scatter(s, 1) ** 2, [(3, 3), (2,)], [(2, 4), (2,)],
         [(3, 2), (1,)])
register("tg.diagonal_scatter", lambda x, s: tg.diagonal_scatter(x, s, -1) ** 2, [(3, 3), (2,)], [(2, 4), (1,)],
         [(3, 2), (2,)], [(2, 3, 3), (3, 1)])
register("Tensor.fill_diagonal_", lambda x: (x * 1).fill_diagonal_(0.5) * x, [(3, 4)], [(2, 2, 2)], [(5, 2)])
_both("dist", lambda a, b: a.dist(b, 3) + a.dist(b), lambda a, b: tg.dist(a, b, 1.5), [(3, 4), (4,)], [(2, 3), (2, 1)],
      [(), (3,)])
_both("renorm", lambda x: x.renorm(2, 0, 1.0), lambda x: tg.renorm(x, 1, -1, 0.5), [(3, 4)], [(2, 3, 2)], [(1, 3)])
register("Tensor.renorm_", lambda x: (x * 1).renorm_(2, 1, 0.8) * x, [(3, 4)], [(2, 3, 2)], [(1, 3)])
_both("kthvalue", lambda x: x.kthvalue(2).values ** 2, lambda x: tg.kthvalue(x, 1, 0, True).values ** 2,
      [distinct(3, 4)], [distinct(2, 3)], [distinct(1, 2)])
_both("inner", lambda a, b: a.inner(b), tg.inner, [(3, 4), (2, 4)], [(2, 3), (3,)], [(), (3, 2)], [(4,), (4,)])
_both("vdot", lambda a, b: a.vdot(b), tg.vdot, [(3,), (3,)], [(1,), (1,)], [(5,), (5,)])
_both("ger", lambda a, b: a.ger(b), tg.ger, [(3,), (4,)], [(1,), (2,)], [(2,), (1,)])
_both("addr", lambda m, a, b: m.addr(a, b, beta=0.5, alpha=2), tg.addr, [(3, 4), (3,), (4,)], [(4,), (2,), (4,)],
      [(), (1,), (2,)])
register("Tensor.addr_", lambda m, a, b: (m * 1).addr_(a, b) * m, [(3, 4), (3,), (4,)], [(2, 1), (2,), (1,)],
         [(1, 1), (1,), (1,)])

not_differentiable(
    "integer, bool or floating point bit-level results with no gradient in PyTorch either",
    "Tensor.nextafter", "Tensor.nextafter_", "tg.nextafter", "Tensor.gcd", "Tensor.gcd_", "tg.gcd", "Tensor.lcm",
    "Tensor.lcm_", "tg.lcm", "Tensor.signbit", "tg.signbit", "Tensor.isneginf", "tg.isneginf", "Tensor.isposinf",
    "tg.isposinf", "Tensor.isreal", "tg.isreal", "Tensor.bitwise_not_",
    *[f"{p}.bitwise_{n}" for p in ("Tensor", "tg") for n in ("and", "or", "xor", "left_shift", "right_shift")],
    *[f"Tensor.bitwise_{n}_" for n in ("and", "or", "xor", "left_shift", "right_shift")],
)
not_differentiable(
    "a question about the tensor, answered with a Python bool",
    "Tensor.is_nonzero", "tg.is_nonzero", "Tensor.is_same_size", "tg.is_same_size", "Tensor.is_signed",
    "tg.is_signed", "Tensor.is_complex", "tg.is_complex", "Tensor.is_inference", "tg.is_inference",
)
not_differentiable(
    "comparisons and logical ops written in place: 1/0 in self's dtype, gradient 0 (as PyTorch)",
    *[f"Tensor.{n}_" for n in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
                               "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not")],
    "Tensor.floor_divide_", "Tensor.heaviside_",
)
not_differentiable(
    "random fills, Python callables and resizing: new numbers that depend on no input",
    "Tensor.random_", "Tensor.exponential_", "Tensor.geometric_", "Tensor.log_normal_", "Tensor.cauchy_",
    "Tensor.bernoulli_", "Tensor.apply_", "Tensor.map_", "Tensor.map2_", "Tensor.resize_", "Tensor.resize_as_",
    "Tensor.new_empty_strided", "Tensor.register_post_accumulate_grad_hook",
)

# ---- tg.special (its names are not public names of tg, so each sits as a variant of its nearest
# relative: ndtri(p) = √2·erfinv(2p - 1), log_ndtr = log(erfc(-x/√2)/2), ...)
register("Tensor.erfinv(tg.special.ndtri)", lambda x: tg.special.ndtri(x * 0.45 + 0.5), *UNIT_ONE)
register("Tensor.erfc(tg.special.log_ndtr)", lambda x: tg.special.log_ndtr(x * 15), [(3,)], [(2, 3)], [()])
register("tg.xlogy(tg.special.xlog1py)", lambda x, y: tg.special.xlog1py(x, y), [(3, 4), positive(4)],
         [(2, 1), positive(1, 3)], [(), positive(3)])
register("Tensor.log(tg.special.entr)", lambda x: tg.special.entr(x), *POS)
register("Tensor.i0(tg.special.i1)", lambda x: tg.special.i1(x * 5), *ONE)
register("Tensor.erfc(tg.special.ndtr)", lambda x: tg.special.ndtr(x * 3), *ONE)
