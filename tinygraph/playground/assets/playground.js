/* The playground: shows what the engine sends and sends back each change; it does no arithmetic on the
   numbers.  The engine is reached through a transport: HTTP to the local server (tinygraph play; every
   request carries the page's token and this tab's session id), or the engine itself running in this page
   in Pyodide (tinygraph site: assets/site.js sets window.tgTransport before this script runs). */
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

  function link(path) { return `${path}?token=${encodeURIComponent(TOKEN)}&session=${encodeURIComponent(SESSION)}`; }
  // A transport: call(action, body) -> a promise of the view (or {error}); gone(e): what to say when it
  // fails; download(anchor, what) readies a download link; steps(frame) shows the step player in the frame.
  function httpTransport() {
    return {
      call: (action, body) => fetch(`/api/${action}`, {method: "POST", cache: "no-store", credentials: "omit",
                                    headers: {"Content-Type": "application/json", "X-Tinygraph-Token": TOKEN},
                                    body: JSON.stringify(body)})
        .then((r) => r.json().catch(() => ({error: `the server sent an answer the page cannot read (HTTP ${r.status})`}))),
      gone: (e) => `the playground server does not answer (was it stopped?): ${e}`,
      download: (a, what) => { a.href = link(`/download/${what}`); },
      steps: (frame) => { frame.src = `${link("/steps")}&at=${encodeURIComponent(String(Date.now()))}`; },
    };
  }
  const transport = window.tgTransport || httpTransport();

  function api(action, body) {
    const t0 = performance.now();
    const payload = {session: SESSION, ...body};
    return transport.call(action, payload)
      .then((data) => {
        if (data.error) { message(data.error, true); return null; }
        render(data);
        return new Promise((done) => {
          requestAnimationFrame(() => {
            window.tgLastUpdateMs = performance.now() - t0;
            window.tgFirstShownAt = window.tgFirstShownAt || performance.now();   // since the page was asked for
            window.tgUpdates = (window.tgUpdates || 0) + 1;
            $("timing").textContent = `updated in ${Math.round(window.tgLastUpdateMs)} ms`;
            done(data);
          });
        });
      })
      .catch((e) => { message(transport.gone(e), true); return null; });
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

  // The picture: a new SVG only when the server drew one (its layout is kept by the server, so neurons stay
  // where they were); between drawings (while playing) the weights' labels are rewritten in place.  Zoom and
  // pan are the SVG's viewBox, kept across drawings.
  let base = null, zoom = null;
  function applyZoom() {
    const svg = $("picture").querySelector("svg");
    if (!svg || !base) { return; }
    const z = zoom || base;
    svg.setAttribute("viewBox", `${z[0]} ${z[1]} ${z[2]} ${z[3]}`);
  }
  function picture(d) {
    const pic = $("picture");
    if (d.svg) {
      const svg = new DOMParser().parseFromString(d.svg, "image/svg+xml").documentElement;
      const vb = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
      if (vb.length === 4 && !vb.some(Number.isNaN)) {
        if (!base || base.join() !== vb.join()) { zoom = null; }
        base = vb;
      }
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
      pic.replaceChildren(document.importNode(svg, true));
      applyZoom();
      return;
    }
    Object.entries(d.items).forEach(([id, it]) => {      // no new drawing: the weights' numbers in place
      if (it.kind !== "synapse" || id.endsWith("-tail") || id.endsWith("-head")) { return; }
      const g = document.getElementById(id);
      const t = g ? g.querySelector("text") : null;
      if (t) { t.textContent = it.shown; }
    });
  }

  function render(d) {
    view = d;
    picture(d);
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
    $("epochs").textContent = d.epochs ? `${d.epochs} ${d.lab ? "epoch(s) or step(s)" : "SGD step(s)"} so far` : "";
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
    lab(d);
    if (d.note) { message(d.note, false); } else { message("", false); }
    if (d.fresh && window.tgHadState) { message("this tab's playground started afresh (the server kept too many tabs)", false); }
    window.tgHadState = true;
    select(selected && d.items[selected] ? selected : null);
  }

  // -- the data set, the decision surface and both error curves (numbers from the server) ----------------
  const BLUE = [0, 114, 178], ORANGE = [230, 159, 0];
  function mix(v) {                         // an output 0..1 as a colour from orange (0) to blue (1)
    const a = Math.max(0, Math.min(1, v));
    return ORANGE.map((c, i) => Math.round(c + (BLUE[i] - c) * a));
  }
  function dataControls(L) {
    const sel = $("data-name");
    if (sel.options.length !== L.choices.length) {
      sel.replaceChildren();
      L.choices.forEach((c) => {
        const o = document.createElement("option");
        o.value = c; o.textContent = c === "csv" ? L.csv_name : c;
        sel.appendChild(o);
      });
    }
    sel.value = L.name;
    [["data-noise", L.noise], ["data-ratio", L.ratio], ["data-n", L.n], ["data-batch", L.batch]].forEach(([id, v]) => {
      if (document.activeElement !== $(id)) { $(id).value = String(v); }
    });
    $("data-noise").disabled = $("data-n").disabled = L.name === "csv";
    $("data-about").textContent = `${L.train_size} training and ${L.test_size} test points, inputs standardised ` +
      "(mean 0, standard deviation 1). Each step: every weight and bias moves by −η × the mean over the batch of its gradient.";
  }
  function surface(L) {
    const c = $("surface"), ctx = c.getContext("2d");
    const S = L.surface, W = c.width, H = c.height;
    ctx.clearRect(0, 0, W, H);
    if (!S) { return; }
    const small = document.createElement("canvas");       // one pixel per grid point, scaled up smoothly
    small.width = small.height = S.grid;
    const img = small.getContext("2d").createImageData(S.grid, S.grid);
    S.values.forEach((v, k) => {
      const [r, g, b] = mix(v);
      img.data.set([(r + 255) >> 1, (g + 255) >> 1, (b + 255) >> 1, 255], 4 * k);   // a lighter tint
    });
    small.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, W, H);
    L.points.forEach(([x, y, t, tr]) => {
      const px = (x - S.x[0]) / (S.x[1] - S.x[0]) * W, py = (S.y[1] - y) / (S.y[1] - S.y[0]) * H;
      const [r, g, b] = mix(t);
      ctx.beginPath();
      ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.strokeStyle = "#fff";
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      if (tr) { ctx.fill(); ctx.stroke(); } else { ctx.strokeStyle = `rgb(${r},${g},${b})`; ctx.lineWidth = 1.5; ctx.stroke(); ctx.lineWidth = 1; }
    });
    const k = L.chosen;
    if (k != null && L.points[k]) {          // the sample shown: a black ring
      const [x, y] = L.points[k];
      ctx.beginPath();
      ctx.arc((x - S.x[0]) / (S.x[1] - S.x[0]) * W, (S.y[1] - y) / (S.y[1] - S.y[0]) * H, 6, 0, 2 * Math.PI);
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
  function curves(L) {
    const c = $("curves"), ctx = c.getContext("2d"), W = c.width, H = c.height, pad = 4;
    ctx.clearRect(0, 0, W, H);
    const all = L.train_curve.concat(L.test_curve);
    if (!all.length) { return; }
    const last = Math.max(1, ...all.map((p) => p[0]));
    const top = Math.max(1e-9, ...all.map((p) => p[1]));
    [[L.train_curve, BLUE], [L.test_curve, ORANGE]].forEach(([pts, col]) => {
      ctx.beginPath();
      pts.forEach(([e, v], i) => {
        const x = pad + (W - 2 * pad) * e / last, y = H - pad - (H - 2 * pad) * v / top;
        if (i) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); }
      });
      ctx.strokeStyle = `rgb(${col.join(",")})`;
      ctx.lineWidth = 2;
      ctx.stroke();
    });
    ctx.fillStyle = "#555";
    ctx.font = "11px system-ui,sans-serif";
    ctx.fillText(`${top.toPrecision(3)}`, pad + 4, 14);
    ctx.fillText(`epoch ${last}`, W - 62, H - 6);
  }
  function lab(d) {
    const L = d.lab;
    window.tgLab = L;
    $("data-box").hidden = !L;
    $("surface-box").hidden = $("curves-box").hidden = !(L && L.fits);
    $("train-group").hidden = Boolean(L);
    $("play").hidden = !L;
    if (!L) { return; }
    dataControls(L);
    surface(L);
    curves(L);
    const tr = L.train_curve[L.train_curve.length - 1], te = L.test_curve[L.test_curve.length - 1];
    $("train-error").textContent = L.train_shown || "–";
    $("test-error").textContent = L.test_shown || "–";
    $("train-error").setAttribute("data-value", tr ? String(tr[1]) : "");
    $("test-error").setAttribute("data-value", te ? String(te[1]) : "");
    $("curve-what").textContent = `mean E = ½ (O − t)² per sample: over the ${L.train_size} training and the ` +
      `${L.test_size} test points, after ${L.epoch} epochs${d.engine ? ` (${d.engine})` : ""}`;
  }

  // Play: ask for a few epochs, redraw, ask again, until paused.  The network's picture is redrawn every
  // PICTURE_EVERY updates (its labels in between); a pause redraws it with everything.
  const PICTURE_EVERY_MS = 1500;
  let playing = false, drawnAt = 0;
  function setPlaying(on) {
    playing = on;
    window.tgPlaying = on;
    $("play").textContent = on ? "❚❚ Pause" : "▶ Play";
    $("play").classList.toggle("playing", on);
  }
  function loop() {
    if (!playing) { return; }
    const now = performance.now(), drawIt = now - drawnAt > PICTURE_EVERY_MS;
    if (drawIt) { drawnAt = now; }
    api("play", {epochs: $("play-epochs").value, picture: drawIt}).then((d) => {
      if (!d) { setPlaying(false); return; }
      if (playing) { requestAnimationFrame(loop); } else { api("state", {}); }
    });
  }
  $("play").addEventListener("click", () => {
    if (playing) { setPlaying(false); return; }
    setPlaying(true);
    drawnAt = performance.now();
    loop();
  });
  $("surface").addEventListener("click", (e) => {   // the point nearest the click becomes the sample shown
    const L = view && view.lab, S = L && L.surface;
    if (!S) { return; }
    const r = $("surface").getBoundingClientRect();
    setPlaying(false);
    api("sample", {x: S.x[0] + (e.clientX - r.left) / r.width * (S.x[1] - S.x[0]),
                   y: S.y[1] - (e.clientY - r.top) / r.height * (S.y[1] - S.y[0])});
  });
  function pickData() {
    setPlaying(false);
    api("data", {name: $("data-name").value, noise: $("data-noise").value, ratio: $("data-ratio").value,
                 n: $("data-n").value, batch: $("data-batch").value});
  }
  ["data-name", "data-noise", "data-ratio", "data-n", "data-batch"].forEach((id) => {
    $(id).addEventListener("change", pickData);
  });

  // Zoom (wheel) and pan (drag) of the network's picture; a press that does not move is a click.
  let drag = null;
  function toSvg(e) {
    const svg = $("picture").querySelector("svg");
    const r = svg.getBoundingClientRect(), z = zoom || base;
    const s = Math.max(z[2] / r.width, z[3] / r.height);
    return {s, x: z[0] + (e.clientX - r.left - (r.width - z[2] / s) / 2) * s,
            y: z[1] + (e.clientY - r.top - (r.height - z[3] / s) / 2) * s};
  }
  $("picture").addEventListener("wheel", (e) => {
    if (!base || !$("picture").querySelector("svg")) { return; }
    e.preventDefault();
    const z = zoom || base, p = toSvg(e), f = e.deltaY < 0 ? 0.85 : 1 / 0.85;
    const w = Math.min(base[2] * 1.5, Math.max(base[2] / 20, z[2] * f)), k = w / z[2];
    zoom = [p.x - (p.x - z[0]) * k, p.y - (p.y - z[1]) * k, w, z[3] * k];
    applyZoom();
  }, {passive: false});
  $("picture").addEventListener("pointerdown", (e) => {
    if (!base) { return; }
    drag = {x: e.clientX, y: e.clientY, z: (zoom || base).slice(), s: toSvg(e).s, moved: false};
  });
  window.addEventListener("pointermove", (e) => {
    if (!drag) { return; }
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 5) { return; }
    drag.moved = true;
    zoom = [drag.z[0] - dx * drag.s, drag.z[1] - dy * drag.s, drag.z[2], drag.z[3]];
    applyZoom();
  });
  window.addEventListener("pointerup", () => { setTimeout(() => { drag = null; }, 0); });
  $("picture").addEventListener("dblclick", () => { zoom = null; applyZoom(); });
  function zoomBy(f) {                        // the buttons (a phone has no wheel): about the centre
    if (!base) { return; }
    const z = zoom || base, w = Math.min(base[2] * 1.5, Math.max(base[2] / 20, z[2] * f)), k = w / z[2];
    zoom = [z[0] + z[2] / 2 - w / 2, z[1] + z[3] / 2 - z[3] * k / 2, w, z[3] * k];
    applyZoom();
  }
  $("zoom-in").addEventListener("click", () => { zoomBy(0.7); });
  $("zoom-out").addEventListener("click", () => { zoomBy(1 / 0.7); });
  $("zoom-fit").addEventListener("click", () => { zoom = null; applyZoom(); });
  function headerHeight() {
    document.documentElement.style.setProperty("--header", `${document.querySelector("header").offsetHeight}px`);
  }
  window.addEventListener("resize", headerHeight);
  headerHeight();

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
      if (k > 0) {
        const sel = document.createElement("select");
        sel.id = `layer-activation-${k}`;
        sel.setAttribute("aria-label", `activation of ${k === d.layers.length - 1 ? "the outputs" : `layer ${k}`}`);
        const now = d.layer_activations[k];
        if (!now) { sel.appendChild(new Option("mixed", "", true, true)); }
        d.activations.forEach((a) => {
          const o = document.createElement("option");
          o.value = a; o.textContent = a; if (a === now) { o.selected = true; }
          sel.appendChild(o);
        });
        sel.addEventListener("change", () => { api("layer-activation", {layer: k, activation: sel.value}); });
        td.appendChild(sel);
      }
      if (k > 0 && !last) {
        td.appendChild(button("+", `add-neuron-${k}`, `add a neuron to layer ${k}`,
                              () => { api("add-neuron", {layer: k}); }));
        const minus = button("−", `remove-neuron-${k}`, `remove the last neuron of layer ${k}`,
                           () => { api("remove-neuron", {layer: k}); });
        minus.disabled = names.length < 2;
        td.appendChild(minus);
        td.appendChild(button("✕", `remove-layer-${k}`, `remove hidden layer ${k}`,
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
        if (it.delta != null) {
          row(t, "δ = ∂E/∂net", it.delta);
          t.lastChild.lastChild.id = "edit-delta";
          t.lastChild.lastChild.setAttribute("data-value", it.delta_value || "");
        }
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
    if (drag && drag.moved) { return; }       // the end of a pan, not a click
    let g = e.target.closest ? e.target.closest("[id]") : null;
    while (g && view && !view.items[g.id]) { g = g.parentElement ? g.parentElement.closest("[id]") : null; }
    select(g ? g.id : null);
    const first = $("editor").querySelector("input,select");
    if (first) { first.focus(); if (first.select) { first.select(); } }
  });
  $("backward").addEventListener("click", () => { setPlaying(false); api("backward", {show: true}); });
  $("step").addEventListener("click", () => { setPlaying(false); api("step", {}); });
  $("train").addEventListener("click", () => { api("train", {epochs: $("train-epochs").value}); });
  $("reset").addEventListener("click", () => { setPlaying(false); api("reset", {}); });
  $("lr").addEventListener("change", () => { change("lr", {}, $("lr")); });
  claim().then(() => {
    transport.download($("dl-json"), "network.json");
    transport.download($("dl-explain"), "explanation.html");
    api("state", {});
  });
  $("walk").addEventListener("click", () => {
    setPlaying(false);
    const boxEl = $("steps-box");
    const frame = boxEl.querySelector("iframe");
    transport.steps(frame);
    boxEl.classList.add("open");
    boxEl.scrollIntoView({behavior: "smooth"});
  });
  $("close-steps").addEventListener("click", () => { $("steps-box").classList.remove("open"); });
})();
