"""See the tape: pictures of the recorded graph and a step-by-step backward explainer.

    to_dot(*outputs, ...)        the graph as a graphviz.Digraph (shows inline in Jupyter)
    render(*outputs, path=...)   the same, written to an svg/png/pdf file (needs Graphviz's `dot`)
    explain(loss)                the backward pass as a table, number by number
    backward_steps(loss)         the same backward pass as records (the data of explain and stepper)
    stepper(loss)                an HTML page that steps through forward and backward on the picture
    scope(name)                  `with scope("Reduce"):` draws the ops recorded inside as one box
    legend()                     the colour key; COLOURS holds the colours

Only `import graphviz` (the Python package) is needed for to_dot, and only when it is called.
"""
from ..autograd.scope import scope
from .dot import COLOURS, legend, to_dot
from .explain import explain
from .render import render
from .stepper import Stepper, stepper
from .steps import backward_steps

__all__ = ["COLOURS", "backward_steps", "explain", "legend", "render", "scope", "Stepper", "stepper", "to_dot"]
