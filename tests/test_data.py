"""Tests for tinygrad_edu.data: XOR, digits, MNIST files, batching and transitions."""
from __future__ import annotations

import gzip
import struct
import sys

import numpy as np
import pytest

from tinygrad_edu.data import (
    REDUCE,
    SHIFT,
    batches,
    load_digits,
    load_idx,
    load_mnist,
    load_mnist_csv,
    normalize_transitions,
    one_hot_targets,
    parse_binary_tree,
    rashid_scale,
    validate_transitions,
    xor,
)
from tinygrad_edu.random import manual_seed

CHURCH = "( ( The church ) ( ( has ( cracks ( in ( the ceiling ) ) ) ) . ) )"


# --- XOR -------------------------------------------------------------------------------------------


def test_xor_values_and_types():
    X, y = xor()
    assert X.dtype == np.float64 and X.shape == (4, 2)
    assert y.dtype == np.int64 and y.shape == (4,)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


# --- digits ----------------------------------------------------------------------------------------


def test_digits_split_sizes_range_and_partition():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits as sklearn_load_digits

    X_train, X_test, y_train, y_test = load_digits()
    assert len(X_train) + len(X_test) == 1797
    assert len(X_test) == round(0.2 * 1797) == 359
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() >= 0.0 and X_train.max() <= 1.0 and X_test.max() <= 1.0
    # Train and test together are a permutation of the whole set.
    full = sklearn_load_digits()
    together = np.concatenate([X_train, X_test]) * 16
    order_full = np.lexsort(np.c_[full.data, full.target].T)
    order_split = np.lexsort(np.c_[together, np.concatenate([y_train, y_test])].T)
    np.testing.assert_array_equal(together[order_split], full.data[order_full])


def test_digits_deterministic_per_seed_and_unscaled_option():
    pytest.importorskip("sklearn")
    first, again, other = load_digits(seed=3), load_digits(seed=3), load_digits(seed=4)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[2], other[2])
    X_train, _, _, _ = load_digits(seed=3, scale=False)
    np.testing.assert_array_equal(X_train / 16, first[0])
    assert X_train.max() == 16


def test_digits_test_fraction_validated():
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.5)


def test_digits_without_sklearn_names_the_examples_extra(monkeypatch):
    # A None entry in sys.modules makes `import sklearn...` raise ImportError.
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="scikit-learn") as info:
        load_digits()
    assert "examples" in str(info.value)


def test_rashid_scale_maps_to_001_to_1():
    scaled = rashid_scale(np.array([[0.0, 127.5, 255.0]]))
    np.testing.assert_allclose(scaled, [[0.01, 0.505, 1.0]])
    np.testing.assert_allclose(rashid_scale(np.array([0.0, 8.0]), max_value=16), [0.01, 0.505])
    with pytest.raises(ValueError, match="positive"):
        rashid_scale(np.zeros(3))


def test_one_hot_targets():
    targets = one_hot_targets(np.array([2, 0]), 3)
    np.testing.assert_array_equal(targets, [[0.01, 0.01, 0.99], [0.99, 0.01, 0.01]])
    np.testing.assert_array_equal(one_hot_targets(np.array([1]), 2, low=0, high=1), [[0, 1]])
    with pytest.raises(ValueError, match="0..2"):
        one_hot_targets(np.array([3]), 3)


# --- MNIST files -----------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray, code: int, big_endian_dtype: str) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian_dtype).tobytes()


def write_mnist_idx(directory, prefix: str, images: np.ndarray, labels: np.ndarray, gz: bool,
                    dot: bool = False) -> None:
    """The IDX pair as LeCun's files are named (`train-images-idx3-ubyte`), or with the common
    dotted spelling (`train-images.idx3-ubyte`) when `dot`."""
    sep = "." if dot else "-"
    for name, data in (
        (f"{prefix}-images{sep}idx3-ubyte", idx_bytes(images, 0x08, "u1")),
        (f"{prefix}-labels{sep}idx1-ubyte", idx_bytes(labels, 0x08, "u1")),
    ):
        if gz:
            (directory / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (directory / name).write_bytes(data)


@pytest.fixture
def tiny_mnist():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(3, 28, 28)).astype(np.uint8), np.array([7, 0, 4], dtype=np.uint8)


@pytest.mark.parametrize("dot", [False, True], ids=["idx3-ubyte", ".idx3-ubyte"])
@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("kind, prefix", [("train", "train"), ("test", "t10k")])
def test_load_mnist_idx(tmp_path, tiny_mnist, gz, kind, prefix, dot):
    images, labels = tiny_mnist
    write_mnist_idx(tmp_path, prefix, images, labels, gz, dot=dot)
    X, y = load_mnist(tmp_path, kind=kind)
    assert X.shape == (3, 784) and X.dtype == np.float64
    assert y.dtype == np.int64 and y.tolist() == [7, 0, 4]
    np.testing.assert_allclose(X, images.reshape(3, -1) / 255.0)
    assert 0.0 <= X.min() and X.max() <= 1.0


@pytest.mark.parametrize(
    "code, dtype, values",
    [
        (0x08, ">u1", [[0, 255], [7, 9]]),
        (0x09, ">i1", [[-128, 127], [0, -1]]),
        (0x0B, ">i2", [[-30000, 2], [3, 30000]]),
        (0x0C, ">i4", [[-(2**31), 1], [2, 2**31 - 1]]),
        (0x0D, ">f4", [[0.5, -1.25], [3.0, 1e6]]),
        (0x0E, ">f8", [[0.1, -2.5e-300], [np.pi, 1e300]]),
    ],
)
def test_load_idx_every_dtype(tmp_path, code, dtype, values):
    array = np.array(values, dtype=dtype)
    path = tmp_path / "values.idx"
    path.write_bytes(idx_bytes(array, code, dtype))
    loaded = load_idx(path)
    assert loaded.shape == (2, 2) and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)


def test_load_idx_sniffs_gzip_without_suffix(tmp_path):
    path = tmp_path / "renamed"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(6, dtype=np.uint8), 0x08, "u1")))
    assert load_idx(path).tolist() == [0, 1, 2, 3, 4, 5]


def test_load_idx_bad_magic_number(tmp_path):
    path = tmp_path / "bad-idx"
    path.write_bytes(b"\x01\x00\x08\x01" + struct.pack(">I", 2) + b"\x01\x02")
    with pytest.raises(ValueError, match="magic number") as info:
        load_idx(path)
    assert str(path) in str(info.value)
    path.write_bytes(b"\x00\x00\x07\x01" + struct.pack(">I", 2) + b"\x01\x02")
    with pytest.raises(ValueError, match="magic number"):
        load_idx(path)


def test_load_idx_truncated(tmp_path):
    path = tmp_path / "short-idx"
    path.write_bytes(b"\x00\x00\x08\x02" + struct.pack(">II", 3, 4) + bytes(5))
    with pytest.raises(ValueError, match="truncated") as info:
        load_idx(path)
    assert str(path) in str(info.value)
    path.write_bytes(b"\x00\x00\x08\x02" + b"\x00\x00")
    with pytest.raises(ValueError, match="truncated"):
        load_idx(path)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="truncated"):
        load_idx(path)


def test_load_idx_truncated_gzip(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8), 0x08, "u1"))[:20])
    with pytest.raises(ValueError, match="cut.gz"):
        load_idx(path)


def test_load_mnist_csv_formats(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    rows = np.c_[labels, images.reshape(3, -1)].astype(int)
    path = tmp_path / "mnist_test.csv"
    path.write_text("\n".join(",".join(map(str, row)) for row in rows) + "\n")
    X, y = load_mnist(tmp_path, kind="test")
    assert y.dtype == np.int64 and y.tolist() == [7, 0, 4]
    np.testing.assert_allclose(X, images.reshape(3, -1) / 255.0)
    # A header line (as in some re-publications) is skipped.
    with_header = tmp_path / "with_header.csv"
    with_header.write_text("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n" + path.read_text())
    X_header, y_header = load_mnist_csv(with_header)
    np.testing.assert_array_equal(X_header, X)
    np.testing.assert_array_equal(y_header, y)


def test_load_mnist_prefers_idx_and_checks_counts(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_mnist_idx(tmp_path, "train", images, labels[:2], gz=True)
    with pytest.raises(ValueError, match="3 images.*2 labels"):
        load_mnist(tmp_path)


def test_load_mnist_missing_files_lists_names(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path, kind="test")
    message = str(info.value)
    for name in ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte", "t10k-labels-idx1-ubyte",
                 "t10k-labels.idx1-ubyte", ".gz", "mnist_test.csv"):
        assert name in message
    # Half a pair is named, so the user sees which file is missing.
    (tmp_path / "t10k-images.idx3-ubyte").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="found t10k-images.idx3-ubyte but not its partner"):
        load_mnist(tmp_path, kind="test")
    with pytest.raises(FileNotFoundError, match="not a folder"):
        load_mnist(tmp_path / "nowhere", kind="test")
    with pytest.raises(ValueError, match="kind"):
        load_mnist(tmp_path, kind="validation")


def test_load_mnist_csv_bad_content(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("5,0,0\n3,abc,0\n")
    with pytest.raises(ValueError, match="broken.csv"):
        load_mnist_csv(path)
    path.write_text("")
    with pytest.raises(ValueError, match="empty"):
        load_mnist_csv(path)


# --- batching --------------------------------------------------------------------------------------


def test_batches_cover_every_row_once_and_keep_rows_aligned():
    X = np.arange(23 * 2).reshape(23, 2)
    y = np.arange(23) * 10
    seen = []
    sizes = []
    for X_batch, y_batch in batches(X, y, batch_size=5, seed=1):
        np.testing.assert_array_equal(X_batch[:, 0] // 2 * 10, y_batch)
        seen.extend(y_batch // 10)
        sizes.append(len(y_batch))
    assert sorted(seen) == list(range(23))
    assert seen != list(range(23))  # shuffled
    assert sizes == [5, 5, 5, 5, 3]


def test_batches_without_shuffle_are_views_in_order():
    X = np.arange(10)
    parts = list(batches(X, batch_size=4, shuffle=False))
    assert [p[0].tolist() for p in parts] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert np.shares_memory(parts[0][0], X)


def test_batches_drop_last():
    sizes = [len(b[0]) for b in batches(np.arange(10), batch_size=4, seed=0, drop_last=True)]
    assert sizes == [4, 4]
    sizes = [len(b[0]) for b in batches(np.arange(8), batch_size=4, seed=0, drop_last=True)]
    assert sizes == [4, 4]
    assert list(batches(np.arange(3), batch_size=4, drop_last=True)) == []


def test_batches_deterministic_with_seed_and_with_manual_seed():
    X = np.arange(50)
    first = [b[0].tolist() for b in batches(X, batch_size=7, seed=5)]
    again = [b[0].tolist() for b in batches(X, batch_size=7, seed=5)]
    other = [b[0].tolist() for b in batches(X, batch_size=7, seed=6)]
    assert first == again and first != other
    manual_seed(11)
    from_framework = [b[0].tolist() for b in batches(X, batch_size=7)]
    manual_seed(11)
    assert [b[0].tolist() for b in batches(X, batch_size=7)] == from_framework


def test_batches_validation_happens_at_call_time():
    with pytest.raises(ValueError, match=r"\[3, 4\]"):
        batches(np.zeros(3), np.zeros(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size"):
        batches(np.zeros(3), batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        batches(np.zeros(3), batch_size=2.5)
    with pytest.raises(ValueError, match="at least one array"):
        batches(batch_size=2)


# --- transitions -----------------------------------------------------------------------------------


def test_church_sentence_from_seeds():
    tokens, transitions = parse_binary_tree(CHURCH)
    assert tokens == ["The", "church", "has", "cracks", "in", "the", "ceiling", "."]
    assert " ".join(transitions) == "S S R S S S S S R R R R S R R"
    validate_transitions(len(tokens), transitions)


def test_normalize_transitions_spellings():
    assert SHIFT == "S" and REDUCE == "R"
    spellings = ["s", "S", "shift", "SHIFT", "r", "Reduce", SHIFT, REDUCE]
    assert normalize_transitions(spellings) == ["S", "S", "S", "S", "R", "R", "S", "R"]
    assert normalize_transitions("S S R") == ["S", "S", "R"]
    with pytest.raises(ValueError, match=r"item 2 is 'X'"):
        normalize_transitions(["S", "S", "X"])
    with pytest.raises(ValueError, match="item 0 is 0"):
        normalize_transitions([0, 1])


@pytest.mark.parametrize(
    "n_words, transitions, words",
    [
        (2, "S R S", ["step 1", "REDUCE", "two items", "found 1"]),
        (3, "R S S", ["step 0", "REDUCE", "found 0"]),
        (2, "S S R S", ["step 3", "SHIFT", "buffer empty"]),
        (3, "S S R", ["2 of 3 words"]),
        (3, "S S S R", ["2 items", "2 REDUCEs, got 1"]),
        (1, "S S", ["step 1", "SHIFT", "buffer empty"]),
    ],
)
def test_validate_transitions_names_the_failing_step(n_words, transitions, words):
    with pytest.raises(ValueError) as info:
        validate_transitions(n_words, transitions.split())
    for word in words:
        assert word in str(info.value)


def test_validate_transitions_accepts_single_word_and_rejects_empty_sentence():
    validate_transitions(1, ["S"])
    with pytest.raises(ValueError, match="at least one word"):
        validate_transitions(0, [])


def test_parse_binary_tree_rejects_malformed_brackets():
    with pytest.raises(ValueError, match="not a binary tree"):
        parse_binary_tree("( a b c )")
    with pytest.raises(ValueError, match=r"2 '\(' but 1 '\)'"):
        parse_binary_tree("( ( a b )")
    tokens, transitions = parse_binary_tree("( a b c )", validate=False)
    assert tokens == ["a", "b", "c"] and transitions == ["S", "S", "S", "R"]
    assert parse_binary_tree("word") == (["word"], ["S"])
