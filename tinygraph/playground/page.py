"""The playground's page: one self-contained HTML document whose script only asks and displays.

Every number on it comes from the server (the engine); the script never does
arithmetic on them.  It makes a session id on load (kept in sessionStorage, so
each tab has its own network; a duplicated tab, which copies sessionStorage, notices
through a BroadcastChannel that a live page holds that id and makes its own) and sends each change as a JSON POST with the token.
"""

from __future__ import annotations

import html

__all__ = ["page_html"]

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;background:#fafafa}
header{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;padding:.5em .8em;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:2}
header h1{font-size:1.05em;margin:0 .6em 0 0}
button,.button{font:inherit;padding:.3em .7em;border:1px solid #888;border-radius:4px;background:#f4f4f4;color:#222;cursor:pointer;text-decoration:none}
button:hover,.button:hover{background:#e8e8e8}
button.primary{background:#0072B2;color:#fff;border-color:#005a8c}
input[type=text]{font:inherit;width:7.5em;padding:.2em .3em;border:1px solid #aaa;border-radius:3px}
input.bad{border-color:#D55E00;background:#fff3ee}
main{display:flex;flex-wrap:wrap;gap:.8em;padding:.8em}
#picture-box{flex:1 1 560px;min-width:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.4em;overflow:auto}
#picture svg{max-width:100%;max-height:calc(100vh - 7em);height:auto;width:auto;display:block;margin:auto}
#picture [id^="neuron-"],#picture [id^="synapse-"]{cursor:pointer}
#picture .selected ellipse,#picture .selected polygon,#picture .selected path{stroke:#E69F00;stroke-width:3}
aside{flex:0 1 340px;min-width:260px;display:flex;flex-direction:column;gap:.6em}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em .7em}
section h2{font-size:.95em;margin:.1em 0 .4em}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.15em .3em;vertical-align:middle}
th{font-weight:600;color:#444}
.num{font-variant-numeric:tabular-nums}
#message:empty{display:none}
#message{padding:.3em .5em;border-radius:4px}
#message.error{background:#fde8df;color:#8a2b00;border:1px solid #D55E00}
#message.ok{background:#eef6ee;color:#1d5e1d;border:1px solid #9c9}
#error-value{font-size:1.3em;font-weight:600}
#steps-box{display:none;padding:0 .8em .8em}
#steps-box.open{display:block}
#steps-box iframe{width:100%;height:680px;border:1px solid #ccc;border-radius:6px;background:#fff}
#train-box svg{width:100%;height:auto;display:block;font:11px system-ui,sans-serif;fill:#333}
#train-box .ax{font-weight:600}
.hint{color:#666;font-size:.85em}
#structure button{padding:.05em .5em;margin:.1em .2em .1em 0}
#structure td{white-space:nowrap;vertical-align:middle}
#structure-why:empty{display:none}
@media (max-width:640px){header h1{width:100%}aside{flex-basis:100%;min-width:0}#picture-box{flex-basis:100%}}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var TOKEN = document.body.getAttribute("data-token");
  // Each tab its own session id, kept in sessionStorage so a reload keeps the tab's network.  A duplicated
  // tab (or one opened from this page) starts with a copy of that sessionStorage: before using a stored id
  // the page asks the other live pages of this playground (BroadcastChannel) whether one holds it, and
  // makes a new id if one answers.  A reload is not fooled: the page that held the id is gone.
  var KEY = "tinygraph-play-session";
  var SESSION = null, settled = false;
  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function keep(id) {
    SESSION = id;
    window.tgSession = id;
    try { sessionStorage.setItem(KEY, id); } catch (e) { /* a private window */ }
  }
  var channel = null;
  try { channel = new BroadcastChannel("tinygraph-play"); } catch (e) { channel = null; }
  if (channel) {
    channel.onmessage = function (e) {
      var m = e.data || {};
      if (m.ask && settled && m.ask === SESSION) { channel.postMessage({mine: SESSION}); }
    };
  }
  function claim() {          // a promise of this tab's id
    var stored = null;
    try { stored = sessionStorage.getItem(KEY); } catch (e) { stored = null; }
    if (!stored || !channel) { keep(stored || newId()); settled = true; return Promise.resolve(SESSION); }
    return new Promise(function (done) {
      var taken = false;
      var listen = function (e) { if (e.data && e.data.mine === stored) { taken = true; } };
      channel.addEventListener("message", listen);
      channel.postMessage({ask: stored});
      setTimeout(function () {
        channel.removeEventListener("message", listen);
        keep(taken ? newId() : stored);
        settled = true;
        done(SESSION);
      }, 150);
    });
  }
  var view = null, selected = null, busy = false;
  var $ = function (id) { return document.getElementById(id); };

  function message(text, bad) {
    var m = $("message");
    m.textContent = text || "";
    m.className = text ? (bad ? "error" : "ok") : "";
  }

  function api(action, body) {
    var t0 = performance.now();
    var payload = {session: SESSION};
    Object.keys(body || {}).forEach(function (k) { payload[k] = body[k]; });
    busy = true;
    return fetch("/api/" + action, {method: "POST", cache: "no-store", credentials: "omit",
                 headers: {"Content-Type": "application/json", "X-Tinygraph-Token": TOKEN},
                 body: JSON.stringify(payload)})
      .then(function (r) {
        return r.json().catch(function () { return {error: "the server sent an answer the page cannot read (HTTP " + r.status + ")"}; });
      })
      .then(function (data) {
        if (data.error) { message(data.error, true); return null; }
        render(data);
        return new Promise(function (done) {
          requestAnimationFrame(function () {
            window.tgLastUpdateMs = performance.now() - t0;
            window.tgUpdates = (window.tgUpdates || 0) + 1;
            $("timing").textContent = "updated in " + Math.round(window.tgLastUpdateMs) + " ms";
            done(data);
          });
        });
      })
      .catch(function (e) { message("the playground server does not answer (was it stopped?): " + e, true); return null; })
      .then(function (x) { busy = false; return x; });
  }
  window.tgApi = api;

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text == null ? "" : text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function box(value, onSet, label) {
    var inp = document.createElement("input");
    inp.type = "text";
    inp.value = value == null ? "" : value;
    inp.setAttribute("aria-label", label);
    inp.spellcheck = false;
    inp.addEventListener("change", function () { onSet(inp); });   // Enter or leaving the box
    return inp;
  }

  function change(kind, fields, inp) {
    var body = {kind: kind, value: inp.value};
    Object.keys(fields).forEach(function (k) { body[k] = fields[k]; });
    return api("set", body).then(function (d) {
      if (d) { inp.classList.remove("bad"); } else { inp.classList.add("bad"); }
      return d;
    });
  }

  function render(d) {
    view = d;
    var svg = new DOMParser().parseFromString(d.svg, "image/svg+xml").documentElement;
    var pic = $("picture");
    pic.replaceChildren(document.importNode(svg, true));
    $("title").textContent = d.title;
    var ins = $("inputs");
    ins.replaceChildren();
    d.inputs.forEach(function (x) {
      var tr = document.createElement("tr");
      cell(tr, x.name);
      var td = cell(tr, "");
      var b = box(x.value, function (inp) { change("input", {name: x.name}, inp); }, "input " + x.name);
      b.id = "input-" + x.name;
      td.appendChild(b);
      ins.appendChild(tr);
    });
    var outs = $("outputs");
    outs.replaceChildren();
    d.outputs.forEach(function (o) {
      var tr = document.createElement("tr");
      cell(tr, o.name);
      var v = cell(tr, o.shown, "num output");
      v.title = o.value;
      v.setAttribute("data-value", o.value);
      v.setAttribute("data-name", o.name);
      var td = cell(tr, "");
      var b = box(o.target, function (inp) { change("target", {name: o.name}, inp); }, "target of " + o.name);
      b.id = "target-" + o.name;
      td.appendChild(b);
      outs.appendChild(tr);
    });
    var e = $("error-value");
    e.textContent = d.loss.shown;
    e.title = d.loss.value;
    e.setAttribute("data-value", d.loss.value);
    $("lr").value = d.lr;
    $("grads-state").textContent = d.grads ? "deltas δ and gradients ∂E/∂w, ∂E/∂θ shown, recomputed on every change"
                                           : "press Backward to see every delta and gradient";
    $("epochs").textContent = d.epochs ? d.epochs + " SGD step(s) so far" : "";
    var tb = $("train-box");
    tb.replaceChildren();
    [d.curve, d.fit].forEach(function (markup) {
      if (!markup) { return; }
      // parsed as HTML: an inline <svg> without xmlns gets the SVG namespace, as in a page
      var s = new DOMParser().parseFromString(markup, "text/html").body.firstElementChild;
      if (s && s.nodeName.toLowerCase() === "svg") { tb.appendChild(document.importNode(s, true)); }
    });
    tb.parentNode.hidden = !d.curve;
    if (d.curve_mark) {                      // the marker at the last epoch trained (where the server says)
      var mk = tb.querySelector("#mark"), dot = tb.querySelector("#dot");
      if (mk) { mk.setAttribute("x1", d.curve_mark[0]); mk.setAttribute("x2", d.curve_mark[0]); }
      if (dot) { dot.setAttribute("cx", d.curve_mark[0]); dot.setAttribute("cy", d.curve_mark[1]); }
    }
    structure(d);
    if (d.note) { message(d.note, false); } else { message("", false); }
    if (d.fresh && window.tgHadState) { message("this tab's playground started afresh (the server kept too many tabs)", false); }
    window.tgHadState = true;
    select(selected && d.items[selected] ? selected : null);
  }

  function button(text, id, title, onClick) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.id = id; b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function structure(d) {
    var box = $("structure");
    box.replaceChildren();
    $("structure-why").textContent = d.not_layered ? "The layers cannot be changed: " + d.not_layered : "";
    if (!d.layers) { return; }
    var t = document.createElement("table");
    d.layers.forEach(function (names, k) {
      var last = k === d.layers.length - 1;
      var tr = document.createElement("tr");
      cell(tr, k === 0 ? "inputs" : last ? "outputs" : "layer " + k);
      cell(tr, names.length + " neuron" + (names.length === 1 ? "" : "s")).title = names.join(", ");
      var td = cell(tr, "");
      if (k > 0 && !last) {
        td.appendChild(button("+", "add-neuron-" + k, "add a neuron to layer " + k,
                              function () { api("add-neuron", {layer: k}); }));
        var minus = button("−", "remove-neuron-" + k, "remove the last neuron of layer " + k,
                           function () { api("remove-neuron", {layer: k}); });
        minus.disabled = names.length < 2;
        td.appendChild(minus);
        td.appendChild(button("remove layer", "remove-layer-" + k, "remove hidden layer " + k,
                              function () { api("remove-layer", {layer: k}); }));
      }
      t.appendChild(tr);
      if (!last) {
        var tr2 = document.createElement("tr");
        cell(tr2, "");
        var td2 = cell(tr2, "");
        td2.colSpan = 2;
        td2.appendChild(button("+ layer here", "add-layer-" + (k + 1), "add a hidden layer of 2 neurons after " +
                               (k === 0 ? "the inputs" : "layer " + k),
                               function () { api("add-layer", {at: k + 1, size: 2}); }));
        t.appendChild(tr2);
      }
    });
    box.appendChild(t);
  }

  function row(table, label, content) {
    var tr = document.createElement("tr");
    cell(tr, label);
    var td = cell(tr, "");
    if (typeof content === "string") { td.textContent = content; td.className = "num"; } else { td.appendChild(content); }
    table.appendChild(tr);
  }

  function select(id) {
    selected = id;
    document.querySelectorAll("#picture .selected").forEach(function (g) { g.classList.remove("selected"); });
    var ed = $("editor");
    ed.replaceChildren();
    if (!id || !view) { $("editor-hint").hidden = false; return; }
    $("editor-hint").hidden = true;
    var it = view.items[id];
    document.querySelectorAll("#picture [id]").forEach(function (g) { if (view.items[g.id] === it) { g.classList.add("selected"); } });
    var t = document.createElement("table");
    if (it.kind === "synapse") {
      row(t, "synapse", it.src + " → " + it.dst + (it.name ? " (" + it.name + ")" : ""));
      var w = box(it.weight, function (inp) { change("weight", {src: it.src, dst: it.dst}, inp); }, "weight");
      w.id = "edit-weight";
      row(t, "weight w", w);
      if (it.grad != null) { row(t, "∂E/∂w", it.grad); }
    } else {
      row(t, "neuron", it.name + " (" + it.role + ")");
      row(t, "value", it.shown);
      if (it.role === "input") {
        var x = box(it.input, function (inp) { change("input", {name: it.name}, inp); }, "input value");
        x.id = "edit-input";
        row(t, "input", x);
      } else {
        if (it.bias != null) {
          var b = box(it.bias, function (inp) { change("bias", {name: it.name}, inp); }, "bias");
          b.id = "edit-bias";
          row(t, "bias θ", b);
        }
        var sel = document.createElement("select");
        sel.id = "edit-activation";
        view.activations.forEach(function (a) {
          var o = document.createElement("option");
          o.value = a; o.textContent = a; if (a === it.activation) { o.selected = true; }
          sel.appendChild(o);
        });
        sel.addEventListener("change", function () { api("activation", {name: it.name, activation: sel.value}); });
        row(t, "activation", sel);
        if (it.delta != null) { row(t, "δ = ∂E/∂net", it.delta); }
        if (it.bias_grad != null) { row(t, "∂E/∂θ", it.bias_grad); }
        if (it.role === "output") {
          var tg = box(it.target, function (inp) { change("target", {name: it.name}, inp); }, "target");
          tg.id = "edit-target";
          row(t, "target t", tg);
        }
      }
    }
    ed.appendChild(t);
  }
  window.tgSelect = select;

  $("picture").addEventListener("click", function (e) {
    var g = e.target.closest ? e.target.closest("[id]") : null;
    while (g && view && !view.items[g.id]) { g = g.parentElement ? g.parentElement.closest("[id]") : null; }
    select(g ? g.id : null);
    var first = $("editor").querySelector("input,select");
    if (first) { first.focus(); if (first.select) { first.select(); } }
  });
  $("backward").addEventListener("click", function () { api("backward", {show: true}); });
  $("step").addEventListener("click", function () { api("step", {}); });
  $("train").addEventListener("click", function () { api("train", {epochs: $("train-epochs").value}); });
  $("reset").addEventListener("click", function () { api("reset", {}); });
  $("lr").addEventListener("change", function () { change("lr", {}, $("lr")); });
  function link(path) { return path + "?token=" + encodeURIComponent(TOKEN) + "&session=" + encodeURIComponent(SESSION); }
  claim().then(function () {
    $("dl-json").href = link("/download/network.json");
    $("dl-explain").href = link("/download/explanation.html");
    api("state", {});
  });
  $("walk").addEventListener("click", function () {
    var boxEl = $("steps-box");
    var frame = boxEl.querySelector("iframe");
    frame.src = link("/steps") + "&at=" + encodeURIComponent(String(Date.now()));
    boxEl.classList.add("open");
    boxEl.scrollIntoView({behavior: "smooth"});
  });
  $("close-steps").addEventListener("click", function () { $("steps-box").classList.remove("open"); });
})();
"""


def page_html(token: str, nonce: str, title: str) -> str:
    """The page, with the token in a data attribute and the script allowed by ``nonce``."""
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>tinygraph playground: {e(title)}</title>
<style nonce="{e(nonce)}">{_STYLE}</style>
</head>
<body data-token="{e(token, quote=True)}">
<header>
<h1>tinygraph playground: <span id="title">{e(title)}</span></h1>
<button id="backward" class="primary" title="backpropagate: every delta and gradient">Backward</button>
<button id="step" title="one SGD step: every weight and bias moves by -η times its gradient">SGD step</button>
<label>η <input id="lr" type="text" aria-label="learning rate" style="width:4.5em"></label>
<button id="train">Train</button><input id="train-epochs" type="text" value="100" aria-label="epochs" style="width:4em"> epochs
<button id="reset">Reset</button>
<button id="walk" title="the step player: backprop one chain-rule step at a time">Step through backprop</button>
<a id="dl-json" class="button" download>Network JSON</a>
<a id="dl-explain" class="button" download>Explanation</a>
<span id="timing" class="hint"></span>
</header>
<main>
<div id="picture-box"><div id="picture" aria-live="polite"></div>
<p class="hint">Click a neuron or a synapse (its weight) to change it. Type a number and press Enter.</p></div>
<aside>
<div id="message" role="alert"></div>
<section><h2>Error E = ½ Σ (O − t)²</h2><div id="error-value" class="num">…</div>
<div id="grads-state" class="hint"></div><div id="epochs" class="hint"></div></section>
<section><h2>Selected</h2><p id="editor-hint" class="hint">Nothing selected: click a neuron or a synapse in the picture.</p><div id="editor"></div></section>
<section><h2>Inputs</h2><table><tbody id="inputs"></tbody></table></section>
<section><h2>Outputs and targets</h2><table><thead><tr><th>neuron</th><th>output O</th><th>target t</th></tr></thead><tbody id="outputs"></tbody></table></section>
<section><h2>Layers</h2><div id="structure"></div><p id="structure-why" class="hint"></p></section>
<section hidden><h2>Training</h2><div id="train-box"></div></section>
</aside>
</main>
<div id="steps-box"><p><button id="close-steps">Close the step player</button></p>
<iframe title="backprop step by step"></iframe></div>
<script nonce="{e(nonce)}">{_SCRIPT}</script>
</body>
</html>
"""

