"""`nn.AdaptiveLogSoftmaxWithLoss`: the adaptive softmax of Grave, Joulin, Cissé, Grangier and
Jégou, "Efficient softmax approximation for GPUs" (2017), with PyTorch's submodules and
parameter names (so a state_dict moves between the two).

The classes are split by `cutoffs` into a frequent *shortlist* and rarer *clusters*. The `head`
scores the shortlist classes and one extra "cluster" logit per cluster; cluster i has its own
small `tail[i]` (in_features -> in_features // div_value**(i+1) -> its classes). So

    log p(c | x) = log softmax(head(x))[c]                                 for c in the shortlist
    log p(c | x) = log softmax(head(x))[cluster of c] + log softmax(tail(x))[c - cluster start]

Everything is composed from Linear, log_softmax, gather and indexing, so the gradients are
those of these ops.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence

import numpy as np

from ..autograd.grad_mode import no_grad
from ..functions import cat
from ..tensor import Tensor
from . import functional as F
from .layers import Linear
from .module import Module, ModuleList, Sequential

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax (Grave et al., 2017): `forward(input, target)` gives the named tuple
    `(output, loss)` -- each example's log-probability of its target and the mean negative of
    those; `log_prob(input)` all `n_classes` log-probabilities; `predict(input)` the likeliest class.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> asm = nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[3, 6], div_value=2.0)
    >>> out, loss = asm(tg.randn(4, 8), tg.tensor([0, 4, 9, 2]))
    >>> out.shape, loss.shape, asm.log_prob(tg.randn(4, 8)).shape
    ((4,), (), (4, 10))
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError(
                "AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted "
                f"in an increasing order, where each value is between 1 and n_classes-1 = {n_classes - 1}; "
                f"got {cutoffs}")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))  # rarer clusters get smaller projections
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, size, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for to_hidden, to_classes in self.tail:
            to_hidden.reset_parameters()
            to_classes.reset_parameters()

    def forward(self, input: Tensor, target) -> _ASMoutput:
        op = "AdaptiveLogSoftmaxWithLoss"
        labels = np.asarray(target.data if isinstance(target, Tensor) else target)
        if labels.ndim == 1:
            if input.shape[:1] != labels.shape:
                raise RuntimeError(f"{op}: input and target should have the same size in the batch dimension "
                                   f"(input {input.shape}, target {labels.shape})")
            if input.ndim != 2:
                raise RuntimeError(f"{op}: 1D target tensor expects 2D input tensors, but found inputs with "
                                   f"size {input.shape}")
        elif labels.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"{op}: 0D target tensor expects 1D input tensors, but found inputs with "
                                   f"size {input.shape}")
        else:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported "
                               f"(target shape {labels.shape})")
        if labels.dtype.kind not in "iu":
            raise RuntimeError(f"{op}: target must hold class indices (an integer tensor), got dtype {labels.dtype}")
        batched = labels.ndim == 1
        x = input if batched else input.unsqueeze(0)
        labels = labels.reshape(-1)
        if ((labels < 0) | (labels >= self.n_classes)).any():
            raise RuntimeError(f"{op}: target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{labels.min()}, {labels.max()}] were found")

        # which part scores each label: 0 = the shortlist, i = cluster i (tail[i - 1])
        cluster = np.searchsorted(self.cutoffs, labels, side="right")
        head_index = np.where(cluster == 0, labels, self.shortlist_size + cluster - 1)
        head_logprob = F.log_softmax(self.head(x), dim=1)
        output = head_logprob.gather(1, head_index[:, None]).squeeze(1)

        # each cluster's own log-probability, on its rows only, then put back in batch order
        rows_in_order, pieces = [np.flatnonzero(cluster == 0)], [x.new_zeros(int((cluster == 0).sum()))]
        for i in range(1, self.n_clusters + 1):
            rows = np.flatnonzero(cluster == i)
            if rows.size == 0:
                continue
            within = labels[rows] - self.cutoffs[i - 1]
            cluster_logprob = F.log_softmax(self.tail[i - 1](x[rows]), dim=1)
            pieces.append(cluster_logprob.gather(1, within[:, None]).squeeze(1))
            rows_in_order.append(rows)
        if len(pieces) > 1:
            output = output + cat(pieces)[np.argsort(np.concatenate(rows_in_order), kind="stable")]

        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _get_full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        """All n_classes log-probabilities: the shortlist's from the head, each cluster's as its
        head log-probability plus its tail's log-softmax."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            parts.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """Log-probabilities of all `n_classes` classes, shape (N, n_classes), for input (N, in_features)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The likeliest class of each row (int64, shape (N,)): `log_prob(input).argmax(dim=1)`,
        but the tails run only for rows whose best head logit is a cluster."""
        with no_grad():
            head_output = self.head(input)
            best = head_output.argmax(dim=1).data.copy()
            not_in_shortlist = best >= self.shortlist_size
            if not_in_shortlist.any():
                rows = np.flatnonzero(not_in_shortlist)
                log_prob = self._get_full_log_prob(input[rows], head_output[rows])
                best[rows] = log_prob.argmax(dim=1).data
        return Tensor(best)
