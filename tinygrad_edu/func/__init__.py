"""`tg.func`, PyTorch's `torch.func`: function transforms composed from `tg.grad`.

grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian (transforms.py), linearize (linearize.py),
vmap (vmap.py: a Python loop over the mapped dimension, not a batching transform), functional_call
and stack_module_state (functional_call.py). They compose: `vmap(grad(f))`, `grad(grad(f))`, `hessian`.
"""
from .functional_call import functional_call, stack_module_state
from .linearize import linearize
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from .vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize",
           "stack_module_state", "vjp", "vmap"]
