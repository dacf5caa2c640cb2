"""Deliberate, documented differences from PyTorch: the fuzz does not report these.

Each entry mirrors a row of docs/from-pytorch.md ("What behaves differently" or "Edge cases that
differ on purpose") and gives its reason. Keep this list short: a difference belongs here only
once the project has decided it is deliberate and has documented it for users.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    op: str          # the op-table name ("mse_loss"), or "*" for any op
    category: str    # as in compare.py ("no error", "dtype", ...)
    detail: str      # a substring of the difference's detail ("" matches any)
    reason: str
    text: str = ""   # a substring of either library's outcome (an error message), "" for any


# (the fuzz finds these only with a nan input; their gradients elsewhere are compared with
# PyTorch's in tests/test_activations.py, and gradchecked in the registry)
_NAN_PIECE = ("the gradient of a piecewise activation at a nan input: PyTorch's depends on the tensor's "
              "length (its vectorised and scalar kernels disagree: 0 for 8 elements, 1 for 6); here a "
              "nan always takes the same piece")

KNOWN: list[Known] = [
    Known("mse_loss", "raises", "", "mse_loss of different shapes: PyTorch broadcasts with "
          "a warning; tinygrad_edu raises ValueError, since (N, 1) against (N,) is a bug, not a "
          "wish (docs/from-pytorch.md, 'What behaves differently').", text="shape"),
    Known("amin", "grad: nan/inf", "tg finite where torch nan",
          "amax/amin select the gradient with where (an inf arriving from above stays on the winners); "
          "PyTorch multiplies by a 0/1 mask, so inf·0 = nan elsewhere (docs/from-pytorch.md)."),
    Known("amax", "grad: nan/inf", "tg finite where torch nan", "as amin: masked gradients select"),
    Known("pow", "grad2: nan/inf", "", "second derivatives of a ** b where a = 0 or b = 0: PyTorch's "
          "double-backward formula and ours (the derivative of the first-derivative formula, with "
          "d/da a⁰ = 0 selected) give different 0/nan/inf conventions at those points"),
    Known("var", "grad2: nan/inf", "", "second derivative of var over one element: the unbiased "
          "variance is 0/0 = nan there; PyTorch's double backward returns 0"),
    Known("binary_cross_entropy", "grad2: value", "", "second derivative at p = 0 or 1 exactly: PyTorch's "
          "double backward adds 1e-12 to p and 1 - p; ours differentiates the clamped first derivative"),
    Known("*", "aliasing", "requires_grad", "after a base changes in place, another view of it shows its "
          "new requires_grad/grad_fn only once it is used again (its history is then taken again, as "
          "PyTorch does at once); its values and gradients are right"),
    Known("setitem", "requires_grad", "", "writing a tensor that requires grad into a bool or integer "
          "tensor: PyTorch marks the integer tensor requires_grad=True; integer tensors never require "
          "grad here"),
    Known("setitem", "no error", "", "t[index_tensor] = v with a bool t and a float v: PyTorch's index_put "
          "refuses mixed dtypes, here v is converted as for basic indexing", text="Index put requires"),
    Known("pow", "raises", "", "bool ** Python bool and 0 ** negative integers: PyTorch computes, here "
          "refused (numpy has no integer negative powers; bool powers are not defined)"),
    Known("cat_stack", "raises", "", "PyTorch's legacy rule that skips 1-D empty tensors in cat is not "
          "followed: all tensors must agree outside the joined dim", text="out of range"),
    Known("softmax_method", "raises", "", "softmax of an empty integer tensor: PyTorch returns it; "
          "here an integer softmax is refused whatever its size", text="floating point"),
    Known("in_place", "grad: no error", "", "relu keeps its input for backward, PyTorch its output: "
          "changing relu's output in place afterwards is an error there, not here (the gradient "
          "computed here is correct)"),
    Known("sign", "nan/inf", "", "sign(nan) is nan here (numpy), 0 in PyTorch"),
    Known("*", "nan/inf", "tg inf where torch nan", "softmax/log_softmax/cross_entropy of logits that are "
          "inf: inf/nan conventions differ (no finite answer exists)"),
    Known("std", "nan/inf", "tg inf where torch finite", "std of float32 values near 1e30: the squares "
          "overflow float32 here; PyTorch accumulates differently"),
    Known("*", "grad: nan/inf", "tg finite where torch nan", "a gradient that passes a masked op (where, "
          "relu, clamp, max/min, abs, pow with exponent 0, std at 0, ignored targets) is selected here "
          "and stays finite; PyTorch multiplies by 0 and gets nan from an inf or nan upstream"),
    Known("maximum", "grad: value", "", "maximum/minimum of a tensor with itself at a nan: tie "
          "conventions differ (PyTorch sends the full gradient to both, here half each)"),
    Known("pow", "grad: value", "", "a float32 exponent with a float64 base: the exponent is used "
          "as float32 here; PyTorch converts it first (differences near 1e-7)"),
    Known("setitem", "no error", "", "t[i] = a Python number that overflows an integer tensor: numpy "
          "wraps it, PyTorch refuses", text="overflow"),
    Known("prod", "no error", "", "prod(None) is the product of all elements here; PyTorch wants no "
          "argument for that", text="invalid combination"),
    Known("*", "grad: no error", "", "ops that need less for backward than PyTorch's (mse_loss, sub, "
          "relu keep fewer tensors): changing an unused tensor in place afterwards is an error there, "
          "harmless here", text="modified by an inplace"),
    Known("in_place", "no error", "", "in-place on an output of split/chunk, or on a view overlapping its "
          "operand: PyTorch refuses; here it is computed (correctly)", text="view"),
    Known("in_place_view", "no error", "", "as for in_place: overlapping or multi-output views",
          text="memory location"),
    Known("in_place_view", "no error", "", "as for in_place: an element of a chunk/split output",
          text="multiple views"),
    Known("softmax", "nan/inf", "tg finite where torch nan", "softmax of a row with an inf logit: nan "
          "where the inf is and 0 elsewhere here, nan everywhere in PyTorch (as the row above)"),
    Known("softmax_method", "nan/inf", "tg finite where torch nan", "as for softmax"),
    Known("ctc_loss", "nan/inf", "tg finite where torch nan", "ctc_loss of log_softmax of a row with an inf "
          "logit: as for softmax, -inf (not nan) at the other classes here, so that example's loss is inf "
          "(0 with zero_infinity) where PyTorch's is nan"),
    Known("layer_norm", "nan/inf", "", "float32 values near 1e30, whose variance overflows: inf/nan "
          "conventions differ (as for std)"),
    Known("batch_norm", "nan/inf", "", "as for layer_norm"),
    Known("batch_norm", "value", "", "a channel whose values are all equal, in float32: the output is "
          "rounding noise divided by sqrt(eps), and the two libraries' means differ in the last bit"),
    Known("layer_norm", "value", "", "as for batch_norm: a row of equal float32 values"),
    Known("layer_norm", "grad: value", "", "float32 gradients of a normalization over a few close values "
          "(ill-conditioned): the two formulas round differently (checked against float64: neither is exact, "
          "this one no further off)"),
    Known("batch_norm", "grad: value", "", "as for layer_norm"),
    Known("conv", "nan/inf", "", "a convolution whose inf weight meets the zero padding: inf·0 = nan "
          "here (the padded input is multiplied like any other), PyTorch's kernels skip the padding"),
    Known("std", "grad: value", "", "std of equal values is exactly 0 here (a two-pass mean), so its "
          "gradient is 0 by PyTorch's own rule; PyTorch's std there is rounding noise (1e-16) and its "
          "gradient follows that noise"),
    Known("conv", "shape", "", "a convolution over zero input channels: PyTorch returns an empty tensor; "
          "here the output has its usual shape, all zeros (the sum over no channels)"),
    Known("norm", "grad: value", "", "norm over one element whose square underflows (|x| < 1e-19 in "
          "float32): the gradient is sign(x) here (the norm is |x|, exactly); PyTorch gives 0"),
    Known("setitem", "no error", "", "t[i] = v where v shares t's memory: PyTorch refuses; numpy reads v "
          "before writing, so here it is computed (correctly)", text="memory location"),
    Known("log_softmax_method", "raises", "", "log_softmax of an empty integer tensor (see softmax_method)",
          text="floating point"),
    Known("in_place", "no error", "", "in-place with an operand that overlaps the target's memory: "
          "PyTorch refuses; numpy reads the operand first, so here it is computed (correctly)",
          text="memory location"),
    Known("in_place", "raises", "", "in-place on a view made by expand: refused here even where "
          "PyTorch allows it (no two elements overlap)", text="made by expand"),
    Known("in_place_view", "raises", "", "as for in_place", text="made by expand"),
    Known("setitem", "raises", "", "as for in_place: t[i] = v on a view made by expand", text="made by expand"),
    Known("in_place", "raises", "", "in-place on a view made by expand of a tensor that requires grad: "
          "refused here (its history cannot be rebased through a broadcast)", text="behind autograd's back"),
    Known("in_place_view", "raises", "", "as for in_place", text="behind autograd's back"),
    Known("setitem", "raises", "", "as for in_place", text="behind autograd's back"),
    Known("in_place", "error type", "tg TypeError, torch RuntimeError", "`parts[k] /= x` on the tuple from "
          "split/chunk: the in-place op is computed here (see 'in-place on an output of split'), then Python "
          "cannot store the result back into the tuple; PyTorch refuses the in-place op first", text="tuple"),
    Known("amin", "error type", "", "a reduction over a dim named twice of an empty tensor: wrong in "
          "two ways at once, and the two libraries report a different one first"),
    Known("amax", "error type", "", "as for amin"),
    Known("*", "no error", "", "overflowing fill values: numpy wraps, PyTorch refuses", text="overflow"),
    Known("*", "grad: raises", "", "a tensor saved by one of our ops (e.g. b in a / b) but not by "
          "PyTorch's formula is changed in place: refused here, computed there", text="in-place"),
    Known("*", "grad: nan/inf", "", "inf/nan at the edge of an op's domain (nan inputs to elu, "
          "empty or zero products, one-element var, l1/bce-with-logits second derivatives at a "
          "kink): the two libraries' conventions differ"),
    Known("*", "grad2: nan/inf", "", "second derivatives at kinks and at zero (see above)"),
    Known("prod", "grad: raises", "", "prod's gradient over an empty dimension", text="reshape"),
    Known("linear", "value", "", "F.linear with float32 input and float64 weight: promoted here, "
          "PyTorch computes in another order"),
    Known("topk_sort", "value", "item 1", "the indices of equal values: sort here is stable, PyTorch's "
          "topk may order ties differently (the values agree)"),
    Known("setitem", "error type", "", "t[idx] = v that is wrong in two ways at once (a bad index and an "
          "overflowing value, or a leaf's view): the two libraries report a different one first"),
    Known("split_chunk", "raises", "", "split(0) of an empty dim: refused here (a split size must be "
          "positive), PyTorch returns the empty piece", text="must be positive"),
    Known("elu", "grad2: value", "", "second derivative of elu at exactly 0 (a kink): the two sides' "
          "conventions differ"),
    Known("prod", "no error", "", "prod(None): the product of everything here; PyTorch wants no "
          "argument for that"),
    Known("div", "grad: value", "", "the gradient of a / b for tiny b: -(g·(a/b))/b here (no b², which "
          "underflows), -g·a/b² in PyTorch; e.g. d(x/x)/dx is exactly 0 here, a rounding residue there"),
    Known("div", "grad2: value", "", "second derivatives of a / b where b = 0: inf/0 conventions"),
    Known("pow", "grad: no error", "", "a bool Python number as the base of ** (False ** x): PyTorch's "
          "backward fails there (an internal assertion); here it is computed"),
    Known("softmax", "raises", "", "softmax of an empty integer tensor (see softmax_method)",
          text="floating point"),
    Known("prod", "grad2: value", "", "second derivatives of prod with a tiny element: exact here (each "
          "is a product of the other elements), PyTorch's formula divides by the element (e.g. -4e183 "
          "where the answer is -0.4375)"),
    Known("prod", "grad2: raises", "", "prod's second derivative over an empty dimension", text="reshape"),
    Known("binary_cross_entropy_with_logits", "grad2: value", "", "second derivative of the logits "
          "loss with pos_weight at saturated logits: the two formulas round differently"),
    # Not a difference of ours: PyTorch 2.x fails an internal assertion in the backward of
    # `False ** x` (a bool Python number as the base).
    Known("pow", "grad: no error", "", "a PyTorch bug (INTERNAL ASSERT in pow's backward with a "
          "bool base), not a tinygrad_edu behaviour", text="INTERNAL ASSERT"),
    Known("hardsigmoid", "grad2: no error", "", "PyTorch has no second derivative of hardsigmoid "
          "(its backward raises 'not implemented'); here every op differentiates twice"),
    Known("softshrink", "grad: value", "", _NAN_PIECE),
    Known("hardshrink", "grad: value", "", _NAN_PIECE),
    Known("hardtanh", "grad: value", "", _NAN_PIECE),
    Known("relu6", "grad: value", "", _NAN_PIECE),
    Known("hardswish", "grad: value", "", _NAN_PIECE),
    Known("hardsigmoid", "grad: value", "", _NAN_PIECE),
    Known("norm", "nan/inf", "tg finite where torch inf", "the norm of one element is |x| here; PyTorch "
          "squares it, so 1e200 overflows to inf (and 1e-200 underflows to 0)"),
    Known("group_norm", "nan/inf", "tg finite where torch nan", "group_norm of values near 1e200: the "
          "variance here is computed from centred values and stays finite; PyTorch's squares overflow"),
    Known("native_group_norm", "nan/inf", "tg finite where torch nan", "as for group_norm (float32 values "
          "near 1e30)"),
    Known("softmin", "nan/inf", "tg finite where torch nan", "softmin is softmax(-x): a row with an inf "
          "entry, as for softmax"),
    Known("soft_margin_loss", "nan/inf", "tg finite where torch inf", "soft_margin_loss is computed as "
          "-logsigmoid(y·x) here, which does not overflow; PyTorch's log(1 + exp(-y·x)) gives inf"),
    Known("reshape", "no error", "", "view() of the result of an elementwise op on a transposed tensor: "
          "PyTorch's result keeps the input's strides, so some views need a copy and are refused; here "
          "the result is laid out in order and the view works", text="view size is not compatible"),
    Known("kron", "no error", "", "kron of a result of nonzero(): PyTorch views a non-contiguous "
          "intermediate and refuses; here the intermediate is laid out in order and kron works (as for "
          "view() above)", text="view size is not compatible"),
    Known("logaddexp", "grad: no error", "", "logaddexp with a bool tensor: the bool is taken as 0/1 here; "
          "PyTorch computes the value but its backward refuses the bool subtraction", text="bool tensor"),
    Known("logaddexp2", "grad: no error", "", "as for logaddexp", text="bool tensor"),
    Known("cos", "grad2: value", "", "cos/sin of an argument near 1e59 (here the variance of values near "
          "1e30): a last-bit difference in the argument, from summation order, changes the result "
          "completely; neither library's value means anything there", text="e+"),
    Known("cdist", "grad2: no error", "", "PyTorch has no second derivative of cdist (its backward's "
          "backward raises 'not implemented'); here every op differentiates twice", text="not implemented"),
    Known("polygamma", "nan/inf", "tg inf where torch finite", "polygamma at a pole (a non-positive integer, "
          "e.g. -1e30 in float32, which is an integer): infinite here; PyTorch's series returns a finite "
          "number there"),
    Known("*", "no error", "", "median or trace of a bool tensor: PyTorch has no bool kernel; here they "
          "are computed on the 0/1 values (median as a bool, trace as int64, as a sum)",
          text="not implemented for 'Bool'"),
    Known("matmul", "raises", "", "a PyTorch bug: matmul of an empty float tensor and an empty bool tensor "
          "skips the dtype check (and returns bool); here mixed dtypes are refused whatever the size",
          text="same dtype"),
    Known("pdist", "grad2: no error", "", "as for cdist: PyTorch has no second derivative of pdist",
          text="not implemented"),
    Known("multi_dot", "nan/inf", "", "multi_dot with an inf: the order of the products (two orders cost "
          "the same for equal square matrices, and the libraries pick differently) decides where inf - inf "
          "makes nan; both orders are the product, in exact arithmetic"),
    Known("in_place_view", "grad: no error", "", "an in-place change of the base of views that one op "
          "returned together (split, chunk, unbind): PyTorch refuses to differentiate through those views "
          "afterwards (an implementation limit); here the gradient is computed (and gradchecks)",
          text="function that returns multiple views"),
    Known("cumprod", "grad2: value", "", "a PyTorch bug: the second derivative of cumprod at an element "
          "near 0 (e.g. -1e-30) is 0 in PyTorch; by hand, d²/dx0 dx1 of x0·x1 is 1, and ours follows it"),
    Known("special.zeta", "nan/inf", "tg finite where torch nan", "zeta(x, q) with x and q infinite: the "
          "limit 0 here (every term (q + k)^-x is 0), nan in PyTorch"),
    Known("atan2", "grad: value", "", "a PyTorch bug: atan2(x, y) with an int64 y computes y² in int64 in "
          "its backward, which overflows for |y| >= 2**32 (e.g. y = 2**40 gives the gradient y instead of "
          "1/y); here y is converted to float first"),
    Known("sinc", "grad2: value", "", "a PyTorch bug: sinc's second derivative near 0 (the true value is "
          "-π²/3 = -3.29) is nan at 0, 0 at -1e-30 and -5.2 at 1e-8 in PyTorch, from cancellation in the "
          "quotient; here sinc is its Taylor series there (docs/from-pytorch.md)"),
    Known("sinc", "grad2: nan/inf", "tg finite where torch nan", "as above, at 0"),
    Known("smooth_l1_loss", "grad2: value", "", "smooth_l1_loss(v, v) with v = 1/x at a tiny x: PyTorch's "
          "second derivative adds the input's and the target's terms (each about 1/x⁴) one by one, and "
          "their cancellation swallows the true value (-1/x³ times the weights: -1e60 at x = 1e-20), giving "
          "0 (already 7 digits off at x = 1e-10); here the value is the closed form (docs/from-pytorch.md)"),
    Known("ldexp", "grad: value", "", "a PyTorch bug: ldexp(x, e) with a negative int64 exponent computes "
          "2**e in integers in its backward, so the gradient is 0 where the value is x·2**e (e = -2: 0.25); "
          "here the gradient is 2**e (docs/from-pytorch.md)"),
    Known("ldexp_", "grad: value", "", "the PyTorch bug of ldexp above, in place"),
    Known("vector_norm", "grad: None", "tg tensor, torch none", "the 0-norm (the number of non-zeros): its "
          "gradient is 0 here, as a tensor; PyTorch leaves .grad None (the same numbers)"),
    Known("index_reduce", "grad: value", "", "the PyTorch bug of scatter_reduce below (index_reduce is "
          "scatter_reduce with the index spread over each slice)"),
    Known("mode", "value", "", "the index of the mode among equal values (and next to a nan): the two "
          "libraries pick another of the tied positions (the mode's value agrees)", text="int64"),
    Known("kthvalue", "value", "", "the index of the k-th value among equal values: a stable sort here, "
          "PyTorch's partial sort picks another tied position (the value agrees)", text="int64"),
    Known("std", "grad2: value", "", "float32 second derivatives of std that are 0 in exact arithmetic: "
          "both libraries give rounding noise (1e-7 here, 1e-5 there)"),
    Known("lstsq", "nan/inf", "tg finite where torch nan", "lstsq with an inf in B: here A⁺B carries the "
          "inf through (±inf where it reaches); PyTorch's LAPACK call gives nan everywhere"),
    Known("sgn", "nan/inf", "", "sgn(nan) is nan here (as sign), 0 in PyTorch"),
    Known("var", "value", "", "var of equal huge values (e.g. three 1e30): exactly 0 here (a two-pass mean), "
          "rounding noise in PyTorch (2e28)", text="e+"),
    Known("frac", "no error", "", "frac of an integer tensor: 0 here (integers have no fractional part); "
          "PyTorch has no integer kernel", text="not implemented for 'Long'"),
    Known("instance_norm", "grad: value", "", "as for layer_norm: float32 gradients over a few close values"),
    Known("instance_norm", "grad2: value", "", "as for layer_norm (second derivatives)"),
    Known("layer_norm", "grad2: value", "", "as for its first derivatives: float32 over a few close values"),
    Known("batch_norm", "grad2: value", "", "as for layer_norm: float32 second derivatives over a few values (its "
          "terms cancel; in float64 both libraries agree)"),
    Known("mode", "nan/inf", "", "mode of a row whose values all differ, one of them nan: PyTorch returns "
          "the nan, here the smallest value (every value is a mode; the conventions differ)"),
    Known("*", "grad: no error", "", "in-place forms whose derivative PyTorch does not implement (asinh_, "
          "...): refused in its backward, computed here", text="inplace version of"),
    Known("cond", "grad: value", "", "the gradient of cond where the largest and smallest singular values "
          "are equal (cond = 1, its minimum, a kink): 0 here, one of the one-sided derivatives in PyTorch"),
    Known("addmv", "shape", "", "a PyTorch bug: addmv of a 0-d input with an empty product ((n, 0) @ (0,)) "
          "returns a 0-d tensor (with a warning that an output was resized) instead of shape (n,)"),
    Known("scatter_reduce", "grad: value", "", "a PyTorch bug: amax/amin with include_self=False still count "
          "self's value as a tie, so source's share of the gradient is too small (the shares no longer sum "
          "to the incoming gradient); here only the elements in the reduction share it"),
    # Not differences of ours: PyTorch skips the dim check of cummax/cummin on an empty tensor, and
    # linalg.lstsq fails an internal assertion when B holds a nan.
    Known("cummax", "raises", "", "a PyTorch bug: cummax/cummin of an empty tensor accept a dim out of "
          "range; here the dim is checked as for any tensor", text="out of range"),
    Known("cummin", "raises", "", "as for cummax", text="out of range"),
    Known("lstsq", "no error", "", "a PyTorch bug (INTERNAL ASSERT in linalg.lstsq when B holds a nan); "
          "here the solution is computed (nan where the nan reaches)", text="INTERNAL ASSERT"),
    # Found by the fourth table (optable_conv.py).
    Known("as_strided_scatter", "grad: value", "", "a PyTorch bug: the gradient of as_strided_scatter with "
          "respect to its input is the incoming gradient at the scattered places and 0 elsewhere -- the "
          "reverse of the derivative (x.as_strided_scatter(s, (1,), (1,)) with x = [0., 1.] gives x.grad "
          "[1, 0], torch.autograd.gradcheck fails; its autograd formula was questioned in review, "
          "pytorch/pytorch#77128); here the scattered places get 0 (gradchecked)"),
    Known("as_strided_scatter", "grad2: value", "", "as for its first derivative (PyTorch's bug)"),
    Known("fractional_max_pool2d", "no error", "", "a PyTorch bug: output_ratio given as one number (documented "
          "as 'a number or a tuple') fails in len() before it is paired; here it is used for each dim",
          text="has no len()"),
    Known("fractional_max_pool3d", "no error", "", "as for fractional_max_pool2d", text="has no len()"),
    Known("fractional_max_pool2d", "error type", "", "as above: PyTorch fails on the number first (TypeError), "
          "here the ratio is used and the pool size checked", text="has no len()"),
    Known("fractional_max_pool3d", "error type", "", "as for fractional_max_pool2d", text="has no len()"),
    Known("native_channel_shuffle", "grad: no error", "", "PyTorch has no derivative of native_channel_shuffle "
          "('not implemented'); here it is a permutation of the channels, differentiable like channel_shuffle",
          text="not implemented"),
    Known("native_channel_shuffle", "grad2: no error", "", "as its first derivative", text="not implemented"),
    Known("pixel_shuffle", "grad: no error", "", "a PyTorch bug: pixel_shuffle's backward of an empty batch "
          "returns a gradient of the output's shape ('invalid gradient'); here it has the input's shape",
          text="invalid gradient"),
    Known("pixel_shuffle", "grad2: no error", "", "as its first derivative", text="invalid gradient"),
    Known("detach_copy", "requires_grad", "tg False, torch True", "PyTorch's detach_copy result says "
          "requires_grad=True, with a grad_fn whose backward raises 'not implemented'; a detached copy does "
          "not require grad here"),
    Known("multi_margin_loss", "grad2: no error", "", "PyTorch has no second derivative of multi_margin_loss "
          "('not implemented'); here every op differentiates twice", text="not implemented"),
    Known("multilabel_margin_loss", "grad2: no error", "", "as for multi_margin_loss", text="not implemented"),
    Known("group_norm", "grad: value", "", "as for layer_norm: float32 gradients over a few close values",
          text="float32"),
    Known("unfold", "no error", "", "as for pooling over an empty non-batch dim (below)", text="non-zero"),
    Known("pixel_unshuffle", "shape", "", "a PyTorch bug: pixel_unshuffle of an empty batch returns the input's "
          "shape ((0, 2, 4, 4) with factor 2 stays (0, 2, 4, 4)); here it is (0, 8, 2, 2), as for any batch"),
    Known("cov", "aliasing", "", "a PyTorch bug: when the degrees of freedom are <= 0, cov zeroes its divisor "
          "in place, and with one observation that divisor is a view of the input, so the input becomes 0; "
          "here the input is left alone"),
    Known("cov", "no error", "", "the same PyTorch bug, on an input that requires grad: its in-place zero_() "
          "on a view of a leaf is refused; here cov is computed", text="in-place operation"),
    Known("dist", "grad: no error", "", "a PyTorch bug: the gradient of dist(x, y, 0) (the number of "
          "non-zero differences, constant almost everywhere) fails ('Expected a proper Tensor but got None'); "
          "here it is 0", text="proper Tensor"),
    Known("multi_margin_loss", "nan/inf", "tg nan where torch finite", "multi_margin_loss with a nan score: "
          "PyTorch's kernel drops a term max(0, margin - x[y] + x[i]) whose comparison with 0 is false "
          "(nan); here the nan reaches the loss, as for any op"),
    Known("multi_margin_loss", "nan/inf", "tg nan where torch inf", "as above, with an inf score in the same "
          "sum: PyTorch drops the nan term and keeps the inf"),
    Known("logit", "grad2: value", "", "logit outside [0, 1] without eps (the value is nan): PyTorch's first "
          "derivative there is nan and its second 0; here both follow the formula, 1/(x(1-x)) and its derivative"),
    Known("pairwise_distance", "grad2: value", "", "second derivatives of a p-norm distance where x1 = x2 "
          "(the difference is eps = 1e-6): values below 1e-9 that are rounding noise in both libraries"),
    Known("corrcoef", "grad2: value", "", "float32 second derivatives of corrcoef that are 0 exactly (a "
          "correlation of 3 values is constant under shifts and scalings): both libraries give rounding noise",
          text="float32"),
    Known("expand_copy", "grad2: value", "", "as for corrcoef (the value expanded was a corrcoef)",
          text="float32"),
    Known("multilabel_margin_loss", "nan/inf", "tg nan where torch finite", "as for multi_margin_loss: "
          "PyTorch's kernel drops a nan term; here the nan reaches the loss"),
    Known("max_pool1d", "grad: value", "", "as for max_pool2d below: a window that covers only padding"),
    Known("max_pool3d", "grad: value", "", "as for max_pool2d below: a window that covers only padding"),
    Known("tan", "grad: value", "", "tan of an argument near 1e30 (a solve with a 1e30 right-hand side): one ulp "
          "there is about 1e14, far more than π, so the last bit of the argument decides tan's value; the "
          "libraries' arguments differ in it"),
    Known("max_pool2d", "grad: value", "", "a PyTorch bug: a window that covers only padding (with dilation, "
          "e.g. width 1, padding 1, kernel 2, dilation 2) has the max -inf, and PyTorch reports index 1 for it "
          "-- an element outside the window, which then receives the window's gradient; here nothing does"),
    Known("convolution", "raises", "", "as for conv_transpose*d below: an empty batch", text="too small"),
    Known("convolution", "raises", "", "as for conv_transpose*d below: an empty batch", text="output padding"),
    # Found by the leftover triage (tests/test_fuzz_regressions_leftovers.py).
    Known("sgn_", "nan/inf", "", "sgn_(nan) is nan here (as sign), 0 in PyTorch (the in-place form of sgn above)"),
    Known("sign_", "nan/inf", "", "as for sgn_: sign_(nan) is nan here, 0 in PyTorch"),
    Known("linear", "no error", "", "a PyTorch bug: F.linear with a 1-D weight and a 0-d bias (the shapes its "
          "documentation gives) refuses a 2-D input ('mat2 must be a matrix': its fused addmm path wants a "
          "matrix); here input @ weight + bias, as for inputs of other ranks", text="mat2 must be a matrix"),
    Known("linear", "no error", "", "F.linear with a bias that broadcasts to the output, e.g. (5, 1) for "
          "an output (2, 5, 4): PyTorch's fused path flattens the input first and refuses it; here it is "
          "added with broadcasting, as PyTorch does for other inputs", text="expand"),
    # Found by the fifth table (optable_rest.py; regressions in tests/test_fuzz_regressions_rest.py).
    Known("cosine_similarity", "nan/inf", "tg nan where torch finite", "cosine_similarity of float32 vectors "
          "near 1e30: the squared norm overflows float32 here (inf/inf = nan); PyTorch's kernel returns 0, "
          "which is wrong too (the cosine of (1, 1) and (1, 1e30) is 0.707)"),
    Known("grid_sample", "nan/inf", "tg nan where torch inf", "grid_sample of an inf pixel next to the zero "
          "padding: the padding's weight times inf is nan here (every corner is multiplied, as for conv "
          "above); PyTorch skips the corners outside the image"),
    Known("grid_sampler", "nan/inf", "tg nan where torch inf", "as for grid_sample"),
    Known("grid_sampler_3d", "nan/inf", "tg nan where torch inf", "as for grid_sample"),
    Known("native_group_norm", "value", "", "a group of one float32 value: the output is rounding noise "
              "divided by sqrt(eps) (as for batch_norm above)", text="float32"),
    Known("native_group_norm", "grad: None", "tg tensor, torch none", "native_group_norm's mean and rstd: "
          "PyTorch marks them requires_grad but its backward drops their gradient (x.grad stays None); here "
          "they are differentiated like any mean and 1/std"),
    Known("native_group_norm", "requires_grad", "tg False, torch True", "as above: PyTorch marks mean and "
          "rstd requires_grad when weight or bias does (they do not depend on them); here only when the input does"),
    Known("native_layer_norm", "nan/inf", "", "as for layer_norm: float32 values near 1e30"),
    Known("householder_product", "grad: None", "tg tensor, torch none", "householder_product with no reflector "
          "(tau empty): tau's gradient is an empty tensor here, None in PyTorch (the same numbers)"),
    Known("scatter", "grad: no error", "", "as for scatter_ below: tg.scatter with reduce=", text="not implemented"),
    Known("conv_tbc", "nan/inf", "", "as for conv: an inf weight meets the zero padding (inf·0 = nan here)"),
    Known("multi_head_attention_forward", "nan/inf", "tg finite where torch nan", "attention whose scores hold "
          "-inf: as for softmax of a row with an inf logit, the inf/nan conventions differ"),
    Known("scaled_dot_product_attention", "nan/inf", "tg finite where torch nan", "as for "
          "multi_head_attention_forward"),
    Known("instance_norm", "value", "", "one float32 value per channel: the output is rounding noise divided "
          "by sqrt(eps) (as for batch_norm)", text="float32"),
    Known("*", "raises", "", "an in-place op on a view made by expand (broadcast_to): refused here even where "
          "PyTorch allows it (as for in_place above)", text="made by expand"),
    Known("*", "grad2: no error", "", "PyTorch has no second derivative of embedding_bag ('not implemented'); "
          "here every op differentiates twice", text="_embedding_bag"),
    # Found once the program seed took the inputs in (tests/fuzz/program.py; more diverse programs).
    Known("cov", "nan/inf", "tg nan where torch finite", "cov of a variable with an inf observation: "
          "inf - mean(inf) = nan here, as the formula gives; PyTorch returns 0 there"),
    Known("kthvalue", "grad: value", "", "the k-th value among equal values: the gradient goes to the "
          "position of the tie this library picks (a stable sort), PyTorch's partial sort picks another "
          "(as for kthvalue's index above)"),
    Known("cosine_similarity", "grad2: value", "", "second derivatives of cosine_similarity with a zero "
          "vector (its norm is clamped to eps): PyTorch gives rounding noise (1e-8), here 0"),
    Known("relu", "grad: value", "", "float32 gradients that reach relu (or unsqueeze, which pass them "
          "on unchanged) from a normalization of a few close values: ill-conditioned, the two formulas "
          "round differently (as for layer_norm above)", text="float32"),
    Known("unsqueeze", "grad: value", "", "as for relu: float32 rounding from upstream", text="float32"),
    Known("group_norm", "grad2: value", "", "as for its first derivatives: float32 over a few close values",
          text="float32"),
    Known("polygamma_", "nan/inf", "tg inf where torch finite", "as for polygamma: at a pole"),
    Known("*", "no error", "", "an in-place op on an output of tg.while_loop or tg.cond that is its input "
          "returned as it is: PyTorch refuses (a view made inside its custom Function); here computed",
          text="AutogradOp is a view"),
    Known("fmod_", "grad: value", "", "the gradient of fmod at an infinite input (whose fmod is nan): 0 here "
          "(infinities are left out of the derivative), 1 in PyTorch (its formula)"),
    Known("fmod", "grad: value", "", "as for fmod_"),
    Known("native_layer_norm", "grad: value", "", "as for layer_norm: float32 gradients over a few close values",
          text="float32"),
    Known("polygamma_", "nan/inf", "", "polygamma at a pole whose input is a signed zero: the zero's sign (e.g. "
          "celu(-0.0) is -0.0 here, +0.0 in PyTorch) decides the infinity's sign"),
    Known("concat", "raises", "", "as for cat_stack: PyTorch's legacy rule that skips 1-D empty tensors",
          text="out of range"),
    Known("concatenate", "raises", "", "as for concat", text="out of range"),
    Known("*", "no error", "", "in-place on an output of unbind (also a row of iterating a tensor): PyTorch "
          "refuses views of a multi-output op; here computed (as for split/chunk in in_place above)",
          text="returns multiple views"),
    Known("interpolate", "grad: no error", "", "interpolate(mode='area') (adaptive average pooling) to an output "
          "size with a 0: PyTorch's backward refuses the empty gradient; here the input's gradient is zeros",
          text="non-zero size"),
    Known("adaptive_avg_pool2d", "grad: no error", "", "as for interpolate(mode='area') to a size with a 0",
          text="non-zero size"),
    Known("binary_cross_entropy_with_logits", "no error", "", "pos_weight that requires grad: PyTorch refuses "
          "('not differentiable with respect to argument pos_weight'); here the loss is differentiated in "
          "pos_weight too (gradchecked)", text="pos_weight"),
    Known("triangular_solve", "grad: None", "tg none, torch tensor", "triangular_solve(b, A)[1] is a copy of "
          "A: b's .grad stays None here when only that output is used; PyTorch's single node gives b zeros"),
    Known("__rmod__", "grad: no error", "", "PyTorch has no derivative of remainder in its divisor ('not "
          "implemented'); here it is -floor(a/b)·g (gradchecked in the registry)", text="not implemented"),
    Known("scatter_", "grad: no error", "", "scatter_ with reduce='add'/'multiply': PyTorch has no derivative "
          "('not implemented'); here there is one (docs/from-pytorch.md, indexing)", text="not implemented"),
    Known("cholesky_ex", "grad: raises", "", "the gradient of linalg.cholesky_ex's L where the factorization "
          "failed (info > 0, A not positive-definite): refused here, naming the failure; PyTorch "
          "differentiates the partial factor it returned", text="factorization failed"),
    Known("logdet", "grad: raises", "", "the gradient of log|det A| at a singular A (where it is -inf) does "
          "not exist: refused here (the inverse it needs raises); PyTorch returns ±inf entries",
          text="singular"),
    Known("slogdet", "grad: raises", "", "as for logdet", text="singular"),
    Known("det", "grad: value", "", "a PyTorch bug: the gradient of det at a singular matrix of rank n-1 is "
          "its adjugate (transposed), not 0 (for [[1, 2], [2, 4]]: [[4, -2], [-2, 1]]); PyTorch 2.13 returns "
          "0 there, here the adjugate (gradchecked)"),
    Known("logdet", "grad: value", "", "logdet of a matrix with a negative determinant (nan): A⁻ᵀ·g here (the "
          "derivative of log|det A|), 0 in PyTorch; neither is the derivative of nan"),
    Known("while_loop", "grad: value", "", "a PyTorch bug: tg.while_loop's gradient in eager mode -- with no "
          "iteration (the output is the input, gradient 1) PyTorch applies one step's derivative, and its "
          "second derivatives are wrong (checked against finite differences); here both are the chain rule "
          "through the steps that ran"),
    Known("while_loop", "grad2: value", "", "as for its first derivative"),
    Known("cond", "grad2: value", "", "a PyTorch bug: second derivatives through torch.cond in eager mode are "
          "0 (d²/dx² of 2·sin x is -2·sin x, here); its first derivatives agree"),
    Known("ctc_loss", "grad2: no error", "", "PyTorch has no second derivative of ctc_loss ('not implemented'); "
          "here every op differentiates twice", text="not implemented"),
    Known("segment_reduce", "grad2: no error", "", "as for ctc_loss: PyTorch has no second derivative of "
          "segment_reduce", text="not implemented"),
    Known("cosine_embedding_loss", "grad2: value", "", "float32 second derivatives that are 0 in exact "
          "arithmetic: both libraries give rounding noise", text="float32"),
    Known("prelu", "grad2: value", "", "second derivative of prelu at exactly 0 (a kink, d²/dx da): the two "
          "sides' conventions differ"),
]

# Pooling (and F.unfold) of a tensor with an empty non-batch dim, e.g. zero channels: PyTorch refuses
# ("optional 0 dim batch size" / "non-batch dimensions"), except adaptive_avg_pool1d/2d, which return
# the empty result; here every pooling op returns that empty result, as the sum over no channels.
_EMPTY_POOL = ("pooling over zero channels: PyTorch refuses (only the batch may be empty; its own "
               "adaptive_avg_pool1d/2d allow it); here the empty result is returned, as for any empty input")
KNOWN += [Known(f"{kind}_pool{d}d", "no error", "", _EMPTY_POOL, text="batch")
          for kind in ("max", "avg", "lp", "adaptive_max", "adaptive_avg") for d in (1, 2, 3)]
KNOWN += [Known(f"max_unpool{d}d", "no error", "", _EMPTY_POOL + " (max_unpool of such a pooling's output too)",
                text="batch") for d in (1, 2, 3)]
# A transposed convolution of an empty batch whose output would have a zero-size dim: PyTorch skips
# the check (the result has no elements either way); here the geometry is checked as for any batch.
KNOWN += [Known(f"conv_transpose{d}d", "raises", "", "a transposed convolution of an empty batch whose "
                "output would be too small: PyTorch skips its size check for an empty batch; here the "
                "geometry is checked whatever the batch", text=text) for d in (1, 2, 3)
          for text in ("too small", "output padding")]
# squeeze_/unsqueeze_/transpose_/t_ on a view of a tensor that requires grad: refused here
# (docs/from-pytorch.md lists the limit with these methods).
KNOWN += [Known(op, "raises", "", "an in-place shape change (squeeze_, unsqueeze_, transpose_, t_) of a view "
                "of a tensor that requires grad: PyTorch rebases the view's history; here it is refused with a "
                "message naming the out-of-place op", text="changing its shape in place is not supported")
          for op in ("squeeze_", "unsqueeze_", "transpose_", "t_", "swapdims_", "swapaxes_", "as_strided_")]
KNOWN += [Known(f"lp_pool{d}d", "grad2: value", "", "float32 second derivatives of LP pooling that are 0 "
                "in exact arithmetic: both libraries give rounding noise", text="float32") for d in (1, 2, 3)]


def known_reason(op: str, category: str, detail: str, outcomes: str = "") -> str | None:
    for k in KNOWN:
        if k.op in ("*", op) and k.category == category and k.detail in detail and k.text in outcomes:
            return k.reason
    return None
