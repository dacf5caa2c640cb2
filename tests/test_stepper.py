"""tg.viz.backward_steps (the one record of the backward pass) and tg.viz.stepper (the page that
steps through it), checked on the worked 2-2-2 example, an MLP on a batch and SPINN.

The page is tested in a real headless Chromium driven by selenium: these tests skip where no
browser is installed, and fail instead when TINYGRAD_EDU_REQUIRE_BROWSER=1 (set by .ci/run).
After an intended change of the page, regenerate the picture in docs with
    UPDATE_SCREENSHOT=1 .venv/bin/python -m pytest tests/test_stepper.py -k screenshot
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from tinygrad_edu.examples import mazur_backprop

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import viz
from tinygrad_edu.autograd.function import edge_source

from .dot_support import requires_dot

DOCS = Path(__file__).parent.parent / "docs"


def mazur(record_lines: bool = False):
    """The worked example with named constants; returns (E_total, names, results)."""
    with tg.detect_anomaly() if record_lines else _nothing():
        w = mazur_backprop.make_weights()
        constants = {k: tg.tensor(v, name=k) for k, v in mazur_backprop.CONSTANTS.items()}
        results = mazur_backprop.forward(w, constants)
    E_total = results.pop("E_total")
    E_total.name = "E_total"
    return E_total, {**w, **constants, **results}, results


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def page_data(page_html: str) -> dict:
    found = re.search(r'<script type="application/json" class="tgs-data">(.*?)</script>', page_html, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def engine_seqs(loss) -> list[int]:
    """Creation numbers of every op reachable from loss, newest first: the order of the engine."""
    seen, stack = set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack += [s[0] for s in map(edge_source, node.edges) if s is not None]
    return sorted((n.seq for n in seen), reverse=True)


# ---- backward_steps: the records ------------------------------------------------------------------
def test_backward_steps_follow_the_engine_and_give_the_article_numbers():
    E_total, names, _ = mazur()
    run = viz.backward_steps(E_total, params=names)
    assert run.loss == "E_total" and len(run.steps) == 27
    assert [s.seq for s in run.steps] == engine_seqs(E_total)
    assert [s.number for s in run.steps] == list(range(1, 28))
    sigmoid = next(s for s in run.steps if s.outputs[0].name == "out_o1")
    assert (sigmoid.op, sigmoid.number) == ("Sigmoid", 9)
    assert f"{sigmoid.outputs[0].grad.item():.8g}" == "0.74136507"
    assert sigmoid.inputs[0].name == "net_o1" and sigmoid.inputs[0].local_kind == "elementwise"
    assert f"{sigmoid.inputs[0].local.item():.9g}" == "0.186815602"
    assert "σ(1 - σ)" in sigmoid.formula
    out_h1 = next(o for s in run.steps for o in s.outputs if o.name == "out_h1")
    assert len(out_h1.pieces) == 2  # h1 feeds both output neurons: the two gradients are summed
    assert out_h1.grad.item() == pytest.approx(sum(p.grad.item() for p in out_h1.pieces), abs=0)
    assert [p.sender for p in out_h1.pieces] == ["Mul#15", "Mul#11"]
    E_total.backward(retain_graph=True)
    for leaf in run.leaves:
        assert leaf.grad is not None and np.array_equal(leaf.grad, leaf.tensor.grad.data), leaf.name
    w5 = next(leaf for leaf in run.leaves if leaf.name == "w5")
    assert f"{w5.grad.item():.8g}" == "0.082167041" and w5.pieces[0].step == 17


def test_explain_is_the_records_formatted():
    E_total, names, _ = mazur()
    from tinygrad_edu.viz.explain import format_steps

    text = viz.explain(E_total, params=names, file=open(os.devnull, "w"))
    assert text == format_steps(viz.backward_steps(E_total, params=names))


class SplitHalves(tg.Function):
    """x -> (x[:2], x[2:]);  ∂/∂x = cat(g1, g2)"""

    @staticmethod
    def forward(ctx, x):
        return x.data[:2].copy(), x.data[2:].copy()

    @staticmethod
    def backward(ctx, g1, g2):
        return tg.cat([g1, g2])


def test_steps_of_a_multi_output_op_with_an_unused_output():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    first, second = SplitHalves.apply(x)  # only `first` reaches the loss
    loss = (first * 2.0).sum()
    run = viz.backward_steps(loss)
    split = next(s for s in run.steps if s.op == "SplitHalves")
    assert split.reached and [o.name for o in split.outputs] == ["SplitHalves#1[0]", "SplitHalves#1[1]"]
    assert split.outputs[1].grad.tolist() == [0.0]  # the unused output: zeros, as the engine uses
    assert split.inputs[0].local_kind == "see formula"
    assert run.leaves[0].grad.tolist() == [2.0, 2.0, 0.0]


# ---- the page: its data ---------------------------------------------------------------------------
def test_page_numbers_are_those_of_explain(tmp_path):
    requires_dot()
    E_total, names, _ = mazur()
    text = viz.explain(E_total, params=names, file=open(os.devnull, "w"))
    page = viz.stepper(E_total, params=names)
    path = page.save(tmp_path / "sub" / "mazur.html")
    data = page_data(Path(path).read_text("utf-8"))
    assert data["view"] == "ops" and len(data["forward"]) == len(data["backward"]) == 27
    rows = [line.split() for line in text.splitlines() if re.match(r"\d+\s|\s{20,}\S", line)]
    sent = [row[-1] for row in rows if len(row) >= 3 and not row[0].startswith("∂")]
    assert [i["sent"] for s in data["backward"] for i in s["inputs"]] == sent
    assert [i["local"] for s in data["backward"] for i in s["inputs"]] == [row[-2] for row in rows
                                                                            if not row[0].startswith("∂")]
    finals = {c["name"]: c["grad"] for s in data["backward"] for c in s.get("completes", []) if c["leaf"]}
    for k in range(1, 9):
        assert f"∂E_total/∂w{k} = {finals[f'w{k}']}\n" in text
    assert [s["seq"] for s in data["backward"]] == engine_seqs(E_total)


def test_page_is_one_self_contained_file(tmp_path):
    requires_dot()
    E_total, names, _ = mazur()
    page = viz.stepper(E_total, params=names).html()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    for outside in ("src=", "<link", "@import", "url(", "https://", "fetch("):
        assert outside not in page, outside
    # the only URLs are XML namespace names, which are never fetched
    assert set(re.findall(r"http://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg",
                                                         "http://www.w3.org/1999/xlink"}
    fragment = viz.stepper(E_total, params=names)._repr_html_()
    assert "<!DOCTYPE" not in fragment and 'id="tg-stepper-' in fragment
    assert fragment != viz.stepper(E_total, params=names)._repr_html_()  # two cells, two ids


def test_mlp_on_a_batch(tmp_path):
    requires_dot()
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.Sigmoid(), nn.Linear(4, 3))
    images = tg.tensor(np.random.default_rng(0).random((8, 5)), name="images")
    loss = F.cross_entropy(model(images), np.arange(8) % 3)
    page = viz.stepper(loss, params=dict(model.named_parameters()))
    data = page_data(page.html())
    loss.backward()
    finals = {c["name"]: c["grad"] for s in data["backward"] for c in s.get("completes", []) if c["leaf"]}
    assert sorted(finals) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    grad = model[2].bias.grad.data
    assert finals["2.bias"] == viz.text.values(grad, 9)  # 3 values: printed in full
    norm = np.linalg.norm(model[0].weight.grad.data)
    assert finals["0.weight"] == f"shape (4, 5) ‖·‖ {norm:.9g}"  # 20 values: shape and norm
    box = next(b for b in data["boxes"].values() if b["name"] == "0.weight")
    assert box["grad"].startswith("[") and "min" in box["grad"]  # hover: abbreviated like to_dot


def spinn_loss():
    from tinygrad_edu.examples import church

    outputs, params = church.graph()
    return outputs[0].sum(), params


def test_spinn_scopes_become_clusters():
    requires_dot()
    loss, params = spinn_loss()
    full = viz.stepper(loss, params=params)
    assert full.view == "ops"
    assert full.svg().count('class="cluster"') == 7  # one box per REDUCE


def scoped_loss():
    """Seven scopes of three ops each (a composition written with separate ops), then a sum."""
    x = tg.tensor([0.5, -1.0], requires_grad=True, name="x")
    w = tg.tensor([1.5, 0.5], requires_grad=True, name="w")
    y = x
    for _ in range(7):
        with viz.scope("Reduce"):
            y = (y * w).tanh() + x
    return y.sum(), {"x": x, "w": w}


def test_scopes_collapse_when_too_big():
    requires_dot()
    loss, params = scoped_loss()
    full = viz.stepper(loss, params=params)
    assert full.view == "ops"
    assert full.svg().count('class="cluster"') == 7
    reduces = {node.scope[0] for node in full.passes.nodes if node.scope}
    outside = sum(1 for node in full.passes.nodes if not node.scope)
    small = viz.stepper(loss, params=params, max_nodes=len(reduces) + outside)
    assert small.view == "scopes" and "collapsed" in small._data["note"]
    assert len(small._data["forward"]) == len(small._data["backward"]) == len(reduces) + outside
    labels = [s["label"] for s in small._data["backward"]]
    assert sum(label.startswith("Reduce (") for label in labels) == 7
    finals = {c["name"]: c["grad"] for s in small._data["backward"] for c in s.get("completes", [])}
    assert finals == {c["name"]: c["grad"] for s in full._data["backward"] for c in s.get("completes", [])
                      if c["leaf"]}  # the same leaf gradients in both views
    tiny = viz.stepper(loss, params=params, max_nodes=5)
    assert len(tiny._data["backward"]) <= 2 * 5 and "earlier ops" in tiny.svg()


def test_a_long_chain_stays_a_usable_page():
    requires_dot()
    x = tg.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(4000):
        y = y * 1.0001
    page = viz.stepper(y, max_nodes=200)
    assert page.view == "scopes" and "4000 ops" in page._data["note"]
    assert len(page._data["backward"]) <= 200 + 1
    assert page._data["backward"][-1]["completes"][0]["name"] == "x"


def test_stepper_errors_are_named(monkeypatch, tmp_path):
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="one number"):
        viz.stepper(x * 2.0)
    with pytest.raises(RuntimeError, match="no grad_fn"):
        viz.stepper(tg.tensor(1.0))
    with pytest.raises(TypeError, match="expected the loss Tensor"):
        viz.stepper(1.0)
    with pytest.raises(ValueError, match="max_nodes must be a positive integer"):
        viz.stepper((x * 2.0).sum(), max_nodes=0)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.stepper((x * 2.0).sum(), rankdir="XY")
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.stepper(loss)
    page = viz.stepper((x * 3.0).sum())
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot`
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        page.save(tmp_path / "page.html")
    assert not (tmp_path / "page.html").exists()


def test_graph_command_writes_the_page(tmp_path, capsys):
    requires_dot()
    from tinygrad_edu.examples import graph

    target = tmp_path / "out" / "mazur.html"
    assert graph.main(["mazur", "--html", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    data = page_data(target.read_text("utf-8"))
    lines = [b["line"] for b in data["boxes"].values() if b["name"] == "net_h1"]
    assert lines and lines[0].startswith("mazur_backprop.py:") and "net_h1 =" in lines[0]


# ---- the page in a real browser -----------------------------------------------------------------
def _find(*names: str) -> str | None:
    return next((shutil.which(n) for n in names if shutil.which(n)), None)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium through selenium, with a fresh profile and no network use."""
    required = os.environ.get("TINYGRAD_EDU_REQUIRE_BROWSER") == "1"
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    driver_path = _find("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    if webdriver is None or chromium is None or driver_path is None:
        missing = "selenium (pip install 'tinygrad_edu[browser]')" if webdriver is None else \
            "chromium and chromium-driver (apt-get install chromium chromium-driver)"
        if required:
            pytest.fail(f"TINYGRAD_EDU_REQUIRE_BROWSER=1 but {missing} is missing")
        pytest.skip(f"no browser to test the page in: {missing} is missing")
    profile = tempfile.mkdtemp(prefix="tg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


# What the page shows now, read in one round trip: the step, the highlighted op, and the numbers
# of the panel by the name of the tensor they belong to.
_READ_PAGE = """
var step = document.querySelector('.tgs-panel .tgs-step');
function cells(selector) {
  var found = {};
  document.querySelectorAll(selector).forEach(function (e) {
    found[e.getAttribute('data-name') || e.parentNode.getAttribute('data-input')] = e.textContent;
  });
  return found;
}
return {phase: step.dataset.phase, step: step.dataset.step, node: step.dataset.node || null,
        seq: step.dataset.seq || null,
        current: Array.from(document.querySelectorAll('g.node.tgs-current')).map(function (g) {
          return g.getAttribute('data-id'); }),
        incoming: cells('.tgs-incoming'), local: cells('.tgs-local'), sent: cells('.tgs-sent'),
        final: cells('.tgs-final'), value: cells('.tgs-value')};
"""


def _panel(driver) -> dict:
    return driver.execute_script(_READ_PAGE)


def _press(driver, action: str) -> None:
    driver.find_element("css selector", f'button[data-action="{action}"]').click()


def test_browser_steps_backward_through_the_worked_example(browser, tmp_path):
    E_total, names, results = mazur()
    path = viz.stepper(E_total, params=names).save(tmp_path / "mazur.html")
    processed = []  # the engine's order, seen by hooks on the named results
    for name, tensor in results.items():
        tensor.register_hook(lambda grad, name=name: processed.append(name))
    E_total.backward(retain_graph=True)
    processed.insert(0, "E_total")  # the loss's own op runs first (no hook on the output itself)

    browser.get(Path(path).resolve().as_uri())
    assert _panel(browser)["phase"] == "start"
    seen_seqs, seen_outputs, numbers = [], [], {}
    for step in range(1, 28):
        _press(browser, "backward")
        panel = numbers[step] = _panel(browser)
        assert (panel["phase"], panel["step"]) == ("backward", str(step))
        assert panel["current"] == [panel["node"]]  # the op of this step is the one highlighted
        seen_seqs.append(int(panel["seq"]))
        seen_outputs += [name for name in panel["incoming"] if name in results or name == "E_total"]
    assert seen_seqs == engine_seqs(E_total)  # one op per step, newest first, as the engine does
    assert seen_outputs == processed          # and in the order the engine ran the hooks
    # step 7: Sub sends ∂E/∂out_o1 = out_o1 - target = 0.74136507 to out_o1
    assert numbers[7]["sent"]["out_o1"] == "0.74136507"
    # step 9: σ(net_o1) receives it; its local derivative is σ(1 - σ) = 0.186815602
    assert numbers[9]["incoming"] == {"out_o1": "0.74136507"}
    assert numbers[9]["local"] == {"net_o1": "0.186815602"}
    # step 17: Mul#11 = w5 * out_h1 sends ∂E/∂w5, and w5 ends with its .grad
    assert f"{float(numbers[17]['sent']['w5']):.8g}" == "0.082167041"
    assert "w5.grad = 0.0821670406" in numbers[17]["final"]["w5"]
    assert "w5" not in numbers[16]["final"] and "w5" not in numbers[18]["final"]
    assert "sum of 2" in numbers[17]["final"]["out_h1"]  # where the gradients from both outputs meet
    box = browser.find_element("css selector", 'g.node[data-id="{}"]'.format(
        next(k for k, b in page_data(Path(path).read_text("utf-8"))["boxes"].items() if b["name"] == "w5")))
    assert "grad 0.08217" in box.text
    assert browser.find_element("css selector", 'button[data-action="backward"]').get_attribute("disabled")


def test_browser_forward_keys_and_hover(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains

    E_total, names, _ = mazur(record_lines=True)
    path = viz.stepper(E_total, params=names).save(tmp_path / "mazur.html")
    data = page_data(Path(path).read_text("utf-8"))
    browser.get(Path(path).resolve().as_uri())
    net_h1 = next(k for k, b in data["boxes"].items() if b["name"] == "net_h1")
    box = browser.find_element("css selector", f'g.node[data-id="{net_h1}"]')
    assert "data 0.3775" not in box.text  # not computed yet
    for _ in range(4):
        _press(browser, "forward")
    panel = _panel(browser)
    assert (panel["phase"], panel["step"], panel["node"]) == ("forward", "4", data["forward"][3]["node"])
    assert panel["current"] == [panel["node"]]
    assert "data 0.3775" in box.text  # net_h1 = w1·i1 + w2·i2 + b1, filled in by step 4
    assert panel["value"] == {"net_h1": "0.3775"}
    body = browser.find_element("css selector", "body")
    body.send_keys("\ue014")  # →
    assert _panel(browser)["step"] == "5"
    body.send_keys("\ue012")  # ←
    body.send_keys("\ue012")
    assert _panel(browser)["step"] == "3" and "data 0.3775" not in box.text
    ActionChains(browser).move_to_element(box).perform()
    tip = browser.find_element("css selector", ".tgs-tip")
    assert tip.is_displayed()
    assert "net_h1" in tip.text and "scalar float64" in tip.text
    assert re.search(r"created at: mazur_backprop\.py:\d+\s+net_h1 = ", tip.text)


def test_browser_screenshot_for_the_docs(browser, tmp_path):
    """The picture in docs/visualize.md: the worked example at backward step 17, where ∂E/∂w5 is sent."""
    E_total, names, _ = mazur(record_lines=True)
    path = viz.stepper(E_total, params=names).save(tmp_path / "mazur.html")
    browser.set_window_size(1400, 760)
    browser.get(Path(path).resolve().as_uri())
    for _ in range(17):
        _press(browser, "backward")
    assert "0.0821670406" in browser.find_element("css selector", ".tgs-panel").text
    target = DOCS / "img" / "stepper.png"
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        browser.save_screenshot(str(target))
    assert target.exists(), f"{target} is missing; run with UPDATE_SCREENSHOT=1 to make it"
    assert target.read_bytes().startswith(b"\x89PNG")
