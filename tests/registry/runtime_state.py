"""Registry entries for control_flow.py (cond, while_loop: the chosen branch / the loop body are
ordinary ops, checked here through them), tensor_legacy.py's resize/resize_as (a reshape), and
the runtime and random-state names that compute nothing (tests/test_runtime_state.py)."""
import tinygrad_edu as tg

from . import not_differentiable, register

PAIR = [[(3, 4), (4,)], [(2, 1, 3), (4, 1)], [(), (3,)], [(1,), (1,)]]


def _cond(a, b):
    # both branches exercised: the one chosen by a tensor predicate, the other by a Python bool
    first = tg.cond(tg.tensor(True), lambda x, y: x * y.sin(), lambda x, y: x + y, (a, b))
    return first + tg.cond(False, lambda x, y: x, lambda x, y: (x - y) ** 2, (a, b))


def _while_loop(a, b):
    # three passes of v <- v * b + a (an int counter carried alongside)
    _, v = tg.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * b + a), (0, a * b))
    return v


register("tg.cond", _cond, *PAIR)
register("tg.while_loop", _while_loop, [(3, 4), (3, 4)], [(2, 3), (2, 3)], [(), ()], [(1,), (1,)])
register("Tensor.resize", lambda x: x.resize(*reversed(x.shape)) * 2, [(2, 3)], [(4,)], [(2, 1, 3)])
register("Tensor.resize_as", lambda x, t: x.resize_as(t) * t, [(2, 3), (3, 2)], [(4,), (2, 2)], [(1,), ()])

not_differentiable("the generator's state as bytes, or seeding: no values of a computation",
                   "tg.get_rng_state", "tg.set_rng_state", "tg.seed")
not_differentiable("a flag or number of PyTorch's runtime (threads, warnings, anomaly mode, the C++ ABI, devices)",
                   "tg.get_num_interop_threads", "tg.set_num_interop_threads", "tg.set_warn_always",
                   "tg.is_warn_always_enabled", "tg.set_anomaly_enabled", "tg.is_anomaly_check_nan_enabled",
                   "tg.compiled_with_cxx11_abi", "tg.get_device", "tg.is_distributed", "tg.get_device_module",
                   "tg.init_num_threads", "tg.is_vulkan_available")
not_differentiable("autocast's state (whether it is on, its dtype, cache and nesting): nothing is computed",
                   "tg.is_autocast_enabled", "tg.set_autocast_enabled", "tg.get_autocast_dtype",
                   "tg.set_autocast_dtype", "tg.is_autocast_cache_enabled", "tg.set_autocast_cache_enabled",
                   "tg.clear_autocast_cache", "tg.autocast_increment_nesting", "tg.autocast_decrement_nesting",
                   "tg.is_autocast_cpu_enabled", "tg.set_autocast_cpu_enabled", "tg.get_autocast_cpu_dtype",
                   "tg.set_autocast_cpu_dtype", "tg.get_autocast_gpu_dtype", "tg.set_autocast_gpu_dtype",
                   "tg.is_autocast_xla_enabled", "tg.set_autocast_xla_enabled", "tg.get_autocast_xla_dtype",
                   "tg.set_autocast_xla_dtype", "tg.is_autocast_ipu_enabled", "tg.set_autocast_ipu_enabled",
                   "tg.get_autocast_ipu_dtype", "tg.set_autocast_ipu_dtype")
not_differentiable("reads numbers from a file into a new leaf", "tg.from_file")
not_differentiable("removed in PyTorch 1.9: raises, naming the tg.linalg function to use",
                   "tg.lstsq", "tg.solve", "tg.eig", "tg.symeig", "tg.matrix_rank",
                   "Tensor.lstsq", "Tensor.solve", "Tensor.eig", "Tensor.symeig", "Tensor.reinforce")
not_differentiable("storage bookkeeping in place (not recorded, as PyTorch's set_ is not an op to differentiate), or "
                   "a bool about it", "Tensor.set_", "Tensor.is_set_to", "tg.resize_as_")
not_differentiable("returns self (every tensor here is dense); with another dtype it is `to(dtype)`, checked there",
                   "Tensor.to_dense")
not_differentiable("a detached copy of a state_dict value for load_state_dict (as PyTorch: .detach())",
                   "Tensor.module_load")
