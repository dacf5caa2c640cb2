"""For tests that need Graphviz's `dot` program (rendering pictures).

`requires_dot()` at the start of such a test skips it where `dot` is missing, but fails it when
TINYGRAD_EDU_REQUIRE_DOT=1: CI installs Graphviz and sets that variable, so a picture test can
never pass there by silently skipping.
"""
from __future__ import annotations

import os
import shutil

import pytest


def requires_dot() -> str:
    """The path of `dot`; otherwise skip the calling test (or fail it, when dot is required)."""
    found = shutil.which("dot")
    if found is None:
        if os.environ.get("TINYGRAD_EDU_REQUIRE_DOT") == "1":
            pytest.fail("TINYGRAD_EDU_REQUIRE_DOT=1 but Graphviz's `dot` is not on PATH "
                        "(install it: apt-get install graphviz)")
        pytest.skip("Graphviz's `dot` is not installed")
    return found
