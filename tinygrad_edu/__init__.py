"""tinygrad_edu: a define-by-run autograd framework on numpy, small enough to read, complete
enough to trust. See README.md and docs/."""
# Tensor first: the ops and autograd modules build on it (so the imports are not alphabetical).
from .tensor import Tensor
from .autograd.anomaly import detect_anomaly, is_anomaly_enabled
from .autograd.differentiate import grad
from .autograd.function import Function
from .autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (arange, eye, full, full_like, linspace, ones, ones_like, rand, randint, randn,
                       tensor, zeros, zeros_like)
from .dtype import get_default_dtype, set_default_dtype
from .errors import ShapeError
from .functions import (abs, add, cat, chunk, clamp, cos, div, exp, flatten, log, logsumexp, matmul,
                        maximum, mean, minimum, mul, neg, permute, pow, relu, reshape, sigmoid, sin,
                        split, sqrt, squeeze, stack, sub, sum, tanh, transpose, unsqueeze, where)
from .functions import (all, allclose, amax, amin, any, argmax, argmin, argsort, bmm, clone, cumsum, dot,
                        einsum, equal, expm1, gather, index_select, isclose, log1p, log_softmax, masked_fill,
                        max, min, mm, mv, norm, numel, outer, prod, reciprocal, sign, softmax, sort,
                        square, std, t, topk, var)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from .random import manual_seed
from .serialization import LoadError, load, save
from . import data, nn, optim, viz  # noqa: E402  (subpackages: tg.nn, tg.optim, tg.viz, tg.data)
from .autobatch import autobatch, is_autobatch_enabled  # noqa: E402  (its rules know nn's fused ops)

__version__ = "0.1.0"
