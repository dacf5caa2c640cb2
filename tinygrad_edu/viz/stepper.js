// The stepper page: steps through the forward pass (creation order) and the backward pass (the
// engine's order) on the SVG that Graphviz drew. Every number it shows comes from the JSON that
// tg.viz.stepper wrote (the records of backward_steps, formatted as explain formats them).
function tgStepper(root, standalone) {
  "use strict";
  var data = JSON.parse(root.querySelector("script.tgs-data").textContent);
  var svg = root.querySelector(".tgs-graph svg");
  var panel = root.querySelector(".tgs-panel");
  var where = root.querySelector(".tgs-where");
  var tip = root.querySelector(".tgs-tip");
  var F = data.forward.length, B = data.backward.length;
  var pos = 0;  // 0: nothing run yet; 1..F: forward steps; F+1..F+B: backward steps
  var loss = data.loss;

  // ---- index the picture: Graphviz puts each node's and edge's DOT id in a <title> -----------------
  var nodes = {}, edges = {};
  svg.querySelectorAll("g.node").forEach(function (g) {
    var title = g.querySelector("title");
    nodes[title.textContent] = g;
    g.setAttribute("data-id", title.textContent);
    title.remove();  // our own tooltip replaces the browser's
  });
  svg.querySelectorAll("g.edge").forEach(function (g) {
    var title = g.querySelector("title");
    var key = title.textContent.replace("\u2192", "->");
    (edges[key] = edges[key] || []).push(g);
    g.setAttribute("data-edge", key);
    title.remove();
  });
  svg.querySelectorAll("title").forEach(function (t) { t.remove(); });

  function norm(s) { return s.replace(/\s+/g, " ").trim(); }
  var rows = {};  // box id -> the <text> elements of its data row and grad row
  Object.keys(data.boxes).forEach(function (id) {
    var box = data.boxes[id], g = nodes[id], found = {};
    if (!g) return;
    g.querySelectorAll("text").forEach(function (t) {
      var s = norm(t.textContent);
      if (box.dataLine && s === norm(box.dataLine) && !found.data) found.data = t;
      else if (box.gradLine && s === norm(box.gradLine) && !found.grad) found.grad = t;
    });
    rows[id] = found;
  });

  // ---- helpers ----------------------------------------------------------------------------------
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function num(s) { return '<span class="tgs-num">' + esc(s) + "</span>"; }
  function backwardIndex() { return pos > F ? pos - F : 0; }
  function dataShown(box) { return box.dataStep === undefined || pos >= box.dataStep; }
  function gradShown(box) { return box.gradStep !== undefined && backwardIndex() >= box.gradStep; }
  function mark(id, cls) { if (id && nodes[id]) nodes[id].classList.add(cls); }
  function edgeOf(from, to, occurrence) {
    var list = edges[from + "->" + to];
    return list ? list[Math.min(occurrence || 0, list.length - 1)] : null;
  }

  function fillRows() {
    Object.keys(rows).forEach(function (id) {
      var box = data.boxes[id], r = rows[id];
      [["data", dataShown(box), box.dataLine, box.dataStep, pos],
       ["grad", gradShown(box), box.gradLine, box.gradStep, backwardIndex()]].forEach(function (row) {
        var t = r[row[0]];
        if (!t) return;
        t.textContent = row[1] ? row[2] : row[0];
        t.classList.toggle("tgs-empty", !row[1]);
        t.classList.toggle("tgs-fresh", row[1] && row[3] !== undefined && row[3] === row[4] &&
                           (row[0] === "grad" ? pos > F : pos <= F));
      });
    });
  }

  function badge(edge, label) {  // the gradient sent along an edge, written at its middle
    var path = edge && edge.querySelector("path");
    if (!path) return;
    var mid = path.getPointAtLength(path.getTotalLength() / 2);
    var ns = "http://www.w3.org/2000/svg";
    var g = document.createElementNS(ns, "g"), rect = document.createElementNS(ns, "rect");
    var text = document.createElementNS(ns, "text");
    g.setAttribute("class", "tgs-badge");
    text.setAttribute("x", mid.x); text.setAttribute("y", mid.y + 3.5);
    text.setAttribute("text-anchor", "middle");
    text.textContent = label;
    g.appendChild(rect); g.appendChild(text); edge.parentNode.appendChild(g);
    var bb = text.getBBox();
    rect.setAttribute("x", bb.x - 3); rect.setAttribute("y", bb.y - 1);
    rect.setAttribute("width", bb.width + 6); rect.setAttribute("height", bb.height + 2);
    rect.setAttribute("rx", 3);
  }

  // ---- the panel ----------------------------------------------------------------------------------
  function startPanel() {
    return '<div class="tgs-step" data-phase="start" data-step="0">' +
      "<h3>" + esc(data.title) + "</h3>" +
      "<p><b>forward</b> (&#x2191;) runs the ops one by one in the order they were recorded " +
      "and fills in each value; <b>backward</b> (&#x2193;) then walks the tape as <code>" + esc(loss) +
      ".backward()</code> does, newest op first: each op receives &#x2202;" + esc(loss) +
      "/&#x2202;output, multiplies it by its local derivative and sends &#x2202;" + esc(loss) +
      "/&#x2202;input along each edge (the chain rule). &#x2192; is the next step, &#x2190; goes back one.</p>" +
      '<p class="tgs-hint">' + F + " forward steps, " + B + " backward steps. Hover a box or an op " +
      "for its values, shape, dtype and the line that created it.</p></div>";
  }

  function forwardPanel(k) {
    var s = data.forward[k - 1], html = "";
    html += '<div class="tgs-step" data-phase="forward" data-step="' + k + '" data-node="' + esc(s.node) + '">';
    html += "<h3>forward step " + k + " of " + F + ": " + esc(s.label) + "</h3>";
    if (s.formula) html += '<div class="tgs-formula">' + esc(s.formula) + "</div>";
    html += "<table><tr><th>input</th><th>value</th></tr>";
    s.inputs.forEach(function (i) {
      html += "<tr><td>" + esc(i.name) + "</td><td>" + (i.value === null ? "(not kept)" : num(i.value)) + "</td></tr>";
    });
    html += "<tr><th>output</th><th>value</th></tr>";
    s.outputs.forEach(function (o) {
      html += '<tr><td>' + esc(o.name) + '</td><td class="tgs-value" data-name="' + esc(o.name) + '">' +
        (o.value === null ? '<span class="tgs-hint">not kept by the graph: pass the tensor in params to see it</span>'
                          : num(o.value)) + "</td></tr>";
    });
    return html + "</table></div>";
  }

  function backwardPanel(b) {
    var s = data.backward[b - 1], html = "";
    html += '<div class="tgs-step" data-phase="backward" data-step="' + b + '" data-node="' + esc(s.node) +
      '" data-seq="' + s.seq + '">';
    html += "<h3>backward step " + b + " of " + B + ": " + esc(s.label) + "</h3>";
    if (s.formula) html += '<div class="tgs-formula">' + esc(s.formula) + "</div>";
    if (!s.reached) return html + "<p>No gradient reaches this op: nothing to do.</p></div>";
    html += "<table><tr><th>gradient arriving at</th><th>&#x2202;" + esc(loss) + "/&#x2202;output</th></tr>";
    s.outputs.forEach(function (o) {
      html += "<tr><td>" + esc(o.name) + '</td><td class="tgs-num tgs-incoming" data-name="' + esc(o.name) + '">' +
        esc(o.grad) + "</td></tr>";
      if (o.pieces.length > 1) {
        html += '<tr><td colspan="2" class="tgs-sum">gradients meet here, so they are summed: ' +
          o.pieces.map(function (p) { return num(p.grad) + " (from " + esc(p.sender) + ")"; }).join(" + ") +
          " = " + num(o.grad) + "</td></tr>";
      }
    });
    html += "</table><table><tr><th>input</th><th>local &#x2202;output/&#x2202;input</th><th>sends &#x2202;" +
      esc(loss) + "/&#x2202;input</th></tr>";
    s.inputs.forEach(function (i) {
      html += '<tr data-input="' + esc(i.name) + '"><td>' + esc(i.name) + '</td><td class="tgs-num tgs-local">' +
        esc(i.local) + '</td><td class="tgs-num tgs-sent">' + esc(i.sent) + "</td></tr>";
    });
    html += "</table>";
    if (s.inputs.length) {
      html += '<p class="tgs-hint">sent = arriving &#xD7; local derivative (summed back to the input\'s shape ' +
        "where the op broadcast it); where the local derivative is not one number per element, see the formula.</p>";
    }
    (s.completes || []).forEach(function (c) {
      var how = c.pieces > 1 ? " (the sum of " + c.pieces + " gradients)" : "";
      html += '<p class="tgs-final" data-name="' + esc(c.name) + '">' +
        (c.leaf ? esc(c.name) + ".grad = " + num(c.grad) + how + ": final, this is what " + esc(loss) +
                  ".backward() adds to it"
                : "&#x2202;" + esc(loss) + "/&#x2202;" + esc(c.name) + " = " + num(c.grad) + how + " is complete") +
        "</p>";
    });
    return html + "</div>";
  }

  // ---- drawing one position -----------------------------------------------------------------------
  function render() {
    root.querySelectorAll(".tgs-current, .tgs-out, .tgs-in, .tgs-done, .tgs-active, .tgs-forward")
      .forEach(function (e) { e.classList.remove("tgs-current", "tgs-out", "tgs-in", "tgs-done", "tgs-active", "tgs-forward"); });
    root.querySelectorAll(".tgs-badge").forEach(function (e) { e.remove(); });
    fillRows();
    var current = null;
    if (pos === 0) {
      panel.innerHTML = startPanel();
      where.textContent = "before the forward pass";
    } else if (pos <= F) {
      var f = data.forward[pos - 1];
      current = f.node;
      mark(f.node, "tgs-current");
      f.outputs.forEach(function (o) { mark(o.box, "tgs-out"); });
      var counts = {};
      f.inputs.forEach(function (i) {
        if (!i.box) return;
        mark(i.box, "tgs-in");
        var key = i.box + "->" + f.node;
        var e = edgeOf(i.box, f.node, counts[key] = (counts[key] === undefined ? 0 : counts[key] + 1));
        if (e) e.classList.add("tgs-forward");
      });
      panel.innerHTML = forwardPanel(pos);
      where.textContent = "forward step " + pos + " of " + F;
    } else {
      var b = pos - F, s = data.backward[b - 1];
      current = s.node;
      mark(s.node, "tgs-current");
      s.outputs.forEach(function (o) { mark(o.box, "tgs-out"); });
      s.inputs.forEach(function (i) {
        if (!i.box) return;
        mark(i.box, "tgs-in");
        var e = edgeOf(i.box, s.node, i.edge);
        if (e) { e.classList.add("tgs-active"); badge(e, i.short); }
      });
      (s.completes || []).forEach(function (c) { mark(c.box, "tgs-done"); });
      panel.innerHTML = backwardPanel(b);
      where.textContent = "backward step " + b + " of " + B;
    }
    root.setAttribute("data-position", pos);
    root.querySelector('[data-action="previous"]').disabled = pos === 0;
    root.querySelector('[data-action="start"]').disabled = pos === 0;
    root.querySelector('[data-action="forward"]').disabled = pos >= F;
    root.querySelector('[data-action="backward"]').disabled = pos >= F + B;
    if (current && nodes[current]) centre(nodes[current]);
  }

  function centre(g) {  // scroll the picture (not the page) so that g is in the middle
    var box = root.querySelector(".tgs-graph"), r = g.getBoundingClientRect(), c = box.getBoundingClientRect();
    box.scrollTop += (r.top + r.height / 2) - (c.top + c.height / 2);
    box.scrollLeft += (r.left + r.width / 2) - (c.left + c.width / 2);
  }

  function go(to) { pos = Math.max(0, Math.min(F + B, to)); render(); }
  var actions = {
    start: function () { go(0); },
    previous: function () { go(pos - 1); },
    forward: function () { if (pos < F) go(pos + 1); },
    backward: function () { go(pos < F ? F + 1 : pos + 1); }  // the backward pass needs the values first
  };
  root.querySelectorAll("button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { actions[button.getAttribute("data-action")](); });
  });
  (standalone ? document : root).addEventListener("keydown", function (event) {
    var keys = {ArrowRight: function () { go(pos + 1); }, ArrowLeft: actions.previous,
                ArrowDown: actions.backward, ArrowUp: actions.forward,
                Home: actions.start, End: function () { go(F + B); }};
    if (keys[event.key]) { keys[event.key](); event.preventDefault(); }
  });

  // ---- hover: the details of a box or an op ----------------------------------------------------
  function details(id) {
    var box = data.boxes[id], op = data.ops[id], lines = [];
    if (box) {
      lines.push((box.name || "result") + "   " + box.shape + "   (" + box.kind + ")");
      if (box.data !== null) lines.push("value: " + (dataShown(box) ? box.data : "(not computed yet)"));
      if (box.grad !== null) {
        lines.push((box.kind === "parameter" ? ".grad: " : "\u2202" + loss + "/\u2202 it: ") +
                   (gradShown(box) ? box.grad : "(not known yet)"));
      }
      if (box.kind === "parameter" || box.kind === "constant") lines.push("a leaf: made by your code, not by an op");
      else lines.push("created at: " + (box.line || "(not recorded: run the forward pass inside " +
                                                    "`with tg.detect_anomaly():` to record each op's line)"));
    } else if (op) {
      lines.push(op.label + "   (op number " + op.seq + " created in this program)");
      if (op.formula) lines.push(op.formula);
      if (op.ops) lines.push(op.ops);
      lines.push("created at: " + (op.line || "(not recorded: run the forward pass inside " +
                                             "`with tg.detect_anomaly():` to record each op's line)"));
    }
    return lines.join("\n");
  }
  Object.keys(nodes).forEach(function (id) {
    var g = nodes[id];
    g.addEventListener("mouseenter", function () {
      var text = details(id);
      if (!text) return;
      tip.textContent = text;
      tip.hidden = false;
    });
    g.addEventListener("mousemove", function (event) {
      tip.style.left = (event.clientX + 14) + "px";
      tip.style.top = (event.clientY + 14) + "px";
    });
    g.addEventListener("mouseleave", function () { tip.hidden = true; });
  });

  // ---- size: fit the picture to the width when that keeps the text readable ----------------------
  var natural = {width: svg.getAttribute("width"), height: svg.getAttribute("height")};
  var zoom = root.querySelector('[data-action="zoom"]');
  var shown = root.querySelector(".tgs-graph").clientWidth || 800;
  function fit(on) {  // fit: shrink to the width of the view (never enlarge); else Graphviz's size
    if (on) {
      svg.setAttribute("width", Math.min(svg.viewBox.baseVal.width * 4 / 3, shown - 4) + "px");  // 1pt = 4/3 px
      svg.removeAttribute("height");
    } else { svg.setAttribute("width", natural.width); svg.setAttribute("height", natural.height); }
    zoom.textContent = on ? "actual size" : "fit to width";
    zoom.setAttribute("data-fit", on ? "1" : "0");
  }
  zoom.addEventListener("click", function () { fit(zoom.getAttribute("data-fit") !== "1"); });
  fit(svg.viewBox.baseVal.width * 4 / 3 <= 1.8 * shown);  // (Graphviz sizes in points: 1pt = 4/3 px)

  if (standalone) root.focus();
  render();
}
