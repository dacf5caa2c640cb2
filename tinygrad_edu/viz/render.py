"""Writing pictures: `render` runs Graphviz's `dot` program on the DOT text of `to_dot`."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..tensor import Tensor
from .dot import _graphviz, to_dot

FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "the Graphviz program `dot` was not found on PATH; it is needed to turn the graph into a "
    "picture. Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, or see "
    "https://graphviz.org/download/. Without it, to_dot(...).source still gives the DOT text."
)


def require_dot(caller: str = "render") -> str:
    """The path of the `dot` program, or a RuntimeError that says how to install it."""
    found = shutil.which("dot")
    if found is None:
        raise RuntimeError(f"{caller}: {INSTALL_HINT}")
    return found


def write_picture(graph, path: str | os.PathLike, format: str = "svg", caller: str = "render") -> str:
    """Lay out a `graphviz.Digraph` with `dot` and write the picture to exactly `path`."""
    if format not in FORMATS:
        raise ValueError(f"{caller}: format must be one of {', '.join(FORMATS)}, got {format!r}")
    require_dot(caller)
    graphviz = _graphviz()
    try:
        picture = graph.pipe(format=format)
    except graphviz.ExecutableNotFound:
        raise RuntimeError(f"{caller}: {INSTALL_HINT}") from None
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(picture)
    return os.fspath(path)


def render(*outputs: Tensor, path: str | os.PathLike, format: str = "svg", **kwargs) -> str:
    """Draw the graph of `outputs` (see `to_dot` for the keyword arguments) into the file `path`
    (used as given, no extension added) as svg, png or pdf; returns the path.

    >>> tg.viz.render(loss, path="loss.svg", params=dict(model.named_parameters()))  # doctest: +SKIP
    'loss.svg'

    Needs the Graphviz program `dot`; without it the RuntimeError says how to install it.
    """
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, got {format!r}")
    return write_picture(to_dot(*outputs, **kwargs), path, format)
