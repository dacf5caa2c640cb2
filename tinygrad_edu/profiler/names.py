"""The name a profiled op gets: PyTorch's `aten::` name where one of our ops is plainly the same
operator, so that a table printed here reads like PyTorch's; otherwise the op's class name (which
is also what PyTorch shows for a user's `autograd.Function`)."""
from __future__ import annotations

# our built-in op class -> the ATen operator PyTorch's profiler shows for the same call
ATEN_NAMES = {
    # arithmetic and powers
    "Add": "aten::add", "Sub": "aten::sub", "Mul": "aten::mul", "Div": "aten::div", "Neg": "aten::neg",
    "Pow": "aten::pow", "Reciprocal": "aten::reciprocal", "Square": "aten::square", "Sqrt": "aten::sqrt",
    "Abs": "aten::abs", "Sign": "aten::sign", "Maximum": "aten::maximum", "Minimum": "aten::minimum",
    "Clamp": "aten::clamp", "Where": "aten::where",
    # elementwise functions
    "Exp": "aten::exp", "Expm1": "aten::expm1", "Log": "aten::log", "Log1p": "aten::log1p",
    "Log2": "aten::log2", "Log10": "aten::log10", "Sin": "aten::sin", "Cos": "aten::cos", "Tan": "aten::tan",
    "Asin": "aten::asin", "Acos": "aten::acos", "Atan": "aten::atan", "Atan2": "aten::atan2",
    "Sinh": "aten::sinh", "Cosh": "aten::cosh", "Tanh": "aten::tanh", "Asinh": "aten::asinh",
    "Acosh": "aten::acosh", "Atanh": "aten::atanh", "Floor": "aten::floor", "Ceil": "aten::ceil",
    "Round": "aten::round", "Trunc": "aten::trunc", "Erf": "aten::erf", "Erfc": "aten::erfc",
    "Erfinv": "aten::erfinv", "Lgamma": "aten::lgamma",
    # activations and losses (torch.nn.functional)
    "Sigmoid": "aten::sigmoid", "Relu": "aten::relu", "Gelu": "aten::gelu", "GeluTanh": "aten::gelu",
    "Elu": "aten::elu", "LeakyRelu": "aten::leaky_relu", "Softplus": "aten::softplus",
    "LogSigmoid": "aten::log_sigmoid", "Softmax": "aten::softmax", "LogSoftmax": "aten::log_softmax",
    "Linear": "aten::linear", "Convolution": "aten::convolution", "CrossEntropy": "aten::cross_entropy_loss",
    "BinaryCrossEntropy": "aten::binary_cross_entropy", "SmoothL1": "aten::smooth_l1_loss",
    # reductions and scans
    "Sum": "aten::sum", "Mean": "aten::mean", "Max": "aten::max", "Min": "aten::min", "Std": "aten::std",
    "Prod": "aten::prod", "LogSumExp": "aten::logsumexp", "Cumsum": "aten::cumsum",
    # products
    "MatMul": "aten::matmul", "Einsum": "aten::einsum",
    # shapes, copies and indexing
    "Reshape": "aten::reshape", "Permute": "aten::permute", "Expand": "aten::expand", "Cat": "aten::cat",
    "Squeeze": "aten::squeeze", "Unsqueeze": "aten::unsqueeze", "Flatten": "aten::flatten",
    "Diagonal": "aten::diagonal", "AsStrided": "aten::as_strided", "Clone": "aten::clone", "Cast": "aten::to",
    "IndexAdd": "aten::index_add", "ConstantPad": "aten::constant_pad_nd",
}

_PACKAGE = __name__.rsplit(".", 2)[0] + "."  # "tinygrad_edu."
_known: dict[type, str] = {}  # op class -> its name (looked up once per class)


def op_name(cls: type) -> str:
    """The event name of one call of `cls`: "aten::add" for our Add, "MyFn" for a user's MyFn.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.ops import Add
    >>> op_name(Add)
    'aten::add'
    """
    name = _known.get(cls)
    if name is None:
        name = cls.__name__
        if cls.__module__.startswith(_PACKAGE):  # (a user's class called "Add" stays "Add")
            name = ATEN_NAMES.get(name, name)
        _known[cls] = name
    return name
