"""`tinygrad_edu.nn.functional` (import it as `F`): the stateless functions behind the layers
and losses -- activations, (log-)softmax, linear, dropout, embedding, padding, one-hot, norms,
layer_norm and the losses, with PyTorch's names, arguments and defaults.

    import tinygrad_edu.nn.functional as F
    loss = F.cross_entropy(model(x), labels)
"""
from .activation import log_softmax, relu, sigmoid, softmax, tanh
from .binary_losses import binary_cross_entropy_with_logits
from .convolution import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    conv1d,
    conv2d,
    max_pool1d,
    max_pool2d,
)
from .divergence import kl_div
from .layers import _check_dropout_p, dropout, embedding, linear
from .losses import binary_cross_entropy, cross_entropy, mse_loss, nll_loss
from .normalization import batch_norm, layer_norm
from .pointwise import elu, gelu, leaky_relu, logsigmoid, silu, softplus
from .regression_losses import huber_loss, l1_loss, smooth_l1_loss
from .shaping import one_hot, pad
from .similarity import cosine_similarity, normalize

__all__ = ["sigmoid", "tanh", "relu", "softmax", "log_softmax", "leaky_relu", "elu", "silu", "softplus",
           "logsigmoid", "gelu", "linear", "dropout", "embedding", "layer_norm", "batch_norm", "one_hot", "pad",
           "normalize", "conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "cosine_similarity", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss",
           "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]
