"""tg.viz: DOT pictures of the tape (checked in the real `dot -Tsvg` output and against golden
DOT files) and the step-by-step backward explainer (checked on M. Mazur's 2-2-2 worked example, 2015).

Golden files live in tests/golden/; after an intended change of the pictures, regenerate them with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_viz.py
and look at the diff.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import viz
from tinygrad_edu.viz.dot import COLOURS

from .dot_support import requires_dot

GOLDEN = Path(__file__).parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"


# ---- programs to draw --------------------------------------------------------------------------
def mazur_network(backward: bool = True):
    """Mazur's 2-2-2 example with one scalar tensor per neuron; returns (E_total, names of weights and results)."""
    w = {f"w{k}": tg.tensor(v, requires_grad=True, name=f"w{k}")
         for k, v in enumerate([0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55], start=1)}
    i1, i2 = tg.tensor(0.05, name="i1"), tg.tensor(0.10, name="i2")
    b1, b2 = tg.tensor(0.35), tg.tensor(0.60)
    net_h1 = w["w1"] * i1 + w["w2"] * i2 + b1
    net_h2 = w["w3"] * i1 + w["w4"] * i2 + b1
    out_h1, out_h2 = net_h1.sigmoid(), net_h2.sigmoid()
    net_o1 = w["w5"] * out_h1 + w["w6"] * out_h2 + b2
    net_o2 = w["w7"] * out_h1 + w["w8"] * out_h2 + b2
    out_o1, out_o2 = net_o1.sigmoid(), net_o2.sigmoid()
    E_total = 0.5 * (0.01 - out_o1) ** 2 + 0.5 * (0.99 - out_o2) ** 2
    E_total.name = "E_total"
    results = dict(net_h1=net_h1, net_h2=net_h2, out_h1=out_h1, out_h2=out_h2,
                   net_o1=net_o1, net_o2=net_o2, out_o1=out_o1, out_o2=out_o2)
    if backward:
        for t in results.values():
            t.retain_grad()
        E_total.backward(retain_graph=True)
    return E_total, {**w, **results}


def composition_tree():
    """A hand-written binary tree ((a b) (c d)) composed by a recursive function; each
    composition is one `scope`, entered before its children, so the boxes nest like the tree."""
    rng = np.random.default_rng(0)
    W_left = tg.tensor(rng.standard_normal(2), requires_grad=True, name="W_left")
    W_right = tg.tensor(rng.standard_normal(2), requires_grad=True, name="W_right")
    vectors = {word: tg.tensor(rng.standard_normal(2), requires_grad=True, name=word)
               for word in "abcd"}

    def compose(node):
        if isinstance(node, str):
            return vectors[node]
        with viz.scope("Compose"):
            left, right = compose(node[0]), compose(node[1])
            return (W_left * left + W_right * right).tanh()

    return compose((("a", "b"), ("c", "d"))).sum(), {"W_left": W_left, "W_right": W_right}


# ---- reading the real SVG ---------------------------------------------------------------------
def svg_of(graph) -> ET.Element:
    requires_dot()
    return ET.fromstring(graph.pipe(format="svg"))


def _points(element: ET.Element) -> list[tuple[float, float]]:
    if element.tag == f"{SVG}ellipse":
        return [(float(element.get("cx")), float(element.get("cy")))]
    if element.tag == f"{SVG}path":  # rounded boxes: "M111,-22.5C111,-22.5 1632.49,-22.5 ..."
        return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", element.get("d"))]
    return [tuple(map(float, p.split(","))) for p in element.get("points").split()]


def svg_nodes(root: ET.Element) -> list[dict]:
    """For each drawn node: its DOT id (the <title>), its text lines, fill colour and centre."""
    nodes = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        shape = next(e for e in g if e.tag in (f"{SVG}polygon", f"{SVG}ellipse"))
        xs, ys = zip(*_points(shape))
        nodes.append({"id": g.find(f"{SVG}title").text,
                      "texts": [t.text for t in g.iter(f"{SVG}text")],
                      "fill": shape.get("fill"), "tag": shape.tag.replace(SVG, ""),
                      "centre": ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)})
    return nodes


def svg_clusters(root: ET.Element) -> dict[str, dict]:
    """Each cluster box by DOT id: its label and the nodes drawn inside its rectangle."""
    nodes = svg_nodes(root)
    clusters = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            xs, ys = zip(*_points(g.find(f"{SVG}path")))
            inside = [n for n in nodes if min(xs) < n["centre"][0] < max(xs)
                      and min(ys) < n["centre"][1] < max(ys)]
            clusters[g.find(f"{SVG}title").text] = {
                "label": [t.text for t in g.iter(f"{SVG}text")], "nodes": inside}
    return clusters


def node_with_text(nodes: list[dict], line: str) -> dict:
    found = [n for n in nodes if line in n["texts"]]
    assert len(found) == 1, f"expected one node showing {line!r}, found {len(found)}"
    return found[0]


# ---- to_dot -----------------------------------------------------------------------------------
def test_to_dot_needs_no_dot_binary(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    E_total, names = mazur_network(backward=False)
    source = viz.to_dot(E_total, params=names).source
    assert source.startswith("digraph")
    assert source.count("shape=ellipse") == 27  # 27 ops recorded by the 2-2-2 network
    assert source.count("label=Sigmoid") == 4
    assert '"w5|scalar float64"' in source
    assert "|data " not in source and "|grad " not in source  # not asked for


def test_svg_has_one_node_per_tensor_and_op():
    E_total, names = mazur_network()
    nodes = svg_nodes(svg_of(viz.to_dot(E_total, params=names, show_values=True, show_grads=True)))
    ops = [n for n in nodes if n["tag"] == "ellipse"]
    # 27 ops, 27 results, 8 weights, and the constants the ops saved: i1 and i2 (kept by Mul),
    # the exponents 2 (kept by Pow) and the factors 0.5 (kept by Mul). b1, b2 and the targets go
    # through Add/Sub, which keep nothing, so the graph cannot show them.
    assert len(ops) == 27
    assert len(nodes) == 27 + 27 + 8 + 6
    assert sorted(n["texts"][0] for n in ops).count("Mul") == 10
    out_o1 = node_with_text(nodes, "out_o1")
    assert out_o1["texts"] == ["out_o1", "scalar float64", "data 0.7514", "grad 0.7414"]
    w5 = node_with_text(nodes, "w5")
    assert w5["texts"] == ["w5", "scalar float64", "data 0.4", "grad 0.08217"]
    assert node_with_text(nodes, "i1")["texts"] == ["i1", "scalar float64", "data 0.05"]


def test_colours_for_parameter_constant_output_result_op_and_nan():
    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    c = tg.tensor([3.0, 4.0], name="c")
    broken = tg.tensor([float("nan"), 1.0], requires_grad=True, name="broken")
    bad_grad = tg.tensor(1.0, requires_grad=True, name="bad_grad")
    y = (w * c).sum() + bad_grad * 1.0
    y.name = "y"
    z = broken * 2.0
    z.name = "z"
    bad_grad.grad = tg.tensor(float("inf"))
    nodes = svg_nodes(svg_of(viz.to_dot(y, z, show_values=True)))
    assert node_with_text(nodes, "z")["fill"] == COLOURS["nonfinite"]  # an output, but NaN
    assert node_with_text(nodes, "w")["fill"] == COLOURS["parameter"]
    assert node_with_text(nodes, "c")["fill"] == COLOURS["constant"]
    assert node_with_text(nodes, "y")["fill"] == COLOURS["output"]
    assert node_with_text(nodes, "broken")["fill"] == COLOURS["nonfinite"]   # NaN in the data
    assert node_with_text(nodes, "bad_grad")["fill"] == COLOURS["nonfinite"]  # inf in the grad
    ops = [n for n in nodes if n["tag"] == "ellipse"]
    assert ops and all(n["fill"] == COLOURS["op"] for n in ops)
    results = [n for n in nodes if n["tag"] == "polygon" and n["texts"] in (["(2,)"], ["scalar"])]
    assert results and all(n["fill"] == COLOURS["result"] for n in results)
    assert len(set(COLOURS.values())) == len(COLOURS)  # six kinds, six colours


def test_output_with_nan_is_red():
    x = tg.tensor(-1.0, requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        y = x.log()
    y.name = "y"
    nodes = svg_nodes(svg_of(viz.to_dot(y)))
    assert node_with_text(nodes, "y")["fill"] == COLOURS["nonfinite"]
    assert node_with_text(nodes, "x")["fill"] == COLOURS["parameter"]


def golden(name: str, source: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(source, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to write it"
    assert source == path.read_text(encoding="utf-8"), (
        f"the DOT source differs from {path}; if the change is intended, rerun with UPDATE_GOLDEN=1")


def test_dot_source_matches_golden_file_and_is_the_same_every_time():
    mazur_network()  # records more nodes first: the global node counter differs from a fresh run
    E_total, names = mazur_network()
    source = viz.to_dot(E_total, params=names, show_values=True, show_grads=True).source
    assert "0x" not in source  # no id()/addresses
    golden("mazur.dot", source)
    assert viz.to_dot(E_total, params=names, show_values=True, show_grads=True).source == source
    plain = viz.to_dot(E_total, params=names).source
    assert "out_o1|scalar float64" in plain and plain != source


def test_clusters_nest_like_the_recursion():
    loss, names = composition_tree()
    graph = viz.to_dot(loss, params=names)
    golden("tree.dot", graph.source)
    # Brace depth of each cluster in the DOT text: the root composition holds the two others.
    depth, depths = 0, {}
    for line in graph.source.splitlines():
        match = re.match(r"\s*subgraph (cluster_\d+) \{", line)
        if match:
            depths[match.group(1)] = depth + 1
        depth += line.count("{") - line.count("}")
    assert depths == {"cluster_0": 2, "cluster_1": 3, "cluster_2": 3}  # `digraph {` is depth 1
    clusters = svg_clusters(svg_of(graph))
    assert sorted(clusters) == ["cluster_0", "cluster_1", "cluster_2"]
    assert all(c["label"] == ["Compose"] for c in clusters.values())  # the name, without its #id

    def ops_inside(cluster: str) -> list[str]:
        return sorted(n["texts"][0] for n in clusters[cluster]["nodes"] if n["tag"] == "ellipse")

    # each composition records Mul, Mul, Add, Tanh; the root box holds its own and its
    # children's; the final sum is outside every box
    assert ops_inside("cluster_1") == ops_inside("cluster_2") == ["Add", "Mul", "Mul", "Tanh"]
    assert ops_inside("cluster_0") == sorted(["Add", "Mul", "Mul", "Tanh"] * 3)


def test_two_blocks_with_the_same_name_are_two_boxes():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with viz.scope("Reduce"):
        y = x * 2.0
    with viz.scope("Reduce"):
        z = y.exp()
    source = viz.to_dot(z.sum()).source
    assert source.count("subgraph cluster_") == 2
    assert source.count("label=Reduce") == 2
    assert viz.scope is tg.autograd.scope.scope


def test_100000_op_chain_draws_within_max_nodes_without_recursion():
    x = tg.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(100_000):
        y = y + 1.0
    source = viz.to_dot(y).source  # default max_nodes=2000
    assert source.count("shape=ellipse") == 2000
    assert "… 98000 more nodes" in source
    assert 'more -> op0 [style=dashed]' in source  # the marker points at where the cut is
    assert "x|" not in source  # the leaf is beyond the cut
    small = viz.to_dot(y, max_nodes=3).source
    assert small.count("shape=ellipse") == 3 and "… 99997 more nodes" in small


def test_more_nodes_marker_is_drawn():
    y = tg.tensor(1.0, requires_grad=True)
    for _ in range(30):
        y = y * 1.5
    nodes = svg_nodes(svg_of(viz.to_dot(y, max_nodes=5)))
    assert any("… 25 more nodes" in n["texts"] for n in nodes)
    assert len([n for n in nodes if n["tag"] == "ellipse"]) == 5


def test_values_abbreviated_for_big_tensors_and_intermediates_shown_when_passed():
    w = tg.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="w")
    hidden = w * 2.0
    out = hidden.sum()
    out.backward(retain_graph=True)
    source = viz.to_dot(out, params={"hidden": hidden}, show_values=True, show_grads=True,
                        max_elems=6).source
    assert "data [0, 1, 2, …]\\nmin 0  max 11  mean 5.5" in source
    assert "grad [2, 2, 2, …]\\nmin 2  max 2  mean 2" in source  # d(2w)/dw
    assert "hidden|(3, 4) float64|data [0, 2, 4, …]\\nmin 0  max 22  mean 11|grad None" in source
    unnamed = viz.to_dot(out, show_values=True).source
    assert '"(3, 4)"' in unnamed  # an intermediate result not handed in: only its shape is known
    small = viz.to_dot(out, max_elems=12, show_values=True).source
    assert "data [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]" in small


def test_record_labels_escape_special_characters_and_rankdir_flips_fields():
    x = tg.tensor(1.0, requires_grad=True, name="a|b{c}<d>")
    source = viz.to_dot(x * 2.0, rankdir="TB").source
    assert "a\\|b\\{c\\}\\<d\\>" in source
    assert 'label="{a\\|b\\{c\\}\\<d\\>|scalar float64}"' in source
    assert "rankdir=TB" in source
    svg_nodes(svg_of(viz.to_dot(x * 2.0, rankdir="TB")))  # dot accepts the escaped label


def test_params_from_named_parameters_and_multi_output_ops():
    class SplitHalves(tg.Function):
        """x -> (x[:1], x[1:]);  ∂/∂x = cat(g1, g2)"""

        @staticmethod
        def forward(ctx, x):
            return x.data[:1].copy(), x.data[1:].copy()

        @staticmethod
        def backward(ctx, g1, g2):
            return tg.cat([g1, g2])

    layer = nn.Linear(2, 2)
    first, second = SplitHalves.apply(layer(tg.ones(2, 2)))
    loss = (first * 3.0).sum() + second.sum()
    source = viz.to_dot(loss, params=layer.named_parameters()).source
    assert '"weight|(2, 2) float64"' in source and '"bias|(2,) float64"' in source
    assert "label=SplitHalves" in source
    assert "v1_0" in source and "v1_1" in source  # one box per output of the op
    text = viz.explain(loss, params=dict(layer.named_parameters()), file=open(os.devnull, "w"))
    loss.backward()
    assert f"∂loss/∂bias = {viz.text.values(layer.bias.grad.data, 9)}" in text


def test_bad_arguments_are_named():
    x = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(ValueError, match="at least one tensor"):
        viz.to_dot()
    with pytest.raises(TypeError, match="expected Tensors.*int"):
        viz.to_dot(3)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.to_dot(x, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes must be a positive integer"):
        viz.to_dot(x, max_nodes=0)
    with pytest.raises(TypeError, match=r"params\['w'\] must be a Tensor"):
        viz.to_dot(x, params={"w": 1.0})
    with pytest.raises(ValueError, match="format must be one of svg, png, pdf"):
        viz.render(x, path="x.gif", format="gif")


def test_legend_shows_every_colour():
    source = viz.legend().source
    for colour in COLOURS.values():
        assert f'fillcolor="{colour}"' in source
    assert 'fillcolor="' + COLOURS["parameter"] + '"' in viz.to_dot(
        tg.tensor(1.0, requires_grad=True) * 2.0, legend=True).source


# ---- render -----------------------------------------------------------------------------------
def test_render_writes_exactly_the_path_in_each_format(tmp_path):
    requires_dot()
    E_total, names = mazur_network()
    magic = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}
    for fmt, start in magic.items():
        path = tmp_path / "sub" / f"picture.{fmt}.out"
        assert viz.render(E_total, path=path, format=fmt, params=names) == str(path)
        assert path.read_bytes().startswith(start)
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == [
        "picture.pdf.out", "picture.png.out", "picture.svg.out"]


def test_render_without_dot_says_how_to_install_graphviz(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    x = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as err:
        viz.render(x * 2.0, path=tmp_path / "x.svg")
    assert "brew install graphviz" in str(err.value) and "conda" in str(err.value)
    assert not (tmp_path / "x.svg").exists()


def test_import_does_not_need_the_graphviz_package():
    code = ("import sys; sys.modules['graphviz'] = None\n"
            "import tinygrad_edu as tg\nfrom tinygrad_edu import viz\n"
            "x = tg.tensor(2.0, requires_grad=True)\n"
            "viz.explain((x * x).sigmoid(), file=open(__import__('os').devnull, 'w'))\n"
            "try:\n    viz.to_dot(x)\nexcept ImportError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pip install graphviz" in done.stdout


# ---- explain ----------------------------------------------------------------------------------
def test_explain_prints_the_numbers_of_the_worked_example():
    E_total, names = mazur_network(backward=False)
    printed = []

    class Sink:
        def write(self, s):
            printed.append(s)

    text = viz.explain(E_total, params=names, file=Sink())
    assert "".join(printed) == text
    rows = {line.split()[1]: line for line in text.splitlines() if re.match(r"\d+\s", line)}
    sigmoid_o1 = next(line for line in rows.values() if " out_o1 " in line and "Sigmoid" in line)
    # the article: ∂E/∂out_o1 = 0.74136507 arrives at σ(net_o1), whose local derivative
    # ∂out_o1/∂net_o1 = out_o1(1 - out_o1) = 0.186815602
    assert "0.74136507" in sigmoid_o1.split()
    assert "0.186815602" in sigmoid_o1.split()
    # ∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · out_h1 = 0.082167041 (8 significant digits)
    w5_line = next(line for line in text.splitlines() if line.strip().startswith("∂E_total/∂w5 ="))
    value = float(w5_line.split("=")[1])
    assert f"{value:.8g}" == "0.082167041"
    assert f"{value:.9g}" in text.split("\n\n")[1]  # also in the table row that sends it to w5
    assert "∂E_total/∂out_h1 is a sum" in text  # h1 feeds both outputs: ∂E/∂w1's two paths
    assert "Sigmoid: σ(x) = 1 / (1 + e⁻ˣ);  dσ/dx = σ(1 - σ)" in text


def test_explain_agrees_with_backward_and_changes_nothing():
    E_total, names = mazur_network(backward=False)
    text = viz.explain(E_total, params=names, file=open(os.devnull, "w"))
    assert all(names[f"w{k}"].grad is None for k in range(1, 9))
    E_total.backward()
    for k in range(1, 9):
        assert f"∂E_total/∂w{k} = {names[f'w{k}'].grad.item():.9g}\n" in text
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.explain(E_total, params=names, file=open(os.devnull, "w"))


def test_explain_broadcasting_and_big_tensors():
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.standard_normal((5, 3)))
    W = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True, name="W")
    b = tg.tensor(rng.standard_normal(4), requires_grad=True, name="b")
    loss = ((x @ W + b).tanh() ** 2).mean()
    text = viz.explain(loss, file=open(os.devnull, "w"), max_elems=4)
    loss.backward()
    norm = float(np.linalg.norm(W.grad.data))
    assert f"∂loss/∂W = shape (3, 4) ‖·‖ {norm:.9g}" in text
    assert f"∂loss/∂b = {viz.text.values(b.grad.data, 9)}" in text  # summed over the 5 rows
    assert "(see formula)" in text  # MatMul: no elementwise local derivative
    with pytest.raises(RuntimeError, match="one number"):
        viz.explain(x @ W)
    with pytest.raises(RuntimeError, match="no grad_fn"):
        viz.explain(tg.tensor(1.0))


# ---- command line ------------------------------------------------------------------------------
def test_graph_command_writes_the_worked_example(tmp_path, capsys):
    requires_dot()
    from tinygrad_edu.examples import graph

    assert graph.main(["mazur", "--out", str(tmp_path), "--values", "--grads"]) == 0
    path = tmp_path / "mazur.svg"
    assert capsys.readouterr().out.strip() == str(path)
    nodes = svg_nodes(ET.fromstring(path.read_bytes()))
    assert node_with_text(nodes, "w5")["texts"][-1] == "grad 0.08217"
    assert node_with_text(nodes, "E_total")["fill"] == COLOURS["output"]


def test_graph_command_tree_and_dot_format(tmp_path, capsys):
    from tinygrad_edu.examples import graph

    assert graph.main(["tree", "--out", str(tmp_path), "--format", "dot"]) == 0
    source = (tmp_path / "tree.dot").read_text()
    assert source.count("label=Compose") == 3
    assert "compose.weight" in source and "cluster_legend" in source
    assert set(graph.EXAMPLES) >= {"mazur", "mlp", "tree"}


def test_graph_is_a_command_of_the_cli(tmp_path, capsys):
    from tinygrad_edu import cli

    assert cli.COMMANDS["graph"][0] == "graph"
    assert cli.main(["graph", "mazur", "--out", str(tmp_path), "--format", "dot", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "0.186815602" in out and out.rstrip().endswith("mazur.dot")
    assert (tmp_path / "mazur.dot").read_text().startswith("digraph")


def test_graph_command_mlp_names_parameters(tmp_path):
    pytest.importorskip("sklearn")
    from tinygrad_edu.examples import graph

    assert graph.main(["mlp", "--out", str(tmp_path), "--format", "dot", "--no-legend"]) == 0
    source = (tmp_path / "mlp.dot").read_text()
    for name in ("0.weight|(16, 64) float64", "0.bias|(16,) float64", "2.weight|(10, 16) float64"):
        assert name in source
    assert "cluster_legend" not in source


# ---- docs/visualize.md ------------------------------------------------------------------------
DOCS = Path(__file__).parent.parent / "docs"


def test_docs_examples_run_and_print_what_the_page_shows(tmp_path, monkeypatch):
    blocks = re.findall(r"```(python|text)\n(.*?)```", (DOCS / "visualize.md").read_text("utf-8"),
                        flags=re.S)
    assert [kind for kind, _ in blocks].count("text") >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    printed = None
    for i, (kind, body) in enumerate(blocks):
        if kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"docs/visualize.md block {i}", "exec"), namespace)
            printed = out.getvalue()
        else:
            assert printed is not None, f"docs/visualize.md: text block {i} follows no python block"
            assert body == printed, f"docs/visualize.md: block {i} is not what the code prints"
            printed = None


def test_docs_pictures_are_committed_and_show_what_the_page_says():
    mazur = svg_nodes(ET.parse(DOCS / "img" / "mazur.svg").getroot())
    assert node_with_text(mazur, "w5")["texts"] == ["w5", "scalar float64", "data 0.4", "grad 0.08217"]
    assert node_with_text(mazur, "out_o1")["texts"][2:] == ["data 0.7514", "grad 0.7414"]
    assert node_with_text(mazur, "i1")["fill"] == COLOURS["constant"]
    mlp = svg_nodes(ET.parse(DOCS / "img" / "mlp.svg").getroot())
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert node_with_text(mlp, name)["fill"] == COLOURS["parameter"]
    tree = svg_clusters(ET.parse(DOCS / "img" / "tree.svg").getroot())
    assert sorted(c["label"][0] for c in tree.values()) == ["Compose"] * 3 + ["legend"]
