"""The connectionist temporal classification loss (Graves et al., "Connectionist Temporal
Classification: Labelling Unsegmented Sequence Data with Recurrent Neural Networks", 2006).

The target l (length L) is extended with blanks, l' = (b, l1, b, l2, ..., b, lL, b) (length 2L+1),
and the forward variables α_t(s) = log P(prefix l'[:s+1] emitted by frames 0..t) follow

    α_0(0) = y_0(b),  α_0(1) = y_0(l1)
    α_t(s) = log Σ_{s' ∈ allowed(s)} exp α_{t-1}(s') + y_t(l'_s)
    allowed(s) = {s, s-1} and also s-2 when l'_s is not blank and l'_s ≠ l'_{s-2}
    loss = -log(exp α_{T-1}(2L) + exp α_{T-1}(2L-1))

with y = log_probs. The recursion is a Python loop over time of ordinary differentiable ops, so
the gradient (and its gradient) comes from autograd. Which states are reachable at each step is
decided in numpy as the recursion goes: unreachable states -- also those whose probability is 0,
a -inf log-probability -- hold a placeholder 0 that is masked out of every sum, so no -inf ever
enters the graph (it would make 0·∞ = nan in the backward pass).
"""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from ...functions import cat
from ...tensor import Tensor
from .checks import constant
from .losses import _check_reduction


def _lengths(value, what: str) -> np.ndarray:
    """input_lengths / target_lengths as a 1-D int array (a Tensor, a sequence or an int)."""
    data = value.data if isinstance(value, Tensor) else np.asarray(value)
    if data.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: {what} must hold integers, got {data.dtype}")
    return data.astype(np.int64).reshape(-1)


def _sequence_nll(lp: Tensor, labels: np.ndarray, blank: int) -> Tensor | None:
    """-log P(labels | lp) for one sequence, lp (T, C) already cut to its input length; None when
    no alignment exists (the loss is infinite)."""
    steps = lp.shape[0]
    ext = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    size = len(ext)
    skip = np.zeros(size, bool)  # may state s be entered from s - 2?
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    dtype = lp.data.dtype
    emit = lp[:, ext]  # (T, S'): log y_t(l'_s)
    reach = np.zeros(size, bool)
    reach[:min(2, size)] = True
    if steps == 0:  # no frames: only the empty target has an alignment (probability 1)
        return lp.sum() * 0 if len(labels) == 0 else None
    placeholder = constant(np.zeros(size, dtype))
    # a state whose log-probability is -inf (a label with probability 0) is unreachable too
    reach = reach & (emit.data[0] != -np.inf)
    alpha = emit[0].where(constant(reach), placeholder)
    for t in range(1, steps):
        prev = reach
        candidates = [alpha, cat([constant(np.zeros(1, dtype)), alpha[:-1]]),
                      cat([constant(np.zeros(min(2, size), dtype)), alpha[:-2]]) if size > 2 else None]
        ok = [prev, np.concatenate([[False], prev[:-1]]), np.concatenate([[False, False], prev[:-2]]) & skip]
        if size <= 2:
            candidates, ok = candidates[:2], ok[:2]
        reach = np.logical_or.reduce(ok)
        stacked = np.stack([c.data for c in candidates])
        peak = np.where(np.stack(ok), stacked, -np.inf).max(0)
        peak = np.where(reach, peak, 0).astype(dtype)  # a constant shift: log Σ exp(a - m) + m
        total = None
        for c, mask in zip(candidates, ok):
            # (a masked-out candidate is set to the peak first: its placeholder 0 minus a very
            # negative peak, e.g. -1e30, would overflow exp to inf, and inf·0 = nan)
            term = (c.where(constant(mask), constant(peak)) - constant(peak)).exp() * constant(mask.astype(dtype))
            total = term if total is None else total + term
        safe = total.where(constant(reach), constant(np.ones(size, dtype)))  # log 1 = 0 where nothing arrives
        alpha = safe.log() + constant(peak) + emit[t]
        reach = reach & (alpha.data != -np.inf)
        alpha = alpha.where(constant(reach), placeholder)
    ends = [s for s in (size - 1, size - 2) if s >= 0 and reach[s]]
    if not ends:
        return None
    last = alpha[np.array(ends)]
    return -last.logsumexp(0)


def ctc_loss(log_probs: Tensor, targets, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC loss of log_probs (T, N, C) (log-softmax outputs; (T, C) unbatched) against targets,
    either padded (N, S) or all concatenated (sum(target_lengths),); input_lengths and
    target_lengths (N,) give each sequence's frames and labels. An impossible alignment gives
    inf (0 with zero_infinity=True; its gradient is 0 here, nan in PyTorch). reduction 'mean'
    divides each loss by its target length (at least 1) and then averages over the batch.

    The gradient is PyTorch's, which assumes log_probs = log_softmax(logits, C): it is
    exp(log_probs) - γ per used frame (γ the posterior of each class at that frame), not the bare
    -γ; the extra exp(log_probs) sums to 1 per frame and so cancels in log_softmax's backward,
    and the gradient w.r.t. the logits is exact (Graves et al. 2006, eq. 16).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> lp = tg.full((2, 1, 2), 0.5).log()   # two frames, two classes, each with probability 1/2
    >>> F.ctc_loss(lp, tg.tensor([[1]]), [2], [1], reduction="sum")  # paths "1b", "b1", "11"
    tensor(0.2877)
    """
    if not isinstance(log_probs, Tensor):
        raise TypeError(f"ctc_loss: log_probs must be a Tensor, got {type(log_probs).__name__}")
    _check_reduction(reduction, "ctc_loss")
    if log_probs.ndim not in (2, 3):
        raise ShapeError(f"ctc_loss: log_probs must be (T, N, C) or unbatched (T, C), got shape {log_probs.shape}")
    if log_probs.data.dtype.kind != "f":
        raise TypeError(f"ctc_loss: log_probs must be floating point, got {log_probs.dtype}")
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    steps, batch, classes = lp.shape
    tgt = np.asarray(targets.data if isinstance(targets, Tensor) else targets)
    in_len, tgt_len = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if len(in_len) != batch:
        raise RuntimeError(f"ctc_loss: input_lengths must be of size batch_size ({batch}), got {len(in_len)} values")
    if len(tgt_len) != batch:
        raise RuntimeError(f"ctc_loss: target_lengths must be of size batch_size ({batch}), got {len(tgt_len)} values")
    if not 0 <= blank < classes:
        raise RuntimeError(f"ctc_loss: blank must be in label range [0, {classes}), got {blank}")
    for n in range(batch):
        if not 0 <= in_len[n] <= steps:
            raise RuntimeError(f"ctc_loss: input_lengths[{n}] = {in_len[n]}; expected a value from 0 to the number "
                               f"of frames T = {steps}")
        if tgt_len[n] < 0:
            raise RuntimeError(f"ctc_loss: target_lengths[{n}] = {tgt_len[n]} is negative")
    tgt = tgt.astype(np.int64)  # (PyTorch also takes float targets, as class numbers)
    if tgt.ndim == 1:  # concatenated (an unbatched target (S,) is the same thing for one sequence)
        if tgt_len.sum() > tgt.shape[0]:
            raise RuntimeError(f"ctc_loss: the concatenated targets hold {tgt.shape[0]} labels but target_lengths "
                               f"add up to {tgt_len.sum()}")
        offsets = np.concatenate([[0], np.cumsum(tgt_len)])
        rows = [tgt[offsets[n]:offsets[n + 1]] for n in range(batch)]
    else:
        if tgt.ndim != 2 or tgt.shape[0] != batch:
            raise RuntimeError(f"ctc_loss: padded targets must be (N, S) = ({batch}, S), got shape {tgt.shape}")
        if tgt_len.max(initial=0) > tgt.shape[1]:
            raise RuntimeError(f"ctc_loss: target_lengths up to {tgt_len.max()} do not fit in targets of shape "
                               f"{tgt.shape}")
        rows = [tgt[n, :tgt_len[n]] for n in range(batch)]
    losses = []
    for n in range(batch):
        nll = _sequence_nll(lp[:in_len[n], n], rows[n].astype(np.int64), blank)
        if nll is None:  # no alignment: inf (or 0), with no gradient
            value = 0.0 if zero_infinity else np.inf
            nll = lp[0:0, n].sum() + constant(np.asarray(value, lp.data.dtype))
        else:  # PyTorch's gradient: + exp(log_probs) on the used frames (value + 0; see the docstring)
            used = lp[:in_len[n], n].exp()
            nll = nll + (used.sum() - constant(np.asarray(used.data.sum(), lp.data.dtype)))
        losses.append(nll.reshape(1))
    loss = cat(losses) if losses else constant(np.zeros(0, lp.data.dtype))
    if reduction == "none":
        return loss.reshape(()) if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    return (loss / constant(np.maximum(tgt_len, 1).astype(lp.data.dtype))).mean()
