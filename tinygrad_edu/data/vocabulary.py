"""A token <-> index table for turning sentences into integer arrays."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


class Vocabulary:
    """Maps tokens to consecutive indices; tokens not in the table map to `unk_token`.

    >>> vocab = Vocabulary.build([["a", "dog"], ["a", "cat"]])
    >>> vocab.tokens
    ['<pad>', '<unk>', 'a', 'cat', 'dog']
    >>> vocab.encode(["a", "bird"]).tolist()
    [2, 1]
    """

    def __init__(self, tokens: Sequence[str], unk_token: str | None = "<unk>") -> None:
        self.tokens: list[str] = list(tokens)
        self.token_to_index: dict[str, int] = {}
        for index, token in enumerate(self.tokens):
            if token in self.token_to_index:
                first = self.token_to_index[token]
                raise ValueError(f"Vocabulary: token {token!r} appears twice (at {first} and {index})")
            self.token_to_index[token] = index
        if unk_token is not None and unk_token not in self.token_to_index:
            raise ValueError(f"Vocabulary: the unknown-token marker {unk_token!r} is not among the tokens")
        self.unk_token = unk_token

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Iterable[str]],
        min_count: int = 1,
        specials: Sequence[str] = ("<pad>", "<unk>"),
    ) -> Vocabulary:
        """Collect the tokens seen at least `min_count` times, after the `specials`.

        Order: the specials as given, then by falling count, ties alphabetically, so the same
        data always gives the same indices. `"<unk>"` is the unknown marker when it is a special.
        """
        if min_count < 1:
            raise ValueError(f"Vocabulary.build: min_count must be >= 1, got {min_count}")
        counts = Counter(token for tokens in token_lists for token in tokens)
        specials = list(specials)
        frequent = [t for t, c in counts.items() if c >= min_count and t not in specials]
        frequent.sort(key=lambda token: (-counts[token], token))
        return cls(specials + frequent, unk_token="<unk>" if "<unk>" in specials else None)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.token_to_index

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens, unk_token={self.unk_token!r})"

    def index(self, token: str) -> int:
        """The index of `token`, or of the unknown marker when `token` is not in the table."""
        found = self.token_to_index.get(token)
        if found is not None:
            return found
        if self.unk_token is None:
            raise KeyError(f"Vocabulary.index: {token!r} is unknown and there is no unknown-token marker")
        return self.token_to_index[self.unk_token]

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """The indices of `tokens` as an int64 array."""
        return np.array([self.index(token) for token in tokens], dtype=np.int64)

    def decode(self, indices: Iterable[int]) -> list[str]:
        """The tokens at `indices`."""
        return [self.tokens[int(index)] for index in indices]
