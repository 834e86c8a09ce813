/* The playground: shows what the server (the engine) sends and sends back each change; it does no arithmetic
   on the numbers.  Every request carries the page's token and this tab's session id. */
(() => {
  "use strict";
  const TOKEN = document.body.getAttribute("data-token");
  // Each tab its own session id, kept in sessionStorage so a reload keeps the tab's network.  A duplicated
  // tab (or one opened from this page) starts with a copy of that sessionStorage: before using a stored id
  // the page asks the other live pages of this playground (BroadcastChannel) whether one holds it, and
  // makes a new id if one answers.  A reload is not fooled: the page that held the id is gone.
  const KEY = "tinygraph-play-session";
  let SESSION = null, settled = false;
  function newId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function keep(id) {
    SESSION = id;
    window.tgSession = id;
    try { sessionStorage.setItem(KEY, id); } catch { /* a private window */ }
  }
  let channel = null;
  try { channel = new BroadcastChannel("tinygraph-play"); } catch { channel = null; }
  if (channel) {
    channel.addEventListener("message", (e) => {
      const m = e.data || {};
      if (m.ask && settled && m.ask === SESSION) { channel.postMessage({mine: SESSION}); }
    });
  }
  function claim() {          // a promise of this tab's id
    let stored = null;
    try { stored = sessionStorage.getItem(KEY); } catch { stored = null; }
    if (!stored || !channel) { keep(stored || newId()); settled = true; return Promise.resolve(SESSION); }
    return new Promise((done) => {
      let taken = false;
      const listen = (e) => { if (e.data && e.data.mine === stored) { taken = true; } };
      channel.addEventListener("message", listen);
      channel.postMessage({ask: stored});
      setTimeout(() => {
        channel.removeEventListener("message", listen);
        keep(taken ? newId() : stored);
        settled = true;
        done(SESSION);
      }, 150);
    });
  }
  let view = null, selected = null;
  const $ = (id) => document.getElementById(id);

  function message(text, bad) {
    const m = $("message");
    m.textContent = text || "";
    m.className = text ? (bad ? "error" : "ok") : "";
  }

  function api(action, body) {
    const t0 = performance.now();
    const payload = {session: SESSION, ...body};
    return fetch(`/api/${action}`, {method: "POST", cache: "no-store", credentials: "omit",
                 headers: {"Content-Type": "application/json", "X-Tinygraph-Token": TOKEN},
                 body: JSON.stringify(payload)})
      .then((r) => r.json().catch(() => ({error: `the server sent an answer the page cannot read (HTTP ${r.status})`})))
      .then((data) => {
        if (data.error) { message(data.error, true); return null; }
        render(data);
        return new Promise((done) => {
          requestAnimationFrame(() => {
            window.tgLastUpdateMs = performance.now() - t0;
            window.tgUpdates = (window.tgUpdates || 0) + 1;
            $("timing").textContent = `updated in ${Math.round(window.tgLastUpdateMs)} ms`;
            done(data);
          });
        });
      })
      .catch((e) => { message(`the playground server does not answer (was it stopped?): ${e}`, true); return null; });
  }
  window.tgApi = api;

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function box(value, onSet, label) {
    const inp = document.createElement("input");
    inp.type = "text";
    inp.value = value == null ? "" : value;
    inp.setAttribute("aria-label", label);
    inp.spellcheck = false;
    inp.addEventListener("change", () => { onSet(inp); });   // Enter or leaving the box
    return inp;
  }

  function change(kind, fields, inp) {
    return api("set", {kind, value: inp.value, ...fields}).then((d) => {
      if (d) { inp.classList.remove("bad"); } else { inp.classList.add("bad"); }
      return d;
    });
  }

  function render(d) {
    view = d;
    const svg = new DOMParser().parseFromString(d.svg, "image/svg+xml").documentElement;
    const pic = $("picture");
    pic.replaceChildren(document.importNode(svg, true));
    $("title").textContent = d.title;
    const ins = $("inputs");
    ins.replaceChildren();
    d.inputs.forEach((x) => {
      const tr = document.createElement("tr");
      cell(tr, x.name);
      const td = cell(tr, "");
      const b = box(x.value, (inp) => { change("input", {name: x.name}, inp); }, `input ${x.name}`);
      b.id = `input-${x.name}`;
      td.appendChild(b);
      ins.appendChild(tr);
    });
    const outs = $("outputs");
    outs.replaceChildren();
    d.outputs.forEach((o) => {
      const tr = document.createElement("tr");
      cell(tr, o.name);
      const v = cell(tr, o.shown, "num output");
      v.title = o.value;
      v.setAttribute("data-value", o.value);
      v.setAttribute("data-name", o.name);
      const td = cell(tr, "");
      const b = box(o.target, (inp) => { change("target", {name: o.name}, inp); }, `target of ${o.name}`);
      b.id = `target-${o.name}`;
      td.appendChild(b);
      outs.appendChild(tr);
    });
    const e = $("error-value");
    e.textContent = d.loss.shown;
    e.title = d.loss.value;
    e.setAttribute("data-value", d.loss.value);
    $("lr").value = d.lr;
    $("grads-state").textContent = d.grads ? "deltas δ and gradients ∂E/∂w, ∂E/∂θ shown, recomputed on every change"
                                           : "press Backward to see every delta and gradient";
    $("epochs").textContent = d.epochs ? `${d.epochs} SGD step(s) so far` : "";
    const tb = $("train-box");
    tb.replaceChildren();
    [d.curve, d.fit].forEach((markup) => {
      if (!markup) { return; }
      // parsed as HTML: an inline <svg> without xmlns gets the SVG namespace, as in a page
      const s = new DOMParser().parseFromString(markup, "text/html").body.firstElementChild;
      if (s && s.nodeName.toLowerCase() === "svg") { tb.appendChild(document.importNode(s, true)); }
    });
    tb.parentNode.hidden = !d.curve;
    if (d.curve_mark) {                      // the marker at the last epoch trained (where the server says)
      const mk = tb.querySelector("#mark"), dot = tb.querySelector("#dot");
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
    const b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.id = id; b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function structure(d) {
    const holder = $("structure");
    holder.replaceChildren();
    $("structure-why").textContent = d.not_layered ? `The layers cannot be changed: ${d.not_layered}` : "";
    if (!d.layers) { return; }
    const t = document.createElement("table");
    d.layers.forEach((names, k) => {
      const last = k === d.layers.length - 1;
      const tr = document.createElement("tr");
      cell(tr, k === 0 ? "inputs" : last ? "outputs" : `layer ${k}`);
      cell(tr, `${names.length} neuron${names.length === 1 ? "" : "s"}`).title = names.join(", ");
      const td = cell(tr, "");
      if (k > 0 && !last) {
        td.appendChild(button("+", `add-neuron-${k}`, `add a neuron to layer ${k}`,
                              () => { api("add-neuron", {layer: k}); }));
        const minus = button("−", `remove-neuron-${k}`, `remove the last neuron of layer ${k}`,
                           () => { api("remove-neuron", {layer: k}); });
        minus.disabled = names.length < 2;
        td.appendChild(minus);
        td.appendChild(button("remove layer", `remove-layer-${k}`, `remove hidden layer ${k}`,
                              () => { api("remove-layer", {layer: k}); }));
      }
      t.appendChild(tr);
      if (!last) {
        const tr2 = document.createElement("tr");
        cell(tr2, "");
        const td2 = cell(tr2, "");
        td2.colSpan = 2;
        const after = k === 0 ? "the inputs" : `layer ${k}`;
        td2.appendChild(button("+ layer here", `add-layer-${k + 1}`, `add a hidden layer of 2 neurons after ${after}`,
                               () => { api("add-layer", {at: k + 1, size: 2}); }));
        t.appendChild(tr2);
      }
    });
    holder.appendChild(t);
  }

  function row(table, label, content) {
    const tr = document.createElement("tr");
    cell(tr, label);
    const td = cell(tr, "");
    if (typeof content === "string") { td.textContent = content; td.className = "num"; } else { td.appendChild(content); }
    table.appendChild(tr);
  }

  function select(id) {
    selected = id;
    document.querySelectorAll("#picture .selected").forEach((g) => { g.classList.remove("selected"); });
    const ed = $("editor");
    ed.replaceChildren();
    if (!id || !view) { $("editor-hint").hidden = false; return; }
    $("editor-hint").hidden = true;
    const it = view.items[id];
    document.querySelectorAll("#picture [id]").forEach((g) => { if (view.items[g.id] === it) { g.classList.add("selected"); } });
    const t = document.createElement("table");
    if (it.kind === "synapse") {
      row(t, "synapse", `${it.src} → ${it.dst}${it.name ? ` (${it.name})` : ""}`);
      const w = box(it.weight, (inp) => { change("weight", {src: it.src, dst: it.dst}, inp); }, "weight");
      w.id = "edit-weight";
      row(t, "weight w", w);
      if (it.grad != null) { row(t, "∂E/∂w", it.grad); }
    } else {
      row(t, "neuron", `${it.name} (${it.role})`);
      row(t, "value", it.shown);
      if (it.role === "input") {
        const x = box(it.input, (inp) => { change("input", {name: it.name}, inp); }, "input value");
        x.id = "edit-input";
        row(t, "input", x);
      } else {
        if (it.bias != null) {
          const b = box(it.bias, (inp) => { change("bias", {name: it.name}, inp); }, "bias");
          b.id = "edit-bias";
          row(t, "bias θ", b);
        }
        const sel = document.createElement("select");
        sel.id = "edit-activation";
        view.activations.forEach((a) => {
          const o = document.createElement("option");
          o.value = a; o.textContent = a; if (a === it.activation) { o.selected = true; }
          sel.appendChild(o);
        });
        sel.addEventListener("change", () => { api("activation", {name: it.name, activation: sel.value}); });
        row(t, "activation", sel);
        if (it.delta != null) { row(t, "δ = ∂E/∂net", it.delta); }
        if (it.bias_grad != null) { row(t, "∂E/∂θ", it.bias_grad); }
        if (it.role === "output") {
          const tg = box(it.target, (inp) => { change("target", {name: it.name}, inp); }, "target");
          tg.id = "edit-target";
          row(t, "target t", tg);
        }
      }
    }
    ed.appendChild(t);
  }
  window.tgSelect = select;

  $("picture").addEventListener("click", (e) => {
    let g = e.target.closest ? e.target.closest("[id]") : null;
    while (g && view && !view.items[g.id]) { g = g.parentElement ? g.parentElement.closest("[id]") : null; }
    select(g ? g.id : null);
    const first = $("editor").querySelector("input,select");
    if (first) { first.focus(); if (first.select) { first.select(); } }
  });
  $("backward").addEventListener("click", () => { api("backward", {show: true}); });
  $("step").addEventListener("click", () => { api("step", {}); });
  $("train").addEventListener("click", () => { api("train", {epochs: $("train-epochs").value}); });
  $("reset").addEventListener("click", () => { api("reset", {}); });
  $("lr").addEventListener("change", () => { change("lr", {}, $("lr")); });
  function link(path) { return `${path}?token=${encodeURIComponent(TOKEN)}&session=${encodeURIComponent(SESSION)}`; }
  claim().then(() => {
    $("dl-json").href = link("/download/network.json");
    $("dl-explain").href = link("/download/explanation.html");
    api("state", {});
  });
  $("walk").addEventListener("click", () => {
    const boxEl = $("steps-box");
    const frame = boxEl.querySelector("iframe");
    frame.src = `${link("/steps")}&at=${encodeURIComponent(String(Date.now()))}`;
    boxEl.classList.add("open");
    boxEl.scrollIntoView({behavior: "smooth"});
  });
  $("close-steps").addEventListener("click", () => { $("steps-box").classList.remove("open"); });
})();
