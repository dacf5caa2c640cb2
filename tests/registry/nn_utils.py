"""Registry entry for `nn.utils`: parameters_to_vector is differentiable (a cat of flattened
parameters, as in PyTorch); the clipping helpers and vector_to_parameters act on values and
gradients outside autograd."""
import tinygrad_edu.nn as nn

from . import register

register("nn.utils(parameters_to_vector)", lambda a, b: nn.utils.parameters_to_vector([a, b]),
         [(2, 3), (4,)], [(1,), (1, 1)], [(3, 1), (2, 2, 1)])
