"""Shift-reduce transitions: a binary parse tree written as a sequence of stack operations.

Reading a sentence left to right, SHIFT moves the next word from the buffer onto the stack and
REDUCE pops the top two stack items and pushes their composition. A sentence of n words is a full
binary tree exactly when it takes n SHIFTs and n - 1 REDUCEs, no REDUCE ever finds fewer than two
items, and one item (the root) is left. The SPINN model consumes this vocabulary.
"""
from __future__ import annotations

from collections.abc import Iterable

SHIFT = "S"
REDUCE = "R"

_NORMAL = frozenset((SHIFT, REDUCE))
_SPELLINGS = {"s": SHIFT, "shift": SHIFT, "r": REDUCE, "reduce": REDUCE}


def normalize_transitions(seq: Iterable[str]) -> list[str]:
    """Map each transition spelled "S"/"R"/"shift"/"reduce" (any case) to `SHIFT` or `REDUCE`.

    >>> normalize_transitions(["s", "Shift", "REDUCE"])
    ['S', 'S', 'R']
    """
    if isinstance(seq, str):
        # "S S R" reads as three transitions; iterating the string would yield its characters.
        seq = seq.split()
    seq = list(seq)  # an iterator could be read only once
    try:
        if _NORMAL.issuperset(seq):  # already SHIFT/REDUCE: the common case, checked in C
            return seq
    except TypeError:  # an unhashable item: the loop below names it
        pass
    normalized = []
    for position, item in enumerate(seq):
        spelling = _SPELLINGS.get(item.lower()) if isinstance(item, str) else None
        if spelling is None:
            raise ValueError(
                f"normalize_transitions: item {position} is {item!r}; "
                f"expected 'S'/'R' or 'shift'/'reduce' (any case)"
            )
        normalized.append(spelling)
    return normalized


def validate_transitions(n_words: int, transitions: Iterable[str]) -> None:
    """Raise `ValueError` unless `transitions` build exactly one binary tree over `n_words` words.

    The message names the first step (counting from 0) that fails and why.

    >>> validate_transitions(3, "S S R S R".split())
    >>> validate_transitions(2, ["S", "R"])
    Traceback (most recent call last):
    ...
    ValueError: validate_transitions: step 1 (REDUCE) needs two items on the stack, found 1
    """
    if n_words < 1:
        raise ValueError(f"validate_transitions: a sentence needs at least one word, got n_words={n_words}")
    steps = normalize_transitions(transitions)
    stack_size = 0
    shifted = 0
    for step, transition in enumerate(steps):
        if transition == SHIFT:
            if shifted == n_words:
                raise ValueError(
                    f"validate_transitions: step {step} (SHIFT) finds the buffer empty: "
                    f"all {n_words} words are already shifted"
                )
            shifted += 1
            stack_size += 1
        else:
            if stack_size < 2:
                raise ValueError(
                    f"validate_transitions: step {step} (REDUCE) needs two items on the stack, "
                    f"found {stack_size}"
                )
            stack_size -= 1
    reduced = len(steps) - shifted
    if shifted != n_words:
        raise ValueError(
            f"validate_transitions: after the last step only {shifted} of {n_words} words are shifted "
            f"({n_words} words need {n_words} SHIFTs)"
        )
    if stack_size != 1:
        raise ValueError(
            f"validate_transitions: after the last step {stack_size} items are left on the stack, "
            f"not 1 ({n_words} words need {n_words - 1} REDUCEs, got {reduced})"
        )


def parse_binary_tree(text: str, validate: bool = True) -> tuple[list[str], list[str]]:
    """Turn a bracketed binary parse into its words and transitions.

    "(" is dropped, a word is a SHIFT, ")" is a REDUCE. With `validate=True` the brackets must
    balance and the transitions must form one binary tree (see `validate_transitions`).

    >>> tokens, transitions = parse_binary_tree("( ( The church ) ( has cracks ) )")
    >>> tokens, " ".join(transitions)
    (['The', 'church', 'has', 'cracks'], 'S S R S S R R')
    """
    tokens: list[str] = []
    transitions: list[str] = []
    n_open = 0
    for piece in text.split():
        if piece == "(":
            n_open += 1
        elif piece == ")":
            transitions.append(REDUCE)
        else:
            tokens.append(piece)
            transitions.append(SHIFT)
    if validate:
        n_close = len(transitions) - len(tokens)
        if n_open != n_close:
            raise ValueError(
                f"parse_binary_tree: {n_open} '(' but {n_close} ')' in {text!r}"
            )
        try:
            validate_transitions(len(tokens), transitions)
        except ValueError as error:
            raise ValueError(f"parse_binary_tree: {text!r} is not a binary tree: {error}") from None
    return tokens, transitions
