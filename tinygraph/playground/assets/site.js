/* The playground's second transport (tinygraph site): the engine runs in this page.  Pyodide (CPython
   compiled to WebAssembly), Graphviz compiled to WebAssembly (@viz-js/viz) and tinygraph itself are loaded
   from this site's own folder; every action the page asks goes to tinygraph.playground.browser, which
   hands it to the same Session.apply the local server calls.  Pictures: the DOT that tinygraph builds (in
   Python) is laid out by viz.renderString through window.tinygraphLayout, and the SVG is checked by
   tinygraph's one sanitizer (draw/svg.py) before the page sees it, as on the server.  No arithmetic here. */
(() => {
  "use strict";
  const t0 = performance.now();
  const say = (text, bad) => {
    const m = document.getElementById("message");
    if (m) { m.textContent = text; m.className = bad ? "error" : "ok"; }
  };
  function script(src) {
    return new Promise((done, fail) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = done;
      s.onerror = () => { fail(new Error(`${src} did not load`)); };
      document.head.appendChild(s);
    });
  }
  function bytes(src) {
    return fetch(src).then((r) => {
      if (!r.ok) { throw new Error(`${src}: HTTP ${r.status}`); }
      return r.arrayBuffer();
    });
  }
  const here = new URL("./", window.location.href).href;
  const net = new URLSearchParams(window.location.search).get("net") || "worked-example";
  window.tgLoad = {started: t0};
  // Python starts and imports tinygraph while Graphviz compiles (off the page's thread); the first
  // picture waits for both.
  const python = Promise.all([
    script("pyodide/pyodide.js").then(() => window.loadPyodide({indexURL: `${here}pyodide/`, fullStdLib: false})),
    bytes("tinygraph.zip"),
  ]).then(([py, zip]) => {
    window.tgLoad.python = performance.now() - t0;
    py.unpackArchive(zip, "zip", {extractDir: "/tinygraph-site"});
    py.runPython("import sys; sys.path.insert(0, '/tinygraph-site')");
    const mod = py.pyimport("tinygraph.playground.browser");
    const refused = mod.open_playground(net, py.pyimport("tinygraph.cli").play_start);
    if (refused) { throw new Error(refused); }
    window.tgLoad.tinygraph = performance.now() - t0;
    return mod;
  });
  const graphviz = script("viz/viz-global.js").then(() => window.Viz.instance()).then((viz) => {
    window.tgLoad.graphviz = performance.now() - t0;
    window.tinygraphLayout = (dot) => viz.renderString(dot, {format: "svg"});
  });
  const ready = Promise.all([python, graphviz]).then(([mod]) => {
    window.tgLoad.ready = performance.now() - t0;
    return mod;
  });
  say("loading Python, Graphviz and tinygraph into this page…", false);
  ready.catch((e) => {
    say(window.location.protocol === "file:"
      ? "open this page through a web server (e.g. python -m http.server --directory SITE-FOLDER): opened as a "
        + "file, the browser refuses to load Python's WebAssembly"
      : `the playground could not start: ${e.message || e}`, true);
  });

  function file(what) {
    return ready.then((mod) => {
      const f = JSON.parse(mod.page_file(what));
      if (f.error) { throw new Error(f.error); }
      return f;
    });
  }
  window.tgTransport = {
    call: (action, body) => ready.then((mod) => JSON.parse(mod.call(action, JSON.stringify(body)))),
    gone: (e) => `the playground in this page failed: ${e.message || e}`,
    download: (a, what) => {
      // made when clicked (the network as it is then): a first click prepares the file, the second saves it
      a.href = "#";
      a.addEventListener("click", (e) => {
        if (a.dataset.ready === "1") { a.dataset.ready = ""; return; }
        e.preventDefault();
        file(what).then((f) => {
          if (a.href.startsWith("blob:")) { URL.revokeObjectURL(a.href); }
          a.href = URL.createObjectURL(new Blob([f.text], {type: f.type}));
          a.download = f.name;
          a.dataset.ready = "1";
          a.click();
        }).catch((err) => { say(`${what}: ${err.message || err}`, true); });
      });
    },
    steps: (frame) => {
      say("drawing every step of backprop…", false);
      // let the message show before Python holds the page while it draws
      window.setTimeout(() => {
        file("steps").then((f) => { frame.srcdoc = f.text; say("", false); })
          .catch((err) => { say(`the step player: ${err.message || err}`, true); });
      }, 30);
    },
  };
})();
