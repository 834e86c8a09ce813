/* The step player: shows one step at a time (its frame, its line, its details), plays, zooms and quizzes.
   It reads the steps and the frames' timelines from the page's JSON blocks; it computes no numbers. */
(() => {
  "use strict";
  const byId = (id) => document.getElementById(id);
  const steps = JSON.parse(byId("steps").textContent);
  const data = JSON.parse(byId("player-data").textContent);
  const n = steps.length, quiz = !!data.quiz, TOL = data.tolerance, unit = data.unit || "step";
  const divs = Array.from(document.querySelectorAll("#frames > .frame"));
  const uses = divs.map((d) => {
    const out = [];
    for (const u of d.querySelectorAll("use[data-s]")) { out[Number(u.getAttribute("data-s"))] = u; }
    return out;
  });
  const shown = uses.map((us) => us.map((u) => Number(u.getAttribute("href").slice(4))));
  const base = divs.map((d) => {
    const vb = (d.querySelector("svg").getAttribute("viewBox") || "0 0 100 100").split(/[ ,]+/).map(Number);
    return vb.length === 4 ? vb : [0, 0, 100, 100];
  });
  const lit = new Set(data.lit);
  const el = {};
  for (const id of ["first", "prev", "play", "next", "last", "scrub", "speed", "counter", "stage", "line", "detail",
                    "walklink", "quiz", "answer", "check", "reveal", "verdict", "score", "walk", "walkbox", "view",
                    "zoomin", "zoomout", "zoomfit", "caption"]) {
    el[id] = byId(id);
  }
  const answers = {}, tries = {};   /* answered steps; wrong tries of a step not answered yet */
  let current = 0, layout = 0, right = 0, asked = 0, timer = null;
  const view = {auto: true, zoom: 1, cx: 0, cy: 0};

  function partAt(tl, f) {          /* the last change at or before frame f (a flat [frame, part, ...] list) */
    let lo = 0, hi = tl.length / 2 - 1, found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (tl[2 * mid] <= f) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return tl[2 * found + 1];
  }
  function showFrame(f) {
    const L = data.frames[f], tls = data.timeline[L], us = uses[L], now = shown[L];
    for (let j = 0; j < divs.length; j++) { divs[j].hidden = (j !== L); }
    for (let s = 0; s < us.length; s++) {
      if (!tls[s].length) { continue; }
      const p = partAt(tls[s], f);
      if (p !== now[s]) {
        us[s].setAttribute("href", `#tgp${p}`);
        if (lit.has(p)) { us[s].setAttribute("class", "highlight"); } else { us[s].removeAttribute("class"); }
        now[s] = p;
      }
    }
    if (L !== layout) { view.auto = true; }
    layout = L;
  }

  /* -- zoom and pan: the picture fits its box; a big one is shown larger, around this step's parts -- */
  function svg() { return divs[layout].querySelector("svg"); }
  function applyView() {
    const b = base[layout], s = svg();
    if (view.zoom <= 1) { s.setAttribute("viewBox", b.join(" ")); return; }
    const w = b[2] / view.zoom, h = b[3] / view.zoom;
    s.setAttribute("viewBox", [view.cx - w / 2, view.cy - h / 2, w, h].join(" "));
  }
  function fitScale() {
    const b = base[layout], box = el.view.getBoundingClientRect();
    return Math.min(box.width / b[2], box.height / b[3]);
  }
  function zoomBy(factor) {
    const b = base[layout];
    if (view.zoom <= 1) { view.cx = b[0] + b[2] / 2; view.cy = b[1] + b[3] / 2; }
    view.zoom = Math.max(1, Math.min(40, view.zoom * factor));
    view.auto = false;
    applyView();
  }
  function litBox() {               /* the highlighted parts' box in the picture's units, or null */
    const hl = divs[layout].querySelectorAll("use.highlight"), m = svg().getScreenCTM();
    if (!hl.length || !m) { return null; }
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const u of hl) {
      const r = u.getBoundingClientRect();
      if (!r.width && !r.height) { continue; }
      x0 = Math.min(x0, r.left); y0 = Math.min(y0, r.top); x1 = Math.max(x1, r.right); y1 = Math.max(y1, r.bottom);
    }
    if (x0 === Infinity) { return null; }
    return {x0: (x0 - m.e) / m.a, y0: (y0 - m.f) / m.d, x1: (x1 - m.e) / m.a, y1: (y1 - m.f) / m.d,
            inside() {
              const box = el.view.getBoundingClientRect();
              return x0 >= box.left && x1 <= box.right && y0 >= box.top && y1 <= box.bottom;
            }};
  }
  function follow() {                /* a big picture: larger, around this step's parts (until the learner zooms) */
    if (view.auto) {
      const fit = fitScale();
      /* about 0.9 px a point: labels readable; a phone shows the whole picture (zoom with + or a pinch) */
      const phone = window.matchMedia && window.matchMedia("(max-width: 700px)").matches;
      const want = fit > 0 && fit < 0.7 && !phone ? 0.9 / fit : 1;
      view.zoom = 1;
      applyView();
      const parts = want > 1 ? litBox() : null;
      if (!parts) { return; }
      const b = base[layout], w = Math.max(1, parts.x1 - parts.x0) * 1.2, h = Math.max(1, parts.y1 - parts.y0) * 1.2;
      /* as much of the step's parts in view as a readable size allows */
      view.zoom = Math.max(1, Math.min(want, Math.max(0.8 * want, b[2] / w, b[3] / h)));
      view.cx = (parts.x0 + parts.x1) / 2; view.cy = (parts.y0 + parts.y1) / 2;
      applyView();
      return;
    }
    if (view.zoom <= 1) { applyView(); return; }
    const now = litBox();
    if (now && !now.inside()) { view.cx = (now.x0 + now.x1) / 2; view.cy = (now.y0 + now.y1) / 2; applyView(); }
  }
  el.zoomin.addEventListener("click", () => { zoomBy(1.5); });
  el.zoomout.addEventListener("click", () => { zoomBy(1 / 1.5); });
  el.zoomfit.addEventListener("click", () => { view.zoom = 1; view.auto = false; applyView(); });
  el.view.addEventListener("wheel", (e) => {
    if (!e.deltaY) { return; }
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2);
  }, {passive: false});
  let drag = null;
  el.view.addEventListener("pointerdown", (e) => {
    if (e.target.closest && e.target.closest("button")) { return; }
    drag = {x: e.clientX, y: e.clientY};
    el.view.classList.add("dragging");
  });
  window.addEventListener("pointermove", (e) => {
    if (!drag || view.zoom <= 1) { return; }
    const m = svg().getScreenCTM();
    if (!m) { return; }
    view.cx -= (e.clientX - drag.x) / m.a; view.cy -= (e.clientY - drag.y) / m.d;
    drag = {x: e.clientX, y: e.clientY};
    view.auto = false;
    applyView();
  });
  window.addEventListener("pointerup", () => { drag = null; el.view.classList.remove("dragging"); });

  /* -- the steps -- */
  function asking(k) { return quiz && steps[k].ask !== undefined && !answers[k]; }
  function show(k, quiet) {
    k = Math.max(0, Math.min(n - 1, k));
    current = k;
    const s = steps[k], ask = asking(k);
    showFrame(ask && s.question_frame !== undefined ? s.question_frame : s.frame);
    el.stage.textContent = s.stage;
    if (el.caption) { el.caption.textContent = s.caption || ""; el.caption.hidden = !s.caption; }
    el.line.textContent = ask ? s.ask : s.text;
    el.detail.textContent = ask ? "" : s.detail;
    el.counter.textContent = `${unit} ${k + 1} of ${n}`;
    el.scrub.value = String(k + 1);
    el.first.disabled = el.prev.disabled = (k === 0);
    el.last.disabled = el.next.disabled = (k === n - 1);
    const w = s.walk;
    el.walklink.hidden = !(el.walk && w && !ask);
    if (w) { el.walklink.setAttribute("href", `#walk-${w}`); el.walklink.textContent = `see walk step ${w}`; }
    if (el.walk) {
      const old = el.walk.querySelector("li.current");
      if (old) { old.classList.remove("current"); }
      const item = w && !ask ? byId(`walk-${w}`) : null;
      if (item) { item.classList.add("current"); }
    }
    if (quiz) {
      el.quiz.hidden = (s.ask === undefined);
      const a = answers[k], t = tries[k];
      el.answer.disabled = el.check.disabled = el.reveal.disabled = !!a;
      el.verdict.className = a ? (a.ok ? "right" : "wrong") : (t ? "wrong" : "");
      el.verdict.textContent = a ? verdictOf(a, s) : (t ? `\u2717 not yet: you said ${t.said}. ${t.hint} Try again, or "show me".` : "");
      if (ask && !t) { el.answer.value = ""; }
      if (ask && !quiet) { el.answer.focus({preventScroll: true}); }
    }
    document.body.setAttribute("data-step", String(k + 1));
    follow();
    document.dispatchEvent(new CustomEvent("tg-show", {detail: k}));   /* a page's side panel follows */
    try { history.replaceState(null, "", `#step=${k + 1}`); } catch { /* file: or sandboxed pages may refuse */ }
  }
  function verdictOf(a, s) {        /* an answered step: right (first try or later) or shown */
    if (a.ok) { return a.first ? `\u2713 right: ${s.shown}` : `\u2713 right on try ${a.tries}: ${s.shown}`; }
    return a.said === null ? `it is ${s.shown}` : `\u2717 not quite: you said ${a.said}, it is ${s.shown}`;
  }
  function hintFor(a, want) {       /* a hint that does not give the number away */
    if (want !== 0 && a !== 0 && Math.sign(a) !== Math.sign(want)) { return "Hint: check the sign."; }
    if (want === 0) { return "Hint: look at what the formula multiplies by: is one factor 0?"; }
    const r = Math.abs(a / want);
    if (r > 0.9 && r < 1.1) { return "Hint: close, but more than 1% off: check the arithmetic and keep more decimals."; }
    if (r >= 5 || r <= 0.2) {
      const how = r >= 1 ? `${Math.round(r)} times too large` : `${Math.round(1 / r)} times too small`;
      return `Hint: yours is about ${how}: check each factor of the formula.`;
    }
    return `Hint: yours is too ${r > 1 ? "large" : "small"}; work through the formula's numbers one by one.`;
  }
  function showScore() {
    el.score.textContent = `score ${right} of ${asked}`;
    el.score.className = right === asked ? "all" : (right === 0 ? "none" : "some");
    el.score.title = "answers right on the first try, of the steps asked";
  }
  function check(giveUp) {
    const s = steps[current];
    if (!quiz || s.ask === undefined || answers[current]) { return; }
    const t = tries[current];
    let said = null, ok = false;
    if (!giveUp) {
      const raw = el.answer.value.trim().replace(/\u2212/g, "-").replace(",", ".");
      const a = raw === "" ? NaN : Number(raw);
      if (!isFinite(a)) { el.verdict.className = "wrong"; el.verdict.textContent = "type a number, e.g. 0.25"; return; }
      said = raw;
      ok = Math.abs(a - s.answer) <= TOL * Math.abs(s.answer) + (s.answer === 0 ? 1e-12 : 0);
      if (!ok) {                      /* another try, with a hint; the step counts as not right first time */
        if (!t) { asked += 1; showScore(); }
        tries[current] = {said, hint: hintFor(a, s.answer), n: (t ? t.n : 0) + 1};
        show(current, true);
        el.answer.select();
        return;
      }
    }
    const first = !t;
    if (first) { asked += 1; right += ok ? 1 : 0; }
    answers[current] = {ok, said, first, tries: (t ? t.n : 0) + 1};
    showScore();
    show(current, true);
  }

  /* -- play -- */
  function stop() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    el.play.textContent = "\u25B6 play"; el.play.setAttribute("aria-pressed", "false");
  }
  function tick() {
    timer = null;
    if (current >= n - 1 || asking(current)) { stop(); return; }
    show(current + 1, true);
    if (current >= n - 1 || asking(current)) { stop(); return; }
    timer = setTimeout(tick, 1600 / Number(el.speed.value || 1));
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= n - 1) { show(0); }
    el.play.textContent = "\u23F8 pause"; el.play.setAttribute("aria-pressed", "true");
    timer = setTimeout(tick, 1600 / Number(el.speed.value || 1));
  }
  function go(k) { stop(); show(k); }

  window.player = {
    show: (k) => go(k - 1), next: () => go(current + 1),
    prev: () => go(current - 1), first: () => go(0), last: () => go(n - 1),
    play, playing: () => timer !== null,
    step: () => current + 1, count: () => n,
    score: () => ({right, answered: asked}),
  };
  el.first.addEventListener("click", () => { go(0); });
  el.prev.addEventListener("click", () => { go(current - 1); });
  el.next.addEventListener("click", () => { go(current + 1); });
  el.last.addEventListener("click", () => { go(n - 1); });
  el.play.addEventListener("click", play);
  el.scrub.addEventListener("input", () => { go(Number(el.scrub.value) - 1); });
  if (quiz) {
    byId("quizform").addEventListener("submit", (e) => { e.preventDefault(); check(false); });
    el.reveal.addEventListener("click", () => { check(true); });
  }
  el.walklink.addEventListener("click", (e) => {
    e.preventDefault();
    el.walkbox.open = true;
    const item = byId(`walk-${steps[current].walk}`);
    if (item) {                      /* scroll the walk's own list, not the panel: the line and controls stay */
      item.classList.add("current");
      const list = el.walk, top = item.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top - (list.clientHeight - item.offsetHeight) / 2);
      }
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    const t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" && t.type !== "range") { return; }            /* typing an answer */
    if (tag === "SELECT" || (tag === "INPUT" && /^Arrow|^Home$|^End$/.test(e.key))) { return; }
    const k = e.key;
    if (k === "ArrowRight" || k === "n" || k === "N") { go(current + 1); }
    else if (k === "ArrowLeft" || k === "p" || k === "P") { go(current - 1); }
    else if (k === "Home") { go(0); }
    else if (k === "End") { go(n - 1); }
    else if (k === " " || k === "Spacebar") { play(); }
    else if (k === "+" || k === "=") { zoomBy(1.5); }
    else if (k === "-") { zoomBy(1 / 1.5); }
    else if (k === "0") { view.zoom = 1; view.auto = false; applyView(); }
    else { return; }
    e.preventDefault();
  });
  function fromHash() {
    const m = /^#(?:step=)?(\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) - 1 : null;
  }
  window.addEventListener("hashchange", () => { const k = fromHash(); if (k !== null && k !== current) { go(k); } });
  window.addEventListener("resize", () => { if (view.auto) { follow(); } });
  const start = fromHash();
  show(start === null ? 0 : start, true);
})();
