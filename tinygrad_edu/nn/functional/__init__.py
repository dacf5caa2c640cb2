"""`tinygrad_edu.nn.functional` (import it as `F`): the stateless functions behind the layers
and losses -- activations, (log-)softmax, linear, dropout, embedding, and the losses.

    import tinygrad_edu.nn.functional as F
    loss = F.cross_entropy(model(x), labels)
"""
from .activation import log_softmax, relu, sigmoid, softmax, tanh
from .layers import _check_dropout_p, dropout, embedding, linear
from .losses import binary_cross_entropy, cross_entropy, mse_loss, nll_loss

__all__ = ["sigmoid", "tanh", "relu", "softmax", "log_softmax", "linear", "dropout", "embedding",
           "mse_loss", "nll_loss", "cross_entropy", "binary_cross_entropy"]
