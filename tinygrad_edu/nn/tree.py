"""Tree models: the binary Tree-LSTM composition and the SPINN shift-reduce encoder.

SPINN (Bowman et al. 2016) reads a parsed sentence with a buffer and a stack, both plain Python
lists. SHIFT moves the next word from the buffer onto the stack; REDUCE pops the two top entries,
composes them with a Tree-LSTM cell (Tai et al. 2015) and pushes the result. After the last
transition the stack holds one entry, the sentence's vector. Every entry is a pair (h, c), like
an LSTM state. A Tracker (an LSTM cell) can read the buffer top and the two top stack entries
before every transition and hand its state to each composition.

Because this is define-by-run, the whole encoder is a `for` over transitions and an `if` per
example; the tape records whatever path each sentence takes.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..autograd.scope import scope
from ..autograd.xp import numpy_xp
from ..data.transitions import REDUCE, SHIFT, normalize_transitions, validate_transitions
from ..functions import cat
from ..ops.op import Op
from ..tensor import Tensor
from .functional.layers import linear_grads
from .layers import Linear
from .module import Module
from .recurrent import LSTMCell

__all__ = ["GatherRows", "REDUCE", "SHIFT", "SPINN", "SplitRows", "Tracker", "TreeLSTMCell", "TreeLSTMComposition",
           "TreeLSTMJoinedComposition"]

State = tuple[Tensor, Tensor]  # (h, c), each (batch, hidden_size)


def _check_size(n, layer: str, what: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise ValueError(f"{layer}: {what} must be a positive int, got {n!r}")


class TreeLSTMComposition(Op):
    """One whole Tree-LSTM composition as one node on the tape:
    (h_l, c_l, h_r, c_r, W_l, b_l, W_r, s, W_s) -> (h, c), each (B, H), where s is the tracker's
    state (B, S) and W_s its weight (5H, S); b_l, and s with W_s, may be None.

        z = h_l W_lᵀ + b_l + h_r W_rᵀ (+ s W_sᵀ) = [i, f_l, f_r, o, a] pre-activations (B, 5H)
        c = σ(i)·tanh(a) + σ(f_l)·c_l + σ(f_r)·c_r,    h = σ(o)·tanh(c)

    Backward, with g_h, g_c the incoming gradients, t = tanh(c) and i, f_l, f_r, o, a activated:
        ∂c = g_c + g_h·o·(1 - t²)                   (c reaches the loss directly and through h)
        ∂z_i = ∂c·a·i(1 - i)       ∂z_fl = ∂c·c_l·f_l(1 - f_l)    ∂z_fr = ∂c·c_r·f_r(1 - f_r)
        ∂z_o = g_h·t·o(1 - o)      ∂z_a = ∂c·i·(1 - a²)
        ∂c_l = ∂c·f_l              ∂c_r = ∂c·f_r
    and then, for each product x Wᵀ in z, ∂x = ∂z W and ∂W = ∂zᵀ x (`linear_grads`), ∂b_l = Σ ∂z.
    Written with separate ops this is sixteen nodes (four with separate Linears); in a tree model
    it runs once per composition, so it is fused into one node with one backward formula. It is
    also the unit that `tg.autobatch()` batches: one waiting call per composition.
    """

    @staticmethod
    def forward(ctx, h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t):
        ctx.save_for_backward(h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t)
        i, f_l, f_r, o, a, c, t = _composition(numpy_xp, h_l.data, c_l.data, h_r.data, c_r.data, w_l.data,
                                               _data(b_l), w_r.data, _data(tracking), _data(w_t))
        ctx.activated = (i, f_l, f_r, o, a, t)  # backward on arrays reuses them
        return o * t, c

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        return _composition_grads(ctx, grad_h, grad_c, *ctx.saved_tensors, ctx.needs_input_grad)


class TreeLSTMJoinedComposition(Op):
    """`TreeLSTMComposition` on states kept as one matrix each: (s_l, s_r, W_l, b_l, W_r, s, W_s)
    -> s_parent, where a state is [h | c] (B, 2H) and s, W_s are the tracker's (or None).

    The numbers, and the formula of the derivative, are the composition's (`_composition_grads`):
    this op only cuts each child's state into h and c on the way in, joins the parent's on the
    way out, and does the reverse with the gradients. It is what `SPINN`'s one-at-a-time code
    uses, so that a stack entry is one tensor, not two: `tg.autobatch()` then joins two children
    and cuts one parent per composition, instead of four and two (measured about 1.4× faster at
    batch 64; eagerly a little faster too).
    """

    @staticmethod
    def forward(ctx, s_l, s_r, w_l, b_l, w_r, tracking, w_t):
        ctx.save_for_backward(s_l, s_r, w_l, b_l, w_r, tracking, w_t)
        H = w_l.data.shape[1]
        left, right = s_l.data, s_r.data
        i, f_l, f_r, o, a, c, t = _composition(numpy_xp, left[:, :H], left[:, H:], right[:, :H], right[:, H:],
                                               w_l.data, _data(b_l), w_r.data, _data(tracking), _data(w_t))
        ctx.activated = (i, f_l, f_r, o, a, t)
        return np.concatenate([o * t, c], axis=1)

    @staticmethod
    def backward(ctx, grad):
        s_l, s_r, w_l, b_l, w_r, tracking, w_t = ctx.saved_tensors
        H = w_l.shape[1]
        need_l, need_r, *need_rest = ctx.needs_input_grad
        grads = _composition_grads(ctx, grad[:, :H], grad[:, H:], s_l[:, :H], s_l[:, H:], s_r[:, :H], s_r[:, H:],
                                   w_l, b_l, w_r, tracking, w_t, (need_l, need_l, need_r, need_r, *need_rest))
        xp = ctx.xp
        d_left = xp.concatenate(grads[0:2], axis=1) if need_l else None
        d_right = xp.concatenate(grads[2:4], axis=1) if need_r else None
        return (d_left, d_right) + grads[4:]


def _composition_grads(ctx, grad_h, grad_c, h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t, need) -> tuple:
    """The composition's derivative (the formula in TreeLSTMComposition's docstring), for the
    inputs (h_l, c_l, h_r, c_r, W_l, b_l, W_r, s, W_s) whose entry of `need` is true."""
    xp = ctx.xp
    if xp is numpy_xp:  # the values forward computed (the same numbers)
        i, f_l, f_r, o, a, t = ctx.activated
    else:  # recorded backward: computed again with Tensor ops, so they are differentiable
        i, f_l, f_r, o, a, _, t = _composition(xp, h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t)
    dc = grad_c + grad_h * o * (1 - t * t)
    dz = xp.concatenate([dc * a * i * (1 - i), dc * c_l * f_l * (1 - f_l), dc * c_r * f_r * (1 - f_r),
                         grad_h * t * o * (1 - o), dc * i * (1 - a * a)], axis=1)
    dh_l, dw_l = linear_grads(xp, dz, h_l, w_l, need[0], need[4])
    dh_r, dw_r = linear_grads(xp, dz, h_r, w_r, need[2], need[6])
    dt = dw_t = None
    if tracking is not None:
        dt, dw_t = linear_grads(xp, dz, tracking, w_t, need[7], need[8])
    return (dh_l, dc * f_l if need[1] else None, dh_r, dc * f_r if need[3] else None,
            dw_l, dz if need[5] else None, dw_r, dt, dw_t)


def _data(t):
    return None if t is None else t.data


def _composition(xp, h_l, c_l, h_r, c_r, w_l, b_l, w_r, tracking, w_t) -> tuple:
    """The forward values (i, f_l, f_r, o, a activated, then c and tanh c), on arrays or Tensors."""
    z = h_l @ xp.matrix_transpose(w_l)
    if b_l is not None:
        z = z + b_l
    z = z + h_r @ xp.matrix_transpose(w_r)
    if tracking is not None:
        z = z + tracking @ xp.matrix_transpose(w_t)
    i, f_l, f_r, o, a = _activated(xp, z)
    c = i * a + f_l * c_l + f_r * c_r
    return i, f_l, f_r, o, a, c, xp.tanh(c)


def _activated(xp, z):
    """σ of the four gates and tanh of the candidate, from z = [i, f_l, f_r, o, a]."""
    H = z.shape[1] // 5
    gates = xp.sigmoid(z[:, : 4 * H])
    return gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H : 4 * H], xp.tanh(z[:, 4 * H :])


class TreeLSTMCell(Module):
    """Compose a left child (h_l, c_l) and a right child (h_r, c_r) into their parent (h, c).

    The binary Tree-LSTM of Tai et al. (2015), with one forget gate per child:

        [i, f_l, f_r, o, a] = W_l h_l + b + W_r h_r (+ W_t t)     five blocks of H columns
        c = σ(i)·tanh(a) + σ(f_l)·c_l + σ(f_r)·c_r
        h = σ(o)·tanh(c)

    `left` (H → 5H, with bias), `right` (H → 5H) and, with `tracker_size`, `track`
    (tracker_size → 5H) hold the weights (one Linear each, so every input costs one matrix
    product for all five gates). The whole composition, products and gates, is one fused node,
    `TreeLSTMComposition`: the Linears' weights are used directly, so forward hooks registered
    on `left`/`right`/`track` do not run. `tracking=None` adds nothing (as if the tracker state
    were zero).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> cell = nn.TreeLSTMCell(4)
    >>> h, c = cell((tg.zeros(2, 4), tg.zeros(2, 4)), (tg.ones(2, 4), tg.ones(2, 4)))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    """

    def __init__(self, hidden_size: int, tracker_size: int | None = None, dtype=None) -> None:
        super().__init__()
        _check_size(hidden_size, "TreeLSTMCell", "hidden_size")
        if tracker_size is not None:
            _check_size(tracker_size, "TreeLSTMCell", "tracker_size")
        self.hidden_size = hidden_size
        self.tracker_size = tracker_size
        self.left = Linear(hidden_size, 5 * hidden_size, dtype=dtype)
        self.right = Linear(hidden_size, 5 * hidden_size, bias=False, dtype=dtype)
        if tracker_size is not None:
            self.track = Linear(tracker_size, 5 * hidden_size, bias=False, dtype=dtype)
        else:
            self.track = None

    def forward(self, left: State, right: State, tracking: Tensor | None = None) -> State:
        (h_l, c_l), (h_r, c_r) = left, right
        shape = h_l.shape
        if len(shape) != 2 or shape[1] != self.hidden_size or c_l.shape != shape or h_r.shape != shape \
                or c_r.shape != shape:
            raise ValueError(
                f"TreeLSTMCell: expected h and c of both children with shape (batch, {self.hidden_size}), got "
                f"left ({h_l.shape}, {c_l.shape}) and right ({h_r.shape}, {c_r.shape})"
            )
        track = self._tracker_weight(tracking, shape[0])
        return TreeLSTMComposition.apply(h_l, c_l, h_r, c_r, self.left.weight, self.left.bias, self.right.weight,
                                         tracking, track)

    def compose(self, left: Tensor, right: Tensor, tracking: Tensor | None = None) -> Tensor:
        """The same composition, on states kept as one matrix each: `left` and `right` are
        [h | c] (batch, 2·hidden_size), and so is the result. A model that keeps its states
        whole (SPINN's stack) moves one tensor per state instead of two. Forward hooks of the
        cell do not run (this is not `forward`).

        >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
        >>> cell = nn.TreeLSTMCell(4)
        >>> cell.compose(tg.zeros(2, 8), tg.ones(2, 8)).shape
        (2, 8)
        """
        shape = left.shape
        if len(shape) != 2 or shape[1] != 2 * self.hidden_size or right.shape != shape:
            raise ValueError(
                f"TreeLSTMCell.compose: expected both children's states [h | c] with shape (batch, "
                f"{2 * self.hidden_size}), got left {left.shape} and right {right.shape}"
            )
        track = self._tracker_weight(tracking, shape[0])
        return TreeLSTMJoinedComposition.apply(left, right, self.left.weight, self.left.bias, self.right.weight,
                                               tracking, track)

    def _tracker_weight(self, tracking: Tensor | None, batch: int) -> Tensor | None:
        """The tracker's weight when a tracking state comes (checked), else None."""
        if tracking is None:
            return None
        if self.track is None:
            raise ValueError(
                "TreeLSTMCell: got a tracking state, but the cell was built without "
                "tracker_size, so it has no weights for one"
            )
        if tracking.shape != (batch, self.tracker_size):
            raise ValueError(
                f"TreeLSTMCell: tracking must have shape ({batch}, {self.tracker_size}), got {tracking.shape}"
            )
        return self.track.weight

    def extra_repr(self) -> str:
        tracker = f", tracker_size={self.tracker_size}" if self.tracker_size is not None else ""
        return f"{self.hidden_size}{tracker}"


class Tracker(Module):
    """The LSTM that follows the parser: before each transition it reads the h of the buffer top
    and of the two top stack entries, [b; s1; s2] (batch, 3H), and updates its state (h, c)."""

    def __init__(self, hidden_size: int, tracker_size: int, dtype=None) -> None:
        super().__init__()
        self.rnn = LSTMCell(3 * hidden_size, tracker_size, dtype=dtype)

    def forward(
        self, buffer_top: Tensor, stack_top: Tensor, stack_second: Tensor, state: State | None = None
    ) -> State:
        return self.rnn(cat([buffer_top, stack_top, stack_second], 1), state)


class SPINN(Module):
    """The shift-reduce encoder: `encoder(embeddings, transitions, batched=True)` -> (batch, H).

    `embeddings` is a list with one (n_words, embed_size) Tensor per example; `transitions` a list
    with one sequence of SHIFT/REDUCE per example ("S"/"R", nn.SHIFT/nn.REDUCE, or a string
    "S S R"). Each word is projected to its leaf state [h | c] by `project` (embed_size → 2H).
    The stack starts with two zero entries, so the tracker always has two to read.

    `batched=True` walks the transitions of all examples together, round by round, and composes
    all the examples that REDUCE in a round with one call of the cell; `batched=False` encodes
    one example after another, and under `tg.autobatch()` that code runs in batches by itself
    (measured 1.5× slower than `batched=True` at batch 64 and as fast at batch 16, 2.7× faster
    than eagerly at batch 64). All compute the same numbers (see docs/tree-models.md).

    Malformed transitions raise `ValueError` naming the example and the step.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> encoder = nn.SPINN(embed_size=3, hidden_size=4, tracker_size=2)
    >>> words = [tg.randn(2, 3), tg.randn(3, 3)]
    >>> encoder(words, ["S S R", "S S S R R"]).shape
    (2, 4)
    """

    def __init__(self, embed_size: int, hidden_size: int, tracker_size: int | None = None, dtype=None) -> None:
        super().__init__()
        _check_size(embed_size, "SPINN", "embed_size")
        _check_size(hidden_size, "SPINN", "hidden_size")
        if tracker_size is not None:
            _check_size(tracker_size, "SPINN", "tracker_size")
        self.embed_size = embed_size
        self.hidden_size = hidden_size
        self.tracker_size = tracker_size
        self.project = Linear(embed_size, 2 * hidden_size, dtype=dtype)
        self.tracker = Tracker(hidden_size, tracker_size, dtype=dtype) if tracker_size is not None else None
        self.reduce = TreeLSTMCell(hidden_size, tracker_size, dtype=dtype)

    def forward(
        self, embeddings: Sequence[Tensor], transitions: Sequence[Sequence[str]], batched: bool = True
    ) -> Tensor:
        steps = self._checked_transitions(embeddings, transitions)
        if batched:
            return self._encode_batch(list(embeddings), steps)
        states = cat([self._encode_one(words, seq) for words, seq in zip(embeddings, steps)])
        return states[:, : self.hidden_size]  # the h half of each sentence's state

    # ---- one example at a time: the algorithm as it is written on paper ------------------
    def _encode_one(self, words: Tensor, transitions: list[str]) -> Tensor:
        """The final state [h | c] of one sentence."""
        H = self.hidden_size
        # Each word's state [h | c] is a row; one SplitRows node cuts all of them (n slices: n
        # nodes). A state stays one tensor on the stack (the cell's `compose` takes it whole).
        # The buffer is reversed so that .pop() takes the next word.
        buffer = list(SplitRows.apply(self.project(words), [1] * words.shape[0]))[::-1]
        zero = Tensor(np.zeros((1, 2 * H), dtype=self.project.weight.dtype))
        stack = [zero, zero]
        tracker_state = tracking = None
        halves: dict = {}  # state -> its h half: the tracker reads each state at several steps

        def h(state: Tensor) -> Tensor:
            half = halves.get(state)
            if half is None:
                half = halves[state] = state[:, :H]
            return half

        for transition in transitions:
            if self.tracker is not None:  # an LSTM cell reading the h of [buffer top; s1; s2]
                tracker_state = self.tracker(h(buffer[-1] if buffer else zero), h(stack[-1]), h(stack[-2]),
                                             tracker_state)
                tracking = tracker_state[0]
            if transition == SHIFT:
                stack.append(buffer.pop())
            else:
                right = stack.pop()
                left = stack.pop()
                with scope("Reduce"):
                    stack.append(self.reduce.compose(left, right, tracking))
        return stack[-1]

    # ---- the whole batch at once ------------------------------------------------------------
    def _encode_batch(self, embeddings: list[Tensor], steps: list[list[str]]) -> Tensor:
        """The same algorithm with one buffer and one stack per example, all moving together.

        Each round of the loop takes one transition of every example that has any left, and
        composes all the examples that REDUCE in that round with one call of the cell. Without
        a tracker a SHIFT computes nothing (it moves a list item), so each example first shifts
        ahead to its next REDUCE: a round is then one REDUCE of every example, and the loop runs
        n_words - 1 times instead of 2·n_words - 1. With a tracker, which reads the stack before
        every transition, a round is one transition step, as in the PyTorch SPINN example.

        Here an entry is a pointer (block, row) to row `row` of a matrix `block` holding [h | c]
        of nodes computed together: the words shifted in one round, or the compositions of one
        round. Pushing a result is then pure Python, and `_gather` turns a list of entries into
        the (h, c) matrices of those nodes with one node on the tape (`GatherRows`), instead of
        one op per entry.
        """
        H = self.hidden_size
        batch = len(steps)
        shift_ahead = self.tracker is None
        buffers = self._word_buffers(embeddings, steps, shift_ahead)
        null = (Tensor(np.zeros((1, 2 * H), dtype=self.project.weight.dtype)), 0)
        stacks = [[null, null] for _ in range(batch)]
        cursors = [0] * batch  # the next transition of each example
        tracker_state = tracking = None
        while True:
            if self.tracker is not None:
                # Examples that are already done run along; their tracker output is never used.
                tops, _ = _gather(
                    [buffer[-1] if buffer else null for buffer in buffers]
                    + [stack[-1] for stack in stacks]
                    + [stack[-2] for stack in stacks]
                )
                buffer_top, stack_top, stack_second = tops.chunk(3)
                tracker_state = self.tracker(buffer_top, stack_top, stack_second, tracker_state)
                tracking = tracker_state[0]
            reducing = []
            for b, seq in enumerate(steps):
                t = cursors[b]
                if shift_ahead:
                    while t < len(seq) and seq[t] == SHIFT:
                        stacks[b].append(buffers[b].pop())
                        t += 1
                if t < len(seq):
                    if seq[t] == SHIFT:
                        stacks[b].append(buffers[b].pop())
                    else:
                        reducing.append(b)
                    t += 1
                cursors[b] = t
            if reducing:
                right = _gather([stacks[b].pop() for b in reducing])
                left = _gather([stacks[b].pop() for b in reducing])
                track = None
                if tracking is not None:
                    track = tracking if len(reducing) == batch else tracking[np.array(reducing)]
                with scope("Reduce"):
                    h, c = self.reduce(left, right, track)
                    parents = cat([h, c], 1)
                for row, b in enumerate(reducing):
                    stacks[b].append((parents, row))
            if all(t == len(seq) for t, seq in zip(cursors, steps)):
                return _gather([stack[-1] for stack in stacks])[0]

    def _word_buffers(self, embeddings: list[Tensor], steps: list[list[str]], shift_ahead: bool) -> list[list]:
        """Each example's buffer, next word last, as (block, row) entries into [h | c] blocks.

        All words are projected in one matrix product, in the order of the round in which they
        are shifted, and that matrix is cut into one block per round. Rounds then gather their
        children from small blocks: gathering rows of one big block would give each round's
        backward a gradient the size of the whole batch's words to build and add up.
        """
        rounds = []  # (round, example, position) of every word, in example order
        for b, seq in enumerate(steps):
            round_now = position = 0
            for transition in seq:
                if transition == SHIFT:
                    rounds.append((round_now, b, position))
                    position += 1
                if transition == REDUCE or not shift_ahead:
                    round_now += 1  # a round ends at each REDUCE (shift ahead), else at each step
        order = sorted(range(len(rounds)), key=rounds.__getitem__)
        words = self.project(cat(embeddings)[np.array(order)])  # (all words, 2H), by round
        sizes: dict[int, int] = {}
        where: dict[tuple[int, int], tuple[int, int]] = {}  # (example, position) -> (round, row)
        for i in order:
            r, b, position = rounds[i]
            where[(b, position)] = (r, sizes.get(r, 0))
            sizes[r] = sizes.get(r, 0) + 1
        if len(sizes) == 1:
            blocks = {r: words for r in sizes}
        else:
            blocks = dict(zip(sizes, SplitRows.apply(words, list(sizes.values()))))
        buffers = []
        for b, example_words in enumerate(embeddings):
            entries = []
            for position in reversed(range(example_words.shape[0])):
                r, row = where[(b, position)]
                entries.append((blocks[r], row))
            buffers.append(entries)
        return buffers

    # ---- checks -----------------------------------------------------------------------------
    def _checked_transitions(self, embeddings, transitions) -> list[list[str]]:
        if isinstance(embeddings, Tensor) or not isinstance(embeddings, (list, tuple)):
            raise TypeError(
                "SPINN: embeddings must be a list with one (n_words, embed_size) Tensor per example, "
                f"got {type(embeddings).__name__}"
            )
        if isinstance(transitions, str) or len(transitions) != len(embeddings):
            count = "a string" if isinstance(transitions, str) else f"{len(transitions)} sequences"
            raise ValueError(
                f"SPINN: {len(embeddings)} examples of embeddings but {count} of transitions; "
                f"give one transition sequence per example"
            )
        if not embeddings:
            raise ValueError("SPINN: the batch is empty (no examples)")
        steps = []
        for b, (words, seq) in enumerate(zip(embeddings, transitions)):
            if words.__class__ is not Tensor or words.ndim != 2 or words.shape[1] != self.embed_size:
                got = words.shape if isinstance(words, Tensor) else type(words).__name__
                raise ValueError(
                    f"SPINN: example {b}: embeddings must be a Tensor of shape (n_words, "
                    f"{self.embed_size}), got {got}"
                )
            try:
                seq = normalize_transitions(seq)
                validate_transitions(words.shape[0], seq)
            except ValueError as error:
                raise ValueError(f"SPINN: example {b} ({words.shape[0]} words): {error}") from None
            steps.append(seq)
        return steps

    def extra_repr(self) -> str:
        tracker = f", tracker_size={self.tracker_size}" if self.tracker_size is not None else ""
        return f"embed_size={self.embed_size}, hidden_size={self.hidden_size}{tracker}"


class SplitRows(Op):
    """x (N, D) -> its consecutive row blocks of the given sizes, as the outputs of one node.

    Backward joins the blocks' gradients with one concatenate; taking the blocks with k slices
    instead would make k nodes whose backwards each build an (N, D) array, to be added up.
    """

    @staticmethod
    def forward(ctx, x, sizes):
        bounds = np.cumsum([0] + list(sizes)).tolist()
        return tuple(x.data[start:stop] for start, stop in zip(bounds, bounds[1:]))

    @staticmethod
    def backward(ctx, *grads):
        return ctx.xp.concatenate(list(grads)), None


class GatherRows(Op):
    """Rows of several [h | c] blocks, stacked in a given order and split into (h, c), as one node.

    `plan` is (rows, order, H): `rows[k]` are the rows taken from block k, the taken rows are
    stacked block after block, and `order` (or None) reorders the stack. Backward sends each
    gradient row back where it came from: undo the order, cut per block, scatter into zeros
    (adding where a row was taken twice).
    """

    @staticmethod
    def forward(ctx, plan, *blocks):
        rows, order, H = plan
        ctx.plan = plan
        ctx.block_shapes = [b.data.shape for b in blocks]
        stacked = np.concatenate([b.data[r] for b, r in zip(blocks, rows)])
        if order is not None:
            stacked = stacked[order]
        return stacked[:, :H], stacked[:, H:]

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        rows, order, _ = ctx.plan
        xp = ctx.xp
        grad = xp.concatenate([grad_h, grad_c], axis=1)
        if order is not None:
            grad = grad[np.argsort(order)]
        grads: list = [None]
        start = 0
        for r, shape, need in zip(rows, ctx.block_shapes, ctx.needs_input_grad[1:]):
            stop = start + len(r)
            grads.append(xp.index_add(grad[start:stop], r, shape) if need else None)
            start = stop
        return tuple(grads)


def _gather(entries: list[tuple[Tensor, int]]) -> State:
    """The (h, c) matrices of the nodes that the (block, row) entries point to, in order."""
    groups: dict[int, tuple[Tensor, list[int], list[int]]] = {}
    for position, (block, row) in enumerate(entries):
        group = groups.get(id(block))
        if group is None:
            group = groups[id(block)] = (block, [], [])
        group[1].append(row)
        group[2].append(position)
    blocks, rows, positions = [], [], []
    for block, block_rows, where in groups.values():
        blocks.append(block)
        rows.append(np.array(block_rows))
        positions.extend(where)
    # The stack holds the rows grouped by block; argsort of their positions puts each back.
    order = None if len(groups) == 1 else np.argsort(positions)
    return GatherRows.apply((rows, order, blocks[0].shape[1] // 2), *blocks)
