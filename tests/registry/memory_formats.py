"""Registry entries for copies laid out in a memory format (tinygrad_edu/memory_formats.py): the
Clone and Cast ops with a `tg.memory_format`. Only the strides of the copy differ, so the gradient
is the identity whatever the layout; the cases start from row-major, transposed and sliced inputs."""
import tinygrad_edu as tg

from . import not_differentiable, register

register("Tensor.contiguous(memory_format=channels_last)",
         lambda x: x.contiguous(memory_format=tg.channels_last) * x, [(2, 3, 4, 5)], [(1, 3, 1, 2)], [(2, 1, 3, 1)])
register("Tensor.contiguous(memory_format=channels_last_3d)",
         lambda x: x.contiguous(memory_format=tg.channels_last_3d) ** 2, [(2, 3, 2, 2, 2)], [(1, 2, 1, 3, 1)],
         [(1, 1, 1, 1, 1)])
register("Tensor.clone(memory_format=channels_last)",  # from a transposed (N, W, H, C) input
         lambda x: x.transpose(1, 3).clone(memory_format=tg.channels_last).sum(1) * 2,
         [(2, 3, 4, 5)], [(1, 2, 1, 3)], [(2, 1, 1, 1)])
register("Tensor.clone(memory_format=preserve_format)",  # a slice with steps: dense strides in the same order
         lambda x: x.transpose(0, 1)[::2].clone() * x.transpose(0, 1)[::2], [(3, 4)], [(1, 5)], [(4, 1, 2)])
register("tg.clone(memory_format=contiguous_format)",
         lambda x: tg.clone(x.permute(0, 2, 3, 1), memory_format=tg.contiguous_format).exp(),
         [(2, 3, 2, 2)], [(1, 1, 2, 3)], [(1, 2, 1, 1)])
register("Tensor.to(memory_format=channels_last)",
         lambda x: x.to(memory_format=tg.channels_last).tanh(), [(2, 3, 4, 5)], [(1, 4, 1, 1)], [(3, 1, 2, 2)])
register("Tensor.to(dtype, memory_format=channels_last_3d)",  # (to float64: the inputs are float64 already)
         lambda x: x.to(tg.float64, memory_format=tg.channels_last_3d, copy=True) * x,
         [(2, 3, 2, 2, 2)], [(1, 2, 1, 1, 3)], [(1, 1, 2, 1, 1)])

not_differentiable(
    "names, not operations: the memory-format type, and storages (memory, no autograd)",
    "tg.memory_format", "tg.TypedStorage", "tg.UntypedStorage")
