/* "Run in the browser" on each code cell of the documentation: the cell (and the cells before it on the
   page, once each, as a notebook runs them) runs in this page on tinygraph's own engine in Pyodide,
   from the site that `tinygraph site` wrote into this build (_pages/site: Pyodide, Graphviz compiled to
   WebAssembly, tinygraph).  Nothing loads until a button is pressed; nothing loads from another host.
   Python side: tinygraph.playground.browser.run_cell (a drawing comes back as sanitised SVG). */
(() => {
  "use strict";
  const root = document.documentElement.dataset.content_root || "./";
  const site = new URL(`${root}_pages/site/`, window.location.href).href;
  const codes = [...document.querySelectorAll("div.cell > div.cell_input pre")];
  if (!codes.length) { return; }
  let engine = null;
  let ran = 0;

  function script(src) {
    return new Promise((done, fail) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = done;
      s.onerror = () => { fail(new Error(`${src} did not load`)); };
      document.head.appendChild(s);
    });
  }
  function start() {
    if (!engine) {
      engine = fetch(`${site}tinygraph-site.json`).then((r) => {
        if (!r.ok) { throw new Error("this build of the documentation has no in-browser site (tinygraph site)"); }
        return Promise.all([
          script(`${site}pyodide/pyodide.js`).then(() => window.loadPyodide({indexURL: `${site}pyodide/`})),
          fetch(`${site}tinygraph.zip`).then((z) => z.arrayBuffer()),
          script(`${site}viz/viz-global.js`).then(() => window.Viz.instance()),
        ]);
      }).then(([py, zip, viz]) => {
        window.tinygraphLayout = (dot) => viz.renderString(dot, {format: "svg"});
        py.unpackArchive(zip, "zip", {extractDir: "/tinygraph-site"});
        py.runPython("import sys; sys.path.insert(0, '/tinygraph-site')");
        return py.pyimport("tinygraph.playground.browser");
      });
      engine.catch(() => { engine = null; });        // a later press tries again
    }
    return engine;
  }
  function show(k, result) {
    const cell = codes[k].closest("div.cell");
    let box = cell.querySelector(":scope > .tg-ran");
    if (!box) {
      box = document.createElement("div");
      box.className = "tg-ran";
      cell.appendChild(box);
    }
    box.replaceChildren();
    if (result.text) {
      const pre = document.createElement("pre");
      pre.textContent = result.text;
      box.appendChild(pre);
    }
    if (result.svg) {       // checked by tinygraph's sanitizer (draw/svg.py) before it left Python
      const svg = new DOMParser().parseFromString(result.svg, "image/svg+xml").documentElement;
      box.appendChild(document.importNode(svg, true));
    }
  }
  function run(k, button) {
    button.disabled = true;
    button.textContent = "loading Python (Pyodide) and tinygraph…";
    start().then((mod) => {
      button.textContent = "running…";
      window.setTimeout(() => {          // let the label show before Python holds the page
        for (; ran <= k; ran += 1) { show(ran, JSON.parse(mod.run_cell(codes[ran].textContent))); }
        button.textContent = "▶ Run again in the browser";
        button.disabled = false;
        window.tgCellsRun = ran;
      }, 20);
    }).catch((e) => {
      button.textContent = `could not start: ${e.message || e}`;
      button.disabled = false;
    });
  }
  codes.forEach((pre, k) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tg-run";
    button.textContent = "▶ Run in the browser";
    button.title = "run this cell (and the cells before it on this page) in your browser, with tinygraph in Pyodide";
    button.addEventListener("click", () => {
      if (k < ran) { ran = k; }          // run again from this cell on; the earlier cells' names stay
      run(k, button);
    });
    pre.closest("div.cell_input").after(button);
  });
})();
