"""ListOps (Nangia & Bowman, 2018): nested lists of operations on single digits.

A list is `[OP arg ... ]` with OP one of MIN, MAX, MED (floor of the median) and SM (sum mod 10);
each argument is a digit 0-9 or another list. The value is always a digit, so the task is
10-way classification, and solving it requires following the tree structure.

Text form: `[MAX 2 9 [MIN 4 7 ] 0 ]`, where `[MAX` and `]` are single tokens. The published
files also wrap every left-branching sub-tree in parentheses, `( ( ( [SM 5 ) 7 ) ] )`; those are
dropped on reading, since the transitions below encode the same tree. A bare digit such as `9`
is an expression too (the paper's generator makes a few, and its files keep them).

Tree for a shift-reduce encoder: each list is left-branching over its items. For the items
t1 t2 ... tk (t1 the `[OP` token, the arguments, tk the `]`) the transitions are
SHIFT t1, then for each later item its own transitions followed by one REDUCE.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import numpy as np

from tinygrad_edu.data.transitions import REDUCE, SHIFT

OPERATORS = ("MIN", "MAX", "MED", "SM")
CLOSE = "]"
DIGITS = tuple(str(d) for d in range(10))
OPEN_TOKENS = tuple("[" + op for op in OPERATORS)
LISTOPS_VOCAB: tuple[str, ...] = DIGITS + OPEN_TOKENS + (CLOSE,)
LISTOPS_TOKEN_INDEX: dict[str, int] = {token: index for index, token in enumerate(LISTOPS_VOCAB)}

# A list is (operator, arguments); an argument is a digit or another list. A tree is either.
ListNode = tuple[str, list[Union[int, "ListNode"]]]
Tree = Union[int, ListNode]

# The distribution of Nangia & Bowman (2018), read from their generator: every node of the
# expression is a list with probability 0.25 (else a digit), a list has 2-5 arguments, nodes at
# depth 20 (the root is depth 1) are always digits, so lists nest at most 19 deep, and the data
# set is a *set*: 100,000 distinct expressions, of which a random 10,000 are the test file.
# Here the root is always a list (a bare digit is a trivial example); the rest is the same.
PAPER_DISTRIBUTION: dict[str, float] = {"p_nest": 0.25, "min_args": 2, "max_args": 5, "max_depth": 19}
PAPER_POOL_SIZE = 100_000


@dataclass
class ListOpsExample:
    """One expression: its leaf tokens, shift-reduce transitions, value (0-9) and plain text."""

    tokens: list[str]
    transitions: list[str]
    label: int
    text: str

    @property
    def depth(self) -> int:
        """How deeply the lists nest: 0 for a bare digit, 1 for one flat list."""
        depth = deepest = 0
        for token in self.tokens:
            if token == CLOSE:
                depth -= 1
            elif token in OPEN_TOKENS:
                depth += 1
                deepest = max(deepest, depth)
        return deepest

    @property
    def operator(self) -> str:
        """The outer list's operator (`MIN`, `MAX`, `MED`, `SM`), or `digit` for a bare digit."""
        return self.tokens[0][1:] if self.tokens[0] in OPEN_TOKENS else "digit"


def _apply(operator: str, values: list[int]) -> int:
    if operator == "MIN":
        return min(values)
    if operator == "MAX":
        return max(values)
    if operator == "SM":
        return sum(values) % 10
    ordered = sorted(values)
    middle = len(ordered) // 2
    # MED: floor of the median; with an even count the median is the mean of the two middle values.
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def _value(tree: Tree) -> int:
    if isinstance(tree, int):
        return tree
    operator, arguments = tree
    return _apply(operator, [_value(arg) for arg in arguments])


def _tokens(tree: Tree) -> list[str]:
    if isinstance(tree, int):
        return [str(tree)]
    operator, arguments = tree
    tokens = ["[" + operator]
    for arg in arguments:
        tokens.extend(_tokens(arg))
    tokens.append(CLOSE)
    return tokens


def _transitions(tree: Tree) -> list[str]:
    if isinstance(tree, int):
        return [SHIFT]
    _, arguments = tree
    transitions = [SHIFT]  # the "[OP" token
    for arg in arguments:
        transitions.extend(_transitions(arg))
        transitions.append(REDUCE)
    transitions.extend([SHIFT, REDUCE])  # the closing "]"
    return transitions


def _published_text(tree: Tree) -> str:
    # Every REDUCE closes one parenthesis group, so the groups spell the left-branching tree.
    if isinstance(tree, int):
        return str(tree)
    operator, arguments = tree
    text = "[" + operator
    for arg in arguments:
        text = f"( {text} {_published_text(arg)} )"
    return f"( {text} {CLOSE} )"


def _example(tree: Tree) -> ListOpsExample:
    tokens = _tokens(tree)
    return ListOpsExample(
        tokens=tokens, transitions=_transitions(tree), label=_value(tree), text=" ".join(tokens)
    )


def _strip_parentheses(text: str) -> list[str]:
    return [token for token in text.split() if token not in ("(", ")")]


def _shorten(text: str, limit: int = 120) -> str:
    # Long expressions (the published test file has lines of 900+ tokens) would drown the message.
    return text if len(text) <= limit else f"{text[:limit // 2]} ... {text[-limit // 2:]}"


def _parse_tree(text: str) -> Tree:
    tokens = _strip_parentheses(text)
    if not tokens:
        raise ValueError("parse_listops: the expression is empty")
    if len(tokens) == 1 and tokens[0] in DIGITS:
        return int(tokens[0])  # a bare digit is the simplest expression
    open_lists: list[ListNode] = []
    root: ListNode | None = None
    for position, token in enumerate(tokens):
        if root is not None:
            raise ValueError(
                f"parse_listops: token {position} {token!r} comes after the outer list closed in {_shorten(text)!r}"
            )
        if token in OPEN_TOKENS:
            open_lists.append((token[1:], []))
        elif token == CLOSE:
            if not open_lists:
                raise ValueError(f"parse_listops: token {position} ']' closes no list in {_shorten(text)!r}")
            finished = open_lists.pop()
            if not finished[1]:
                raise ValueError(
                    f"parse_listops: token {position} ']' closes [{finished[0]} with no arguments"
                )
            if open_lists:
                open_lists[-1][1].append(finished)
            else:
                root = finished
        elif token in DIGITS:
            if not open_lists:
                raise ValueError(
                    f"parse_listops: token {position} {token!r} is outside any list in {_shorten(text)!r} "
                    f"(only a lone digit may stand outside a list)"
                )
            open_lists[-1][1].append(int(token))
        else:
            raise ValueError(
                f"parse_listops: token {position} {token!r} is not in the ListOps vocabulary {LISTOPS_VOCAB}"
            )
    if root is None:
        raise ValueError(f"parse_listops: {len(open_lists)} list(s) never closed in {_shorten(text)!r}")
    return root


def parse_listops(text: str) -> ListOpsExample:
    """Parse an expression (with or without the published parentheses) into an example.

    >>> example = parse_listops("[SM 5 7 ]")
    >>> example.label, " ".join(example.transitions)
    (2, 'S S R S R S R')
    """
    return _example(_parse_tree(text))


def sublists(example: ListOpsExample) -> list[ListOpsExample]:
    """Every list nested inside `example`, as an example of its own (innermost first).

    A way to supervise the value of every inner list, not only the outer one.

    >>> [e.text for e in sublists(parse_listops("[MAX 2 [MIN 4 [SM 1 2 ] ] ]"))]
    ['[SM 1 2 ]', '[MIN 4 [SM 1 2 ] ]']
    """
    found: list[ListOpsExample] = []
    opened: list[int] = []
    for position, token in enumerate(example.tokens):
        if token in OPEN_TOKENS:
            opened.append(position)
        elif token == CLOSE:
            first = opened.pop()
            if opened:  # not the outer list itself
                found.append(parse_listops(" ".join(example.tokens[first : position + 1])))
    return found


def evaluate(text: str) -> int:
    """The value of a ListOps expression.

    >>> evaluate("[MAX 2 9 [MIN 4 7 ] 0 ]")
    9
    """
    return _value(_parse_tree(text))


def _draw_tree(
    rng: np.random.Generator, depth: int, max_depth: int, min_args: int, max_args: int, p_nest: float
) -> Tree:
    operator = OPERATORS[rng.integers(len(OPERATORS))]
    arguments: list[int | Tree] = []
    for _ in range(rng.integers(min_args, max_args + 1)):
        if depth < max_depth and rng.random() < p_nest:
            arguments.append(_draw_tree(rng, depth + 1, max_depth, min_args, max_args, p_nest))
        else:
            arguments.append(int(rng.integers(10)))
    return operator, arguments


def generate_listops(
    n: int,
    max_depth: int = 5,
    max_args: int = 5,
    max_length: int = 100,
    seed: int = 0,
    p_nest: float = 0.25,
    min_args: int = 2,
) -> list[ListOpsExample]:
    """Draw `n` random expressions, the same ones for the same arguments.

    Each list has `min_args`..`max_args` arguments; each argument is a nested list with
    probability `p_nest` while the nesting depth is below `max_depth` (the outer list is depth 1),
    else a digit. Expressions longer than `max_length` tokens are drawn again.

    >>> [e.text for e in generate_listops(2, max_depth=2, seed=1)]   # doctest: +SKIP
    """
    if n < 0:
        raise ValueError(f"generate_listops: n must be >= 0, got {n}")
    if max_depth < 1:
        raise ValueError(f"generate_listops: max_depth must be >= 1, got {max_depth}")
    if not 1 <= min_args <= max_args:
        raise ValueError(f"generate_listops: need 1 <= min_args <= max_args, got {min_args} and {max_args}")
    if not 0.0 <= p_nest <= 1.0:
        raise ValueError(f"generate_listops: p_nest must be in [0, 1], got {p_nest}")
    # The shortest possible expression is one list of min_args digits plus its two brackets.
    if max_length < min_args + 2:
        raise ValueError(
            f"generate_listops: max_length={max_length} is below the shortest expression "
            f"({min_args + 2} tokens)"
        )
    rng = np.random.default_rng(seed)
    examples: list[ListOpsExample] = []
    while len(examples) < n:
        example = _example(_draw_tree(rng, 1, max_depth, min_args, max_args, p_nest))
        if len(example.tokens) <= max_length:
            examples.append(example)
    return examples


def generate_listops_paper(
    n_train: int = 90_000, n_test: int = 10_000, seed: int = 0, pool_size: int = PAPER_POOL_SIZE
) -> tuple[list[ListOpsExample], list[ListOpsExample]]:
    """Training and test expressions drawn as Nangia & Bowman (2018) drew theirs.

    Every argument is a nested list with probability 0.25, else a digit; lists have 2-5
    arguments and nest at most 19 deep (`PAPER_DISTRIBUTION`); there is no length limit. As in
    the paper, the data set is a set: `pool_size` distinct expressions (100,000 by default, the
    paper's 90,000 training + 10,000 test lines) are drawn and shuffled, and the first `n_test`
    are the test set, so the test set depends only on `seed` and `n_test`, and no test expression
    occurs in the training data. Removing repeats matters: short lists repeat often (there are
    only 400 lists of two digits), and the set of distinct expressions has median length 16 and
    mean about 43 tokens, and about 26% of its expressions nest deeper than 5, as the published
    test file. More than `pool_size - n_test` training expressions are drawn beyond the pool
    (still distinct from everything before).
    """
    if n_train < 0 or n_test < 0:
        raise ValueError(f"generate_listops_paper: n_train and n_test must be >= 0, got {n_train} and {n_test}")
    if n_test > pool_size:
        raise ValueError(f"generate_listops_paper: n_test={n_test} is more than the pool of {pool_size}")
    rng = np.random.default_rng(seed)
    settings = PAPER_DISTRIBUTION
    seen: set[str] = set()
    trees: list[Tree] = []

    def draw_distinct(count: int) -> None:
        while len(trees) < count:
            tree = _draw_tree(rng, 1, settings["max_depth"], settings["min_args"], settings["max_args"],
                              settings["p_nest"])
            text = " ".join(_tokens(tree))
            if text not in seen:
                seen.add(text)
                trees.append(tree)

    draw_distinct(pool_size)
    pool = [trees[i] for i in rng.permutation(pool_size)]
    test = [_example(tree) for tree in pool[:n_test]]
    train_trees = pool[n_test : n_test + n_train]
    if len(train_trees) < n_train:
        draw_distinct(pool_size + n_train - len(train_trees))
        train_trees += trees[pool_size:]
    return [_example(tree) for tree in train_trees], test


def _label_and_text(fields: list[str]) -> tuple[int, str] | None:
    # Nangia & Bowman's files are `label<TAB>text`; some re-releases swap the columns and add a
    # `Source<TAB>Target` header. Whichever field is a single digit is the label.
    if len(fields) != 2:
        return None
    first, second = (field.strip() for field in fields)
    if first in DIGITS:
        return int(first), second
    if second in DIGITS:
        return int(second), first
    return None


def read_listops_tsv(path: str | os.PathLike) -> list[ListOpsExample]:
    """Read a ListOps TSV file (`label<TAB>expression` per line, an optional header line).

    The expression may carry the published parentheses. The stored label must equal the value
    of the expression; a mismatch is reported with its line number.
    """
    path = Path(path)
    examples: list[ListOpsExample] = []
    with open(path, newline="") as file:
        for line_number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            parsed = _label_and_text(line.rstrip("\r\n").split("\t"))
            if parsed is None:
                if line_number == 1:
                    continue  # a header
                raise ValueError(
                    f"read_listops_tsv: {path}:{line_number} is not 'label<TAB>expression': {line!r}"
                )
            label, text = parsed
            try:
                example = parse_listops(text)
            except ValueError as error:
                raise ValueError(f"read_listops_tsv: {path}:{line_number}: {error}") from None
            if example.label != label:
                raise ValueError(
                    f"read_listops_tsv: {path}:{line_number} is labelled {label} "
                    f"but the expression evaluates to {example.label}"
                )
            examples.append(example)
    return examples


def write_listops_tsv(
    path: str | os.PathLike, examples: Iterable[ListOpsExample], parentheses: bool = True
) -> None:
    """Write examples as `label<TAB>expression` lines, the format of the published dataset.

    With `parentheses=True` the expression carries the published parentheses around each
    left-branching sub-tree, `( ( ( [SM 5 ) 7 ) ] )`; otherwise it is the plain `[SM 5 7 ]`.
    """
    with open(path, "w") as file:
        for example in examples:
            text = _published_text(_parse_tree(example.text)) if parentheses else example.text
            file.write(f"{example.label}\t{text}\n")


def encode_listops(tokens: Iterable[str]) -> np.ndarray:
    """Token indices into `LISTOPS_VOCAB` as int64."""
    try:
        return np.array([LISTOPS_TOKEN_INDEX[token] for token in tokens], dtype=np.int64)
    except KeyError as error:
        raise ValueError(f"encode_listops: {error.args[0]!r} is not in the ListOps vocabulary") from None
