"""The ```python blocks of README.md and docs/*.md run, in order, one namespace per file, so the
documentation's examples stay true. (Use ```text or ```sh for blocks that are not Python to run.)
Blocks that use torch run only where PyTorch is installed."""
import contextlib
import importlib.util
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_python_blocks_run(path, tmp_path, monkeypatch):
    blocks = BLOCK.findall(path.read_text())
    if not blocks:
        pytest.skip(f"{path.name} has no python blocks")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace = {"__name__": "__docs__"}
    has_torch = importlib.util.find_spec("torch") is not None
    for i, block in enumerate(blocks):
        if "torch" in block and not has_torch:
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(block, f"{path.name}[block {i}]", "exec"), namespace)
            except Exception as err:
                pytest.fail(f"{path.name}, python block {i} raised {type(err).__name__}: {err}\n{block}")
