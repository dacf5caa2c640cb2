"""tinygrad_edu: a define-by-run autograd framework on numpy, small enough to read, complete
enough to trust. See README.md and docs/."""
# Tensor first: the ops and autograd modules build on it (so the imports are not alphabetical).
from .tensor import Tensor
from .autograd.anomaly import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                               set_anomaly_enabled)
from .autograd.differentiate import grad
from .autograd.function import Function
from .autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.api import inference_mode, is_inference_mode_enabled, set_detect_anomaly
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                       logspace, ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like,
                       randperm, tensor, zeros, zeros_like)
from .devices import device, get_default_device, set_default_device
from .layouts import layout, sparse_bsc, sparse_bsr, sparse_coo, sparse_csc, sparse_csr, strided
from .memory_formats import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format
from .storage import TypedStorage, UntypedStorage
from .dtype import (bfloat16, finfo, float16, float32, float64, get_default_dtype, iinfo, int8, int16, int32, int64,
                    is_floating_point, set_default_dtype, uint8)
from .errors import ShapeError
from .functions import (abs, add, cat, chunk, clamp, clip, cos, div, exp, flatten, log, logsumexp, matmul,
                        maximum, mean, minimum, mul, neg, permute, pow, relu, reshape, sigmoid, sin,
                        split, sqrt, squeeze, stack, sub, sum, tanh, transpose, unsqueeze, where)
from .functions import (all, allclose, amax, amin, any, argmax, argmin, argsort, bmm, ceil, clone, cumsum, dot,
                        einsum, equal, exp2, expm1, flip, floor, frac, gather, index_select, isclose, isfinite,
                        isinf, isnan, log1p, log2, log10, log_softmax, masked_fill, max, min, mm, mv, norm,
                        numel, outer, prod,
                        reciprocal, round, rsqrt, sign, softmax, sort, square, std, t, topk, tril, triu, trunc,
                        unbind, var)
from .functions_indexing import *  # noqa: F403  (each of these three lists its names in __all__)
from .functions_pointwise import *  # noqa: F403
from .functions_shaping import *  # noqa: F403
from .functions_numeric import *  # noqa: F403  (isin, combinations, vander, angle, ...: each lists __all__)
from .functions_calculus import *  # noqa: F403  (trapezoid, cumulative_trapezoid, gradient)
from .functions_memory import *  # noqa: F403  (empty_strided, frombuffer, as_strided_scatter, ...)
from .histograms import histogram, histogramdd
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from .random import Generator, default_generator, initial_seed, manual_seed
from .random_state import get_rng_state, seed, set_rng_state
from .determinism import (are_deterministic_algorithms_enabled, get_deterministic_debug_mode,
                          is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                          use_deterministic_algorithms)
from .sampling import bernoulli, multinomial
from .sampling_normal import normal, poisson
from .repr import get_printoptions, printoptions, set_printoptions
from .serialization import LoadError, load, save
from .tensor_types import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,
                           IntTensor, LongTensor, ShortTensor, Size, is_tensor, set_default_tensor_type)
from . import accelerator, backends, cuda, special  # noqa: E402  (tg.cuda.is_available() is False; CPU only; tg.special)
from . import data, distributions, func, linalg, nn, optim, utils, viz  # noqa: E402  (subpackages: tg.nn, tg.optim, ...)
from .linalg.legacy import *  # noqa: E402, F403  (tg.inverse, tg.det, tg.svd, ...: torch.* linear algebra)
from .linalg.lobpcg import lobpcg  # noqa: E402  (torch.lobpcg: a few eigenpairs, iteratively)
from .linalg.lowrank import pca_lowrank, svd_lowrank  # noqa: E402  (randomized low-rank SVD and PCA)
from .functions_aliases import *  # noqa: E402, F403  (torch.conv2d, torch.exp_, torch.t_copy, ...: see __all__)
from .functions_nn_native import *  # noqa: E402, F403  (torch.native_batch_norm, torch.grid_sampler, ...: __all__)
from .functions_rnn import *  # noqa: E402, F403  (torch.lstm_cell, torch.lstm, torch.gru, ...: see __all__)
from .functions_nn_bags import *  # noqa: E402, F403  (torch.embedding_bag, torch.segment_reduce)
from .functions_sync_batch_norm import *  # noqa: E402, F403  (torch.batch_norm_stats, ...: SyncBatchNorm's)
from .autobatch import autobatch, is_autobatch_enabled  # noqa: E402  (its rules know nn's fused ops)
from .promotion import can_cast, promote_types, result_type  # noqa: E402  (PyTorch's promotion rules)
from .arrays import asarray, typename  # noqa: E402
from .compiling import compile, get_float32_matmul_precision, set_float32_matmul_precision  # noqa: E402, A004
from .amp import autocast  # noqa: E402  (tg.autocast is tg.amp.autocast: casts nothing, see amp.py)
from .autocast_state import *  # noqa: E402, F403  (tg.is_autocast_enabled, tg.get_autocast_dtype, ...)
from .runtime_flags import (compiled_with_cxx11_abi, get_device, get_device_module,  # noqa: E402
                            get_num_interop_threads, init_num_threads, is_distributed, is_vulkan_available,
                            is_warn_always_enabled, set_num_interop_threads, set_warn_always)
from .control_flow import cond, while_loop  # noqa: E402  (torch.cond, torch.while_loop, run eagerly)
from .mapped_files import from_file  # noqa: E402
from .functions_removed import *  # noqa: E402, F403  (tg.lstsq, tg.solve, ...: raise, naming tg.linalg.*)
from .tensor_legacy import resize_as_  # noqa: E402
from .func import vmap  # noqa: E402  (torch.vmap is torch.func.vmap)
from . import amp, testing  # noqa: E402  (tg.amp.GradScaler, tg.testing.assert_close)
from . import multiprocessing  # noqa: E402  (torch.multiprocessing: shared-memory tensors, mp.spawn)
from . import profiler  # noqa: E402  (tg.profiler.profile, record_function: torch.profiler's)
from . import compiler, cpu  # noqa: E402  (torch.compiler's decorators, no-ops here; torch.cpu's device calls)
from . import jit  # noqa: E402  (torch.jit's script/trace/decorators: everything runs eagerly here)
from . import quasirandom  # noqa: E402  (tg.quasirandom.SobolEngine)
from .utils.dlpack import from_dlpack  # noqa: E402  (torch.from_dlpack: memory shared with numpy, torch, ...)

__version__ = "0.1.0"

# PyTorch's other dtype names. Last in this file: they hide Python's float, int and bool here.
from .dtype import bool_ as bool  # noqa: E402, A001
float, double, half = float32, float64, float16  # noqa: A001
long, int, short = int64, int32, int16  # noqa: A001
from math import e, inf, nan, pi  # noqa: E402  (torch.inf, torch.pi, ...)
from .functions_deprecated import chain_matmul, range  # noqa: E402, A004  (range hides Python's: last)
