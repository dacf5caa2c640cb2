"""`tinygrad_edu.nn.functional` (import it as `F`): the stateless functions behind the layers
and losses -- activations, (log-)softmax, linear, dropout, embedding, padding, one-hot, norms,
layer_norm and the losses, with PyTorch's names, arguments and defaults.

    import tinygrad_edu.nn.functional as F
    loss = F.cross_entropy(model(x), labels)
"""
from ...numpy_names import accept_numpy_names as _accept_numpy_names
from .activation import log_softmax, relu, sigmoid, softmax, tanh
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .bilinear import bilinear
from .binary_losses import binary_cross_entropy_with_logits
from .channel_dropout import alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from .channel_shuffle import channel_shuffle, native_channel_shuffle
from .convolution import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    conv1d,
    conv2d,
    conv3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
)
from .ctc import ctc_loss
from .distance import pairwise_distance
from .divergence import kl_div
from .embedding_bag import embedding_bag
from .folding import fold, unfold
from .fractional_pooling import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .group_normalization import group_norm, instance_norm, local_response_norm, rms_norm
from .inplace import celu_, elu_, leaky_relu_, relu_, selu_
from .layers import _check_dropout_p, dropout, embedding, linear
from .likelihood_losses import gaussian_nll_loss, poisson_nll_loss
from .linear_cross_entropy import linear_cross_entropy
from .losses import binary_cross_entropy, cross_entropy, mse_loss, nll_loss
from .margin_losses import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .normalization import batch_norm, layer_norm
from .pdist import pdist
from .piecewise import (
    celu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    mish,
    prelu,
    relu6,
    rrelu,
    rrelu_,
    selu,
    softmin,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from .pointwise import elu, gelu, leaky_relu, logsigmoid, silu, softplus
from .pooling import (
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .regression_losses import huber_loss, l1_loss, smooth_l1_loss
from .resampling import (
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .sampling_grid import affine_grid, grid_sample
from .shaping import one_hot, pad
from .similarity import cosine_similarity, normalize
from .transposed_convolution import conv_transpose1d, conv_transpose2d, conv_transpose3d

__all__ = ["sigmoid", "tanh", "relu", "softmax", "log_softmax", "leaky_relu", "elu", "silu", "softplus",
           "logsigmoid", "gelu", "linear", "dropout", "embedding", "layer_norm", "batch_norm", "one_hot", "pad",
           "normalize", "conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "cosine_similarity", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss",
           "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]
__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward", "conv_transpose1d", "conv_transpose2d"]
__all__ += ["margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
            "triplet_margin_with_distance_loss", "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
            "multilabel_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "group_norm", "instance_norm",
            "rms_norm", "local_response_norm"]
__all__ += ["relu6", "hardtanh", "hardsigmoid", "hardswish", "selu", "celu", "mish", "softsign", "softmin", "threshold",
            "tanhshrink", "softshrink", "hardshrink", "glu", "prelu", "rrelu", "gumbel_softmax", "pairwise_distance",
            "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "interpolate",
            "pixel_shuffle", "pixel_unshuffle", "adaptive_max_pool1d", "adaptive_max_pool2d", "hardtanh_", "threshold_",
            "rrelu_", "upsample", "upsample_nearest", "upsample_bilinear"]
__all__ += ["conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
            "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
            "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
            "max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "unfold", "fold",
            "bilinear", "embedding_bag", "pdist", "channel_shuffle"]
__all__ += ["affine_grid", "grid_sample", "ctc_loss"]
__all__ += ["celu_", "elu_", "leaky_relu_", "relu_", "selu_"]
__all__ += ["linear_cross_entropy"]
__all__ += ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
            "fractional_max_pool3d_with_indices", "native_channel_shuffle"]

# F.softmax(x, axis=1), F.cosine_similarity(a, b, axis=0), F.pairwise_distance(a, b, keepdims=True):
# every function here that takes dim/keepdim also takes numpy's axis/keepdims, as PyTorch's do
_accept_numpy_names(globals(), list(globals()))
