"""Tests for the SNLI jsonl reader, the bundled sample and Vocabulary."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from tinygrad_edu.data import SNLI_LABELS, Vocabulary, read_snli, snli_sample_path, validate_transitions
from tinygrad_edu.data._make_snli_sample import sample_lines

CHURCH = "( ( The church ) ( ( has ( cracks ( in ( the ceiling ) ) ) ) . ) )"


def snli_line(gold: str, parse1: str, parse2: str) -> str:
    return json.dumps(
        {
            "annotator_labels": [gold],
            "captionID": "x#0",
            "gold_label": gold,
            "pairID": "x#0r1",
            "sentence1": "unused",
            "sentence1_binary_parse": parse1,
            "sentence1_parse": "(ROOT (S ...))",
            "sentence2": "unused",
            "sentence2_binary_parse": parse2,
            "sentence2_parse": "(ROOT (S ...))",
        }
    )


@pytest.fixture
def small_snli(tmp_path):
    path = tmp_path / "snli_small.jsonl"
    path.write_text(
        "\n".join(
            [
                snli_line("contradiction", CHURCH, "( ( The church ) ( ( is new ) . ) )"),
                snli_line("-", CHURCH, "( Nobody ( ( sings here ) . ) )"),
                "",
                snli_line("entailment", "( ( A dog ) ( runs . ) )", "( ( A dog ) ( ( is running ) . ) )"),
            ]
        )
        + "\n"
    )
    return path


def test_read_snli_skips_no_consensus_and_parses(small_snli):
    examples = read_snli(small_snli)
    assert [SNLI_LABELS[e.label] for e in examples] == ["contradiction", "entailment"]
    church = examples[0]
    assert church.premise_tokens == ["the", "church", "has", "cracks", "in", "the", "ceiling", "."]
    assert " ".join(church.premise_transitions) == "S S R S S S S S R R R R S R R"
    assert church.hypothesis_tokens == ["the", "church", "is", "new", "."]
    assert examples[1].label == SNLI_LABELS.index("entailment") == 0


def test_read_snli_case_and_limit(small_snli):
    cased = read_snli(small_snli, lowercase=False)
    assert cased[0].premise_tokens[0] == "The"
    assert len(read_snli(small_snli, limit=1)) == 1
    assert read_snli(small_snli, limit=0) == []


def test_read_snli_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good, bad = snli_line("entailment", CHURCH, CHURCH), snli_line("maybe", CHURCH, CHURCH)
    path.write_text(good + "\n" + bad + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:2 has gold_label 'maybe'"):
        read_snli(path)
    path.write_text("{not json\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1 is not valid JSON"):
        read_snli(path)
    path.write_text(snli_line("neutral", "( a b c )", CHURCH) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1.*not a binary tree"):
        read_snli(path)
    path.write_text(json.dumps({"gold_label": "neutral"}) + "\n")
    with pytest.raises(ValueError, match="sentence1_binary_parse"):
        read_snli(path)


def test_bundled_sample_is_balanced_and_valid():
    path = snli_sample_path()
    assert path.is_file()
    examples = read_snli(path)
    assert len(examples) == 60
    assert Counter(e.label for e in examples) == {0: 20, 1: 20, 2: 20}
    for example in examples:
        validate_transitions(len(example.premise_tokens), example.premise_transitions)
        validate_transitions(len(example.hypothesis_tokens), example.hypothesis_transitions)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert sum(r["gold_label"] == "-" for r in records) == 3
    for record in records:
        # The plain sentence and the parse hold the same words.
        words = record["sentence1_binary_parse"].replace("(", "").replace(")", "").split()
        assert " ".join(words[:-1]) + "." == record["sentence1"]


def test_bundled_sample_matches_its_generator():
    assert snli_sample_path().read_text(encoding="utf-8").splitlines() == sample_lines()


def test_bundled_sample_has_a_learnable_signal():
    # Entailed hypotheses reuse more of the premise's words than contradictions do, on average.
    examples = read_snli(snli_sample_path())

    def overlap(example):
        shared = set(example.hypothesis_tokens) & set(example.premise_tokens)
        return len(shared) / len(example.hypothesis_tokens)

    mean_overlap = {
        label: np.mean([overlap(e) for e in examples if e.label == label]) for label in range(3)
    }
    assert mean_overlap[0] > mean_overlap[2]
    negations = {"not", "nobody"}
    assert any(negations & set(e.hypothesis_tokens) for e in examples if e.label == 2)
    assert not any(negations & set(e.hypothesis_tokens) for e in examples if e.label != 2)


def test_vocabulary_build_order_and_unknowns():
    vocab = Vocabulary.build([["a", "dog", "runs"], ["a", "cat", "runs"], ["a", "dog"]])
    assert vocab.tokens == ["<pad>", "<unk>", "a", "dog", "runs", "cat"]
    assert len(vocab) == 6
    assert vocab.index("dog") == 3
    assert vocab.index("zebra") == vocab.index("<unk>") == 1
    encoded = vocab.encode(["a", "zebra", "cat"])
    assert encoded.dtype == np.int64 and encoded.tolist() == [2, 1, 5]
    assert vocab.decode(encoded) == ["a", "<unk>", "cat"]
    assert "cat" in vocab and "zebra" not in vocab


def test_vocabulary_min_count_and_specials():
    vocab = Vocabulary.build([["a", "b", "a"], ["a", "c", "b"]], min_count=2)
    assert vocab.tokens == ["<pad>", "<unk>", "a", "b"]
    assert vocab.index("c") == 1
    no_unknown = Vocabulary.build([["a"]], specials=("<pad>",))
    assert no_unknown.tokens == ["<pad>", "a"]
    with pytest.raises(KeyError, match="'b'"):
        no_unknown.index("b")
    with pytest.raises(ValueError, match="twice"):
        Vocabulary(["a", "a", "<unk>"])
    with pytest.raises(ValueError, match="min_count"):
        Vocabulary.build([["a"]], min_count=0)


def test_vocabulary_over_the_sample():
    examples = read_snli(snli_sample_path())
    vocab = Vocabulary.build(e.premise_tokens + e.hypothesis_tokens for e in examples)
    for example in examples:
        encoded = vocab.encode(example.premise_tokens)
        assert (encoded >= 2).all()  # every word was seen, so none maps to <pad> or <unk>
        assert vocab.decode(encoded) == example.premise_tokens
