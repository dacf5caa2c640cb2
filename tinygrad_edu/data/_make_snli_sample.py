"""Writes `snli_sample.jsonl`: made-up sentence pairs in SNLI's jsonl format.

Run `python -m tinygrad_edu.data._make_snli_sample` to regenerate the file; a test checks that the
file matches this script. The sentences are written for this project, not taken from SNLI.

Each sentence is a binary tree of nested pairs; a string of two words is a pair of leaves. Every
premise has one hypothesis per label so that the three classes are balanced, and the labels leave a
learnable signal: entailments repeat or generalise the premise, neutral hypotheses add a detail,
contradictions negate ("not", "nobody") or swap the action or state for an incompatible one.
The constituency parses (`sentence1_parse`, `sentence2_parse`) of the real corpus are left out:
the readers here use only the binary parses.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Union

from tinygrad_edu.data.transitions import parse_binary_tree

Tree = Union[str, tuple["Tree", "Tree"]]

# (premise, entailment, neutral, contradiction); each is (subject, predicate) before the final ".".
SCENES: list[tuple[Tree, Tree, Tree, Tree]] = [
    (
        ("A man", ("is", (("playing", "a guitar"), ("on", "the street")))),
        ("A man", ("is", ("playing", "a guitar"))),
        ("A man", ("is", (("playing", "a guitar"), "for money"))),
        ("A man", ("is", ("sleeping", ("in", "his bed")))),
    ),
    (
        ("Two children", ("are", ("running", ("across", ("a", "green field"))))),
        ("Children", ("are", "running outside")),
        ("Two children", ("are", ("running", ("to", "their mother")))),
        ("Two children", ("are", "sitting still")),
    ),
    (
        (("A woman", ("in", ("a", "red coat"))), ("is", ("reading", "a book"))),
        ("A woman", "is reading"),
        ("A woman", ("is", ("reading", ("a book", "about history")))),
        ("A woman", ("is", ("not", "reading anything"))),
    ),
    (
        ("A dog", ("is", (("catching", "a ball"), ("in", "the park")))),
        ("An animal", ("is", ("catching", "a ball"))),
        ("A dog", ("is", (("catching", "a ball"), ("for", "its owner")))),
        ("The dog", "is asleep"),
    ),
    (
        (("An", "old man"), ("is", ("fishing", ("from", ("a", "small boat"))))),
        ("A man", "is fishing"),
        (("An", "old man"), ("is", ("fishing", ("for", "his dinner")))),
        ("Nobody", "is fishing"),
    ),
    (
        ("A girl", ("is", (("eating", "an apple"), ("at", "the table")))),
        ("A girl", ("is", "eating fruit")),
        (("A", "hungry girl"), ("is", ("eating", "an apple"))),
        ("A girl", ("is", "not eating")),
    ),
    (
        ("Three workers", ("are", ("fixing", "the road"))),
        ("Workers", ("are", ("fixing", "a road"))),
        ("Three workers", ("are", (("fixing", "the road"), "at night"))),
        ("The workers", ("are", ("sleeping", "at home"))),
    ),
    (
        ("A chef", ("is", ("cutting vegetables", ("in", ("a", "busy kitchen"))))),
        ("A chef", ("is", "cutting vegetables")),
        ("A chef", ("is", ("cutting vegetables", ("for", "a soup")))),
        ("The kitchen", "is empty"),
    ),
    (
        ("A boy", ("is", (("riding", "a bike"), ("down", "the hill")))),
        ("A boy", ("is", ("riding", "a bike"))),
        ("A boy", ("is", ("riding", ("his", "new bike")))),
        ("A boy", ("is", ("walking", ("up", "the hill")))),
    ),
    (
        ("Two women", ("are", ("drinking coffee", ("in", "a cafe")))),
        ("Two women", ("are", "drinking something")),
        ("Two friends", ("are", ("drinking coffee", "after work"))),
        ("Two women", ("are", ("not", "drinking anything"))),
    ),
    (
        ("A musician", ("is", ("singing", ("on", ("a", "bright stage"))))),
        ("A musician", "is singing"),
        (("A", "famous musician"), ("is", ("singing", ("a", "sad song")))),
        ("The musician", "is silent"),
    ),
    (
        ("A family", ("is", ("eating dinner", "together"))),
        ("A family", "is eating"),
        ("A family", ("is", ("eating dinner", ("at", "a restaurant")))),
        ("Nobody", "is eating"),
    ),
    (
        (("A man", ("in", ("a", "blue shirt"))), ("is", ("painting", "a wall"))),
        ("A man", "is painting"),
        ("A man", ("is", ("painting", ("his", "own house")))),
        ("A man", ("is", ("not", "painting anything"))),
    ),
    (
        ("A child", ("is", (("building", ("a", "sand castle")), ("on", "the beach")))),
        ("A child", ("is", ("building", "a castle"))),
        ("A child", ("is", (("building", "a castle"), ("with", "her father")))),
        ("A child", ("is", ("crying", ("in", "a car")))),
    ),
    (
        ("A woman", ("is", (("walking", "her dog"), ("in", "the rain")))),
        ("A woman", ("is", ("outside", ("with", "a dog")))),
        ("A woman", ("is", (("walking", "her dog"), ("to", "the park")))),
        ("A woman", ("is", "sitting inside")),
    ),
    (
        ("Two players", ("are", (("kicking", "a ball"), ("on", "the grass")))),
        ("Players", ("are", ("kicking", "a ball"))),
        ("Two players", ("are", ("practicing", ("for", ("a", "big game"))))),
        ("Two players", ("are", "not moving")),
    ),
    (
        ("A baby", ("is", ("sleeping", ("in", "a crib")))),
        ("A baby", "is sleeping"),
        (("A", "tired baby"), ("is", ("sleeping", "after lunch"))),
        ("A baby", ("is", ("awake", "and crying"))),
    ),
    (
        ("A man", ("is", ("climbing", ("a", "tall rock")))),
        ("A man", "is climbing"),
        ("A man", ("is", (("climbing", "a rock"), ("with", "his friends")))),
        ("A man", ("is", ("sitting", ("on", "the ground")))),
    ),
    (
        ("A teacher", ("is", ("writing", ("on", "the board")))),
        ("Someone", "is writing"),
        ("A teacher", ("is", (("writing", "the answers"), ("on", "the board")))),
        ("A teacher", ("is", "not writing")),
    ),
    (
        (("A group", ("of", "people")), ("is", ("dancing", ("at", "a party")))),
        ("People", "are dancing"),
        ("People", ("are", ("dancing", ("at", ("a", "wedding party"))))),
        ("Nobody", "is dancing"),
    ),
]

# Pairs the imagined annotators disagreed on: gold label "-", which readers skip.
NO_CONSENSUS: list[tuple[int, Tree, list[str]]] = [
    (0, ("A man", "is performing"), ["entailment", "neutral", "neutral", "entailment", "contradiction"]),
    (10, ("A singer", "is outside"), ["neutral", "entailment", "contradiction", "neutral", "entailment"]),
    (16, ("The baby", "is dreaming"), ["neutral", "entailment", "entailment", "neutral", "contradiction"]),
]

LABELS = ("entailment", "neutral", "contradiction")


def _bracket(tree: Tree) -> str:
    if isinstance(tree, str):
        words = tree.split()
        if len(words) == 1:
            return words[0]
        if len(words) == 2:
            return f"( {words[0]} {words[1]} )"
        raise ValueError(f"a leaf string holds one or two words, got {tree!r}")
    if len(tree) != 2:
        raise ValueError(f"a node has exactly two children, got {tree!r}")
    return f"( {_bracket(tree[0])} {_bracket(tree[1])} )"


def _sentence(clause: Tree) -> tuple[str, str]:
    # SNLI's binary parses attach the final period to the predicate: ( subject ( predicate . ) ).
    subject, predicate = clause
    parse = _bracket((subject, (predicate, ".")))
    tokens, _ = parse_binary_tree(parse)
    return " ".join(tokens[:-1]) + ".", parse


def _record(scene: int, pair: str, gold: str, annotators: list[str], premise: Tree, hypothesis: Tree) -> str:
    sentence1, parse1 = _sentence(premise)
    sentence2, parse2 = _sentence(hypothesis)
    record = {
        "annotator_labels": annotators,
        "captionID": f"sample{scene}#0",
        "gold_label": gold,
        "pairID": f"sample{scene}#0r1{pair}",
        "sentence1": sentence1,
        "sentence1_binary_parse": parse1,
        "sentence2": sentence2,
        "sentence2_binary_parse": parse2,
    }
    return json.dumps(record)


def sample_lines() -> list[str]:
    """The lines of the sample file, in order."""
    lines = []
    for scene, (premise, *hypotheses) in enumerate(SCENES):
        for label, hypothesis in zip(LABELS, hypotheses):
            lines.append(_record(scene, label[0], label, [label], premise, hypothesis))
        for disputed_scene, hypothesis, annotators in NO_CONSENSUS:
            if disputed_scene == scene:
                lines.append(_record(scene, "x", "-", annotators, premise, hypothesis))
    return lines


def main() -> None:
    path = Path(__file__).parent / "snli_sample.jsonl"
    path.write_text("\n".join(sample_lines()) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
