"""Tests for the ListOps generator, evaluator, parser and TSV files."""
from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from tinygrad_edu.data import (
    LISTOPS_TOKEN_INDEX,
    LISTOPS_VOCAB,
    ListOpsExample,
    encode_listops,
    evaluate,
    generate_listops,
    generate_listops_paper,
    parse_binary_tree,
    parse_listops,
    read_listops_tsv,
    validate_transitions,
    write_listops_tsv,
)


def reference_value(tokens: list[str]) -> int:
    """An evaluator written separately from the library's, by recursive descent on the tokens."""
    operations = {
        "MIN": min,
        "MAX": max,
        "SM": lambda values: sum(values) % 10,
        "MED": lambda values: math.floor(statistics.median(values)),
    }

    def value_at(position: int) -> tuple[int, int]:
        token = tokens[position]
        if token.isdigit():
            return int(token), position + 1
        assert token.startswith("[")
        values = []
        position += 1
        while tokens[position] != "]":
            value, position = value_at(position)
            values.append(value)
        return operations[token[1:]](values), position + 1

    value, end = value_at(0)
    assert end == len(tokens)
    return value


def nesting_depth(tokens: list[str]) -> int:
    depth = deepest = 0
    for token in tokens:
        if token.startswith("["):
            depth += 1
            deepest = max(deepest, depth)
        elif token == "]":
            depth -= 1
    return deepest


def list_sizes(tokens: list[str]) -> list[int]:
    """The number of arguments of every list in the expression."""
    sizes, open_counts = [], []
    for token in tokens:
        if token == "]":
            sizes.append(open_counts.pop())
            continue
        if open_counts:
            open_counts[-1] += 1
        if token.startswith("["):
            open_counts.append(0)
    return sizes


@pytest.mark.parametrize(
    "text, value",
    [
        ("[MAX 2 9 [MIN 4 7 ] 0 ]", 9),
        ("[MED 3 1 8 2 ]", 2),
        ("[SM 5 7 ]", 2),
        ("[MIN 4 7 ]", 4),
        ("[MED 5 1 9 ]", 5),
        ("[MED 4 7 ]", 5),
        ("[SM [MAX 9 9 ] [MED 8 9 ] 3 ]", 0),
        ("[MIN [SM 6 6 ] [MAX 1 3 ] ]", 2),
    ],
)
def test_known_values(text, value):
    assert evaluate(text) == value
    example = parse_listops(text)
    assert example.label == value == reference_value(example.tokens)
    assert example.text == text


def test_single_token_structure_and_left_branching_transitions():
    example = parse_listops("[SM 5 7 ]")
    assert example.tokens == ["[SM", "5", "7", "]"]
    # (([SM 5) 7) ]): shift, shift, reduce, shift, reduce, shift, reduce.
    assert example.transitions == ["S", "S", "R", "S", "R", "S", "R"]
    nested = parse_listops("[MAX 2 [MIN 4 7 ] ]")
    assert nested.tokens == ["[MAX", "2", "[MIN", "4", "7", "]", "]"]
    assert " ".join(nested.transitions) == "S S R S S R S R S R R S R"


def test_published_parentheses_give_the_same_example():
    published = "( ( ( ( ( [MAX 2 ) 9 ) ( ( ( [MIN 4 ) 7 ) ] ) ) 0 ) ] )"
    plain = "[MAX 2 9 [MIN 4 7 ] 0 ]"
    assert parse_listops(published) == parse_listops(plain)
    assert evaluate("( ( ( [MAX 2 ) 9 ) ] )") == 9
    # The published parentheses are exactly the left-branching tree of the transitions.
    tokens, transitions = parse_binary_tree(published)
    assert tokens == parse_listops(plain).tokens
    assert transitions == parse_listops(plain).transitions


def test_generation_is_deterministic_per_seed():
    first = generate_listops(50, seed=7)
    assert first == generate_listops(50, seed=7)
    assert [e.text for e in first] != [e.text for e in generate_listops(50, seed=8)]
    assert all(isinstance(e, ListOpsExample) for e in first)


def test_generated_examples_have_correct_labels_and_valid_transitions():
    examples = generate_listops(300, seed=0)
    for example in examples:
        assert example.label == reference_value(example.tokens)
        assert example.text == " ".join(example.tokens)
        validate_transitions(len(example.tokens), example.transitions)
        assert parse_listops(example.text) == example


@pytest.mark.parametrize("max_depth, max_args, max_length", [(1, 5, 100), (3, 3, 20), (5, 5, 12)])
def test_generation_respects_limits(max_depth, max_args, max_length):
    examples = generate_listops(200, max_depth=max_depth, max_args=max_args, max_length=max_length, seed=2)
    assert len(examples) == 200
    for example in examples:
        assert len(example.tokens) <= max_length
        assert nesting_depth(example.tokens) <= max_depth
        assert all(2 <= size <= max_args for size in list_sizes(example.tokens))


def test_generation_nests_and_min_args_is_configurable():
    deep = generate_listops(200, max_depth=4, seed=3, p_nest=0.5)
    assert max(nesting_depth(e.tokens) for e in deep) == 4
    flat = generate_listops(50, seed=3, p_nest=0.0, min_args=4, max_args=4)
    assert all(len(e.tokens) == 6 for e in flat)


def test_label_distribution_is_not_degenerate():
    labels = np.array([e.label for e in generate_listops(1000, seed=1)])
    counts = np.bincount(labels, minlength=10)
    assert (counts > 0).all()
    assert counts.max() < 0.25 * len(labels)


def test_generation_rejects_impossible_settings():
    with pytest.raises(ValueError, match="max_length"):
        generate_listops(1, max_length=3)
    with pytest.raises(ValueError, match="max_depth"):
        generate_listops(1, max_depth=0)
    with pytest.raises(ValueError, match="min_args"):
        generate_listops(1, min_args=4, max_args=3)


@pytest.mark.parametrize("parentheses", [True, False])
def test_tsv_round_trip(tmp_path, parentheses):
    examples = generate_listops(40, seed=4)
    path = tmp_path / "listops.tsv"
    write_listops_tsv(path, examples, parentheses=parentheses)
    lines = path.read_text().splitlines()
    assert len(lines) == 40
    label, text = lines[0].split("\t")
    assert int(label) == examples[0].label
    assert ("(" in text.split()) == parentheses
    assert read_listops_tsv(path) == examples


def test_tsv_reads_header_and_swapped_columns(tmp_path):
    path = tmp_path / "published.tsv"
    path.write_text(
        "Source\tTarget\n"
        "( ( ( ( ( [MAX 2 ) 9 ) ( ( ( [MIN 4 ) 7 ) ] ) ) 0 ) ] )\t9\n"
        "2\t( ( ( [SM 5 ) 7 ) ] )\n"
    )
    examples = read_listops_tsv(path)
    assert [e.label for e in examples] == [9, 2]
    assert examples[0].text == "[MAX 2 9 [MIN 4 7 ] 0 ]"


def test_tsv_errors_name_the_line(tmp_path):
    path = tmp_path / "wrong.tsv"
    path.write_text("2\t[SM 5 7 ]\n3\t[SM 5 7 ]\n")
    with pytest.raises(ValueError, match=r"wrong.tsv:2 is labelled 3 but the expression evaluates to 2"):
        read_listops_tsv(path)
    path.write_text("2\t[SM 5 7 ]\nnot a line\n")
    with pytest.raises(ValueError, match=r"wrong.tsv:2"):
        read_listops_tsv(path)


@pytest.mark.parametrize(
    "text, words",
    [
        ("[SM 5 7", "never closed"),
        ("[SM 5 7 ] ]", "after the outer list"),
        ("[SUM 5 7 ]", "'[SUM' is not in the ListOps vocabulary"),
        ("5 6", "outside any list"),
        ("[MAX ]", "no arguments"),
        ("", "empty"),
    ],
)
def test_parse_errors(text, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[")):
        parse_listops(text)


def test_vocabulary():
    assert len(LISTOPS_VOCAB) == 15
    assert set(LISTOPS_VOCAB) == {str(d) for d in range(10)} | {"[MIN", "[MAX", "[MED", "[SM", "]"}
    assert all(LISTOPS_VOCAB[i] == t for t, i in LISTOPS_TOKEN_INDEX.items())
    example = parse_listops("[SM 5 7 ]")
    encoded = encode_listops(example.tokens)
    assert encoded.dtype == np.int64
    assert [LISTOPS_VOCAB[i] for i in encoded] == example.tokens
    assert all(t in LISTOPS_TOKEN_INDEX for e in generate_listops(100, seed=5) for t in e.tokens)
    with pytest.raises(ValueError, match="'x'"):
        encode_listops(["x"])


# ---- the published format: bare digits, deep nesting, very long lines -------------------------------


def nested_text(depth: int) -> str:
    """`[MAX 1 [MAX 1 ... [MAX 1 2 ] ... ] ]` with `depth` lists, in the published parentheses."""
    inner = parse_listops("[MAX 1 2 ]")
    text = inner.text
    for _ in range(depth - 1):
        text = f"[MAX 1 {text} ]"
    return text


def long_text(n_tokens: int) -> tuple[str, int]:
    """A flat-ish expression of exactly `n_tokens` tokens: SM lists of 5 digits inside one MAX."""
    rng = np.random.default_rng(0)
    parts, count = [], 2        # "[MAX" and the final "]"
    while count + 7 <= n_tokens - 1:
        parts.append("[SM " + " ".join(str(d) for d in rng.integers(0, 10, 5)) + " ]")
        count += 7
    parts += [str(d) for d in rng.integers(0, 10, n_tokens - count)]
    text = "[MAX " + " ".join(parts) + " ]"
    return text, reference_value(text.split())


def test_reads_the_published_format_with_bare_digits_deep_nesting_and_long_lines(tmp_path):
    deep = nested_text(19)
    long, long_label = long_text(900)
    path = tmp_path / "basic_test.tsv"
    write_listops_tsv(path, [parse_listops(deep)])            # the published parentheses
    published_deep = path.read_text().strip()
    lines = [
        "0\t( ( ( ( ( [SM 6 ) 5 ) 9 ) 0 ) ] )",
        "9\t9",                                                # a bare digit, kept as a one-token example
        published_deep,
        f"{long_label}\t{long}",
        "3\t3",
    ]
    path.write_text("\n".join(lines) + "\n")
    examples = read_listops_tsv(path)
    assert len(examples) == 5
    assert [e.label for e in examples] == [0, 9, 2, long_label, 3]
    digit = examples[1]
    assert digit.tokens == ["9"] and digit.transitions == ["S"] and digit.depth == 0 and digit.operator == "digit"
    assert examples[2].depth == 19 and examples[2].operator == "MAX"
    assert len(examples[3].tokens) == 900
    validate_transitions(900, examples[3].transitions)
    assert examples[3].label == reference_value(examples[3].tokens)


def test_every_reader_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.tsv"
    good = "2\t[SM 5 7 ]"
    for bad, words in [
        ("2\t[SM 5 7", "never closed"),
        ("2\t[SUM 5 7 ]", "not in the ListOps vocabulary"),
        ("2\t5 7", "outside any list"),
        ("4\t9", "labelled 4 but the expression evaluates to 9"),
        ("x\ty", "not 'label<TAB>expression'"),
        ("2\t[SM 5 7 ]\textra", "not 'label<TAB>expression'"),
    ]:
        path.write_text(f"{good}\n{good}\n{bad}\n")
        with pytest.raises(ValueError, match=r"broken.tsv:3\b") as info:
            read_listops_tsv(path)
        assert words in str(info.value), (bad, str(info.value))


def test_reader_error_on_a_long_line_is_short(tmp_path):
    long, _ = long_text(900)
    path = tmp_path / "long.tsv"
    path.write_text(f"1\t{long} ]\n")
    with pytest.raises(ValueError, match=r"long.tsv:1") as info:
        read_listops_tsv(path)
    assert len(str(info.value)) < 400


def test_bare_digit_expression():
    example = parse_listops("7")
    assert (example.tokens, example.transitions, example.label) == (["7"], ["S"], 7)
    assert evaluate("( 7 )") == 7


def test_paper_preset_matches_the_published_statistics():
    # A small pool keeps this fast; repeats are removed as in the paper, the test set is fixed by the seed.
    train, test = generate_listops_paper(n_train=3000, n_test=1000, seed=0, pool_size=4000)
    assert len(train) == 3000 and len(test) == 1000
    texts = [e.text for e in train + test]
    assert len(set(texts)) == len(texts)                    # all distinct, train and test disjoint
    lengths = np.array([len(e.tokens) for e in train + test])
    depths = np.array([e.depth for e in train + test])
    # With the full pool of 100,000 the median is 16 and the mean 43 (docs/tree-models.md); a pool
    # of 4,000 removes fewer repeats of short lists, so its median is a little lower.
    assert 9 <= np.median(lengths) <= 20 and 30 <= lengths.mean() <= 55
    assert 0.15 <= (depths > 5).mean() <= 0.34
    assert depths.max() <= 19
    assert {e.operator for e in test} == {"MIN", "MAX", "MED", "SM"}
    for example in test[:200]:
        assert example.label == reference_value(example.tokens)
        assert all(2 <= size <= 5 for size in list_sizes(example.tokens))
    # The test set depends on the seed and its size only, not on how much training data is asked for.
    more_train, same_test = generate_listops_paper(n_train=3500, n_test=1000, seed=0, pool_size=4000)
    assert [e.text for e in same_test] == [e.text for e in test]
    assert len(more_train) == 3500 and not {e.text for e in more_train} & {e.text for e in test}


# ---- the listops command: saving, scoring a file, never dropping test lines -------------------------


def _tiny_run(extra: list[str]) -> None:
    from tinygrad_edu.examples import listops

    listops.main(["--n-train", "40", "--n-test", "12", "--epochs", "1", "--hidden", "6", "--depth", "2",
                  "--max-length", "20", "--batch-size", "16", "--warmup-steps", "1", "--no-progress", *extra])


def test_save_then_eval_scores_every_line_of_a_file(tmp_path, capsys):
    from tinygrad_edu.examples import listops

    model_path = tmp_path / "model.npz"
    _tiny_run(["--save", str(model_path)])
    trained = capsys.readouterr().out
    assert f"saved the model to {model_path}" in trained and model_path.exists()
    long, long_label = long_text(600)
    examples = [parse_listops("[SM 5 7 ]"), parse_listops("9"), parse_listops(nested_text(8)),
                parse_listops(long)]
    path = tmp_path / "official_test.tsv"
    write_listops_tsv(path, examples)
    listops.main(["--eval", str(path), "--load", str(model_path), "--no-progress"])
    out = capsys.readouterr().out
    assert "on all 4 expressions" in out
    assert "<= 50 " in out and "(n=2)" in out and "> 500 " in out          # buckets with counts
    assert "digit " in out and "SM " in out and "MAX " in out             # outer operators
    assert "accuracy by depth:" in out and "6-10 " in out
    accuracy = float(out.strip().splitlines()[-1].split(": ")[1])
    # The same model loaded by hand predicts the same values.
    model = listops.load_model(model_path)
    predicted = listops.predict(model, examples)
    assert accuracy == pytest.approx(np.mean(predicted == [e.label for e in examples]))
    with pytest.raises(SystemExit):
        listops.main(["--eval", str(path)])                                 # --eval needs --load


def test_max_length_never_drops_test_expressions(tmp_path, capsys):
    from tinygrad_edu.examples import listops

    long, label = long_text(120)
    train = generate_listops(30, max_depth=2, seed=1) + [parse_listops(long)]
    test = generate_listops(9, max_depth=2, seed=2) + [parse_listops(long)]
    write_listops_tsv(tmp_path / "basic_train.tsv", train)
    write_listops_tsv(tmp_path / "basic_test.tsv", test)
    listops.main(["--data", str(tmp_path), "--max-length", "100", "--epochs", "1", "--hidden", "4",
                  "--batch-size", "8", "--warmup-steps", "1", "--no-progress"])
    out = capsys.readouterr().out
    assert "training on 30 of 31 expressions" in out and "the test set is always scored whole" in out
    assert "30 training and 10 test expressions" in out
    assert "51-200 " in out and "(n=1)" in out                               # the long test line was scored


def test_sublists_and_the_example_that_trains_on_them():
    """sublists() gives every inner list (innermost first) with its own value; listops.py's
    --sublists draws up to k of them per expression and leaves out those of the test set."""
    from tinygrad_edu.examples import listops

    from tinygrad_edu.data import parse_listops, sublists

    example = parse_listops("[MAX 2 [MIN 4 [SM 1 2 ] ] [MED 7 5 9 ] ]")
    inner = sublists(example)
    assert [e.text for e in inner] == ["[SM 1 2 ]", "[MIN 4 [SM 1 2 ] ]", "[MED 7 5 9 ]"]
    assert [e.label for e in inner] == [3, 3, 7]
    drawn = listops.draw_inner_lists([example], 2, {"[MED 7 5 9 ]"}, np.random.default_rng(0))
    assert len(drawn) <= 2 and all(e.text in {"[SM 1 2 ]", "[MIN 4 [SM 1 2 ] ]"} for e in drawn)
    assert len(listops.draw_inner_lists([example], 5, set(), np.random.default_rng(0))) == 3
