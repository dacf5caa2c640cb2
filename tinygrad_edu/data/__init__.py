"""Small datasets and generators: XOR, handwritten digits, MNIST files, ListOps, SNLI, batching.

Only numpy is needed to import this package; scikit-learn is imported when the digits are loaded.
"""
from tinygrad_edu.data.batching import batches
from tinygrad_edu.data.digits import load_digits, one_hot_targets, rashid_scale
from tinygrad_edu.data.listops import (
    LISTOPS_TOKEN_INDEX,
    LISTOPS_VOCAB,
    PAPER_DISTRIBUTION,
    ListOpsExample,
    encode_listops,
    evaluate,
    generate_listops,
    generate_listops_paper,
    parse_listops,
    read_listops_tsv,
    sublists,
    write_listops_tsv,
)
from tinygrad_edu.data.mnist import load_idx, load_mnist, load_mnist_csv
from tinygrad_edu.data.snli import SNLI_LABELS, SNLIExample, read_snli, snli_sample_path
from tinygrad_edu.data.transitions import (
    REDUCE,
    SHIFT,
    normalize_transitions,
    parse_binary_tree,
    validate_transitions,
)
from tinygrad_edu.data.vocabulary import Vocabulary
from tinygrad_edu.data.xor import xor

__all__ = [
    "LISTOPS_TOKEN_INDEX",
    "LISTOPS_VOCAB",
    "REDUCE",
    "SHIFT",
    "SNLI_LABELS",
    "PAPER_DISTRIBUTION",
    "ListOpsExample",
    "SNLIExample",
    "Vocabulary",
    "batches",
    "encode_listops",
    "evaluate",
    "generate_listops",
    "generate_listops_paper",
    "load_digits",
    "load_idx",
    "load_mnist",
    "load_mnist_csv",
    "normalize_transitions",
    "one_hot_targets",
    "parse_binary_tree",
    "parse_listops",
    "rashid_scale",
    "read_listops_tsv",
    "read_snli",
    "snli_sample_path",
    "sublists",
    "validate_transitions",
    "write_listops_tsv",
    "xor",
]
