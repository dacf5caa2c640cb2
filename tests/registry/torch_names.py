"""PyTorch's names for making and converting tensors (creation.py, conversion.py, device.py,
dtype.py, tensor_types.py): the casts between float dtypes are differentiable; the rest make
new leaves or answer questions about a tensor."""
from . import not_differentiable, register

# float16 keeps ~3 significant digits: a large finite-difference step and loose tolerances.
FLOAT16_TOLERANCE = dict(eps=1e-1, atol=2e-2, rtol=5e-2)
register("Tensor.half", lambda x: x.half().double() + x, [(3,)], [(2, 3)], [()], **FLOAT16_TOLERANCE)
register("Tensor.type_as", lambda x, y: x.float().type_as(y) * y, [(3,), (3,)], [(2, 1), (1, 3)], [(), (2,)],
         eps=1e-3, atol=1e-3, rtol=1e-2)
register("Tensor.type", lambda x: x.type("tinygrad_edu.FloatTensor").type(x.dtype) * x, [(3,)], [(2, 3)], [()],
         eps=1e-3, atol=1e-3, rtol=1e-2)
register("Tensor.cpu", lambda x: x.cpu() * x.to("cpu"), [(3,)], [(2, 1)], [()])

not_differentiable(
    "integer or bool results",
    "Tensor.int", "Tensor.short", "Tensor.char", "Tensor.byte", "Tensor.is_floating_point",
    "Tensor.get_device", "tg.is_floating_point", "tg.is_tensor", "tg.randperm", "tg.randint_like",
)
not_differentiable(
    "not an operation on values: making new tensors, devices, dtypes, printing",
    "Tensor.new", "Tensor.new_zeros", "Tensor.new_ones", "Tensor.new_full", "Tensor.new_empty",
    "Tensor.new_tensor", "Tensor.cuda", "Tensor.__format__", "Tensor.__array_ufunc__",
    "Tensor.__array_function__", "tg.as_tensor", "tg.from_numpy", "tg.empty", "tg.empty_like",
    "tg.logspace", "tg.rand_like", "tg.randn_like", "tg.device", "tg.get_default_device",
    "tg.set_default_device", "tg.finfo", "tg.iinfo", "tg.Size", "tg.FloatTensor", "tg.DoubleTensor",
    "tg.HalfTensor", "tg.LongTensor", "tg.IntTensor", "tg.ShortTensor", "tg.CharTensor", "tg.ByteTensor",
    "tg.BoolTensor", "tg.set_printoptions", "tg.get_printoptions", "tg.printoptions",
    "tg.set_detect_anomaly", "tg.inference_mode", "tg.set_default_tensor_type",
)

not_differentiable("always raises: numpy has no bfloat16, so no tensor can have that dtype "
                   "(tests/test_jit_and_bfloat16.py)", "Tensor.bfloat16")
