"""The built-in differentiable operations, one family per file. Each op is a `Function`
subclass with its forward (numpy) and its backward -- one formula over `ctx.xp`, run on arrays,
or on Tensors when it must be differentiated again -- side by side."""
from .arithmetic import Add, Div, Mul, Neg, Pow, Sub
from .copy import Cast, Clone
from .diagonal import Diagonal, diagonal_index
from .dims import normalize_dim, normalize_dims
from .einsum import Einsum, parse_equation
from .elementwise import Ceil, Expm1, Floor, Log1p, Log2, Log10, Reciprocal, Round, Sign, Square, Trunc
from .index import GetItem, IndexAdd, SetItem, check_index, is_basic_index, normalize_index
from .linalg import MatMul
from .norm import Norm
from .reduce import LogSumExp, Max, Mean, Min, Std, Sum
from .scan import Cumsum, Prod
from .select import Clamp, Maximum, Minimum, Where, where
from .shape import Cat, Expand, Flatten, Permute, Reshape, Squeeze, Unsqueeze
from .sort import order_indices
from .special import Erfc, Erfinv
from .trig import Acos, Acosh, Asin, Asinh, Atan, Atan2, Atanh, Cosh, Sinh, Tan
from .unary import Abs, Cos, Exp, Log, Relu, Sigmoid, Sin, Sqrt, Tanh
from .xlogy import XLogY

__all__ = [
    "Add", "Sub", "Mul", "Div", "Pow", "Neg", "Clone", "Cast", "GetItem", "IndexAdd", "SetItem",
    "MatMul", "Sum", "Mean", "Max", "Min", "LogSumExp", "Std", "Where", "Maximum", "Minimum", "Clamp",
    "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Permute", "Expand", "Cat",
    "Exp", "Log", "Sqrt", "Abs", "Sin", "Cos", "Tanh", "Sigmoid", "Relu",
    "Log1p", "Log2", "Log10", "Expm1", "Reciprocal", "Square", "Sign", "Floor", "Ceil", "Trunc", "Round",
    "Cumsum", "Prod", "Norm", "order_indices",
    "Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erfc", "Erfinv",
    "Einsum", "parse_equation", "XLogY",
    "Diagonal", "diagonal_index",
    "normalize_dim", "normalize_dims", "normalize_index", "is_basic_index", "where",
]
