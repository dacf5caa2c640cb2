"""SNLI (Stanford Natural Language Inference) pairs in the corpus's jsonl format.

Each line is a JSON object; the reader uses `gold_label` and the binary parses
`sentence1_binary_parse` (premise) and `sentence2_binary_parse` (hypothesis), which give both the
words and the shift-reduce transitions. Pairs whose annotators did not agree have gold label "-"
and are skipped, as in the usual SNLI setup.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from tinygrad_edu.data.transitions import parse_binary_tree
from tinygrad_edu.data.vocabulary import Vocabulary

SNLI_LABELS = ("entailment", "neutral", "contradiction")
_NO_CONSENSUS = "-"

__all__ = ["SNLI_LABELS", "SNLIExample", "Vocabulary", "read_snli", "snli_sample_path"]


@dataclass
class SNLIExample:
    """A premise and hypothesis, each as tokens and transitions, with a label index into `SNLI_LABELS`."""

    premise_tokens: list[str]
    premise_transitions: list[str]
    hypothesis_tokens: list[str]
    hypothesis_transitions: list[str]
    label: int


def read_snli(path: str | os.PathLike, limit: int | None = None, lowercase: bool = True) -> list[SNLIExample]:
    """Read up to `limit` labelled pairs from an SNLI jsonl file.

    `lowercase=True` lowercases every token (the transitions do not change).

    >>> examples = read_snli(snli_sample_path(), limit=2)
    >>> SNLI_LABELS[examples[0].label] in SNLI_LABELS
    True
    """
    path = Path(path)
    examples: list[SNLIExample] = []
    if limit is not None and limit <= 0:
        return examples
    with open(path, encoding="utf-8") as file:
        for line_number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            where = f"{path}:{line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"read_snli: {where} is not valid JSON ({error})") from None
            try:
                gold = record["gold_label"]
                premise_parse = record["sentence1_binary_parse"]
                hypothesis_parse = record["sentence2_binary_parse"]
            except KeyError as error:
                raise ValueError(f"read_snli: {where} has no {error.args[0]!r} field") from None
            if gold == _NO_CONSENSUS:
                continue
            if gold not in SNLI_LABELS:
                raise ValueError(
                    f"read_snli: {where} has gold_label {gold!r}, expected one of {SNLI_LABELS} or '-'"
                )
            try:
                premise_tokens, premise_transitions = parse_binary_tree(premise_parse)
                hypothesis_tokens, hypothesis_transitions = parse_binary_tree(hypothesis_parse)
            except ValueError as error:
                raise ValueError(f"read_snli: {where}: {error}") from None
            if lowercase:
                premise_tokens = [token.lower() for token in premise_tokens]
                hypothesis_tokens = [token.lower() for token in hypothesis_tokens]
            examples.append(
                SNLIExample(
                    premise_tokens=premise_tokens,
                    premise_transitions=premise_transitions,
                    hypothesis_tokens=hypothesis_tokens,
                    hypothesis_transitions=hypothesis_transitions,
                    label=SNLI_LABELS.index(gold),
                )
            )
            if limit is not None and len(examples) >= limit:
                break
    return examples


def snli_sample_path() -> Path:
    """Path of the bundled sample: made-up pairs in SNLI's format, a few dozen, for smoke tests.

    The sentences are written for this project (see `_make_snli_sample.py`), not taken from SNLI.
    """
    return Path(__file__).parent / "snli_sample.jsonl"
