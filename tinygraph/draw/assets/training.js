/* The training page's side panel: at each shown frame (the player's "tg-show" event) the error curve's
   marker moves to that epoch and the picture of the function learned shows that epoch's fit. */
(() => {
  "use strict";
  const d = JSON.parse(document.getElementById("side-data").textContent);
  const mark = document.getElementById("mark"), dot = document.getElementById("dot");
  const line = document.getElementById("fitline"), plane = document.getElementById("plane");
  document.addEventListener("tg-show", (e) => {
    const k = e.detail, m = d.marks[k], fit = d.fits[k];
    if (!m) { return; }
    mark.setAttribute("x1", m[0]); mark.setAttribute("x2", m[0]);
    dot.setAttribute("cx", m[0]); dot.setAttribute("cy", m[1]);
    if (line && fit) { line.setAttribute("points", fit); }
    if (plane && fit && fit.startsWith("data:image/png;base64,")) { plane.setAttribute("href", fit); }
    document.body.setAttribute("data-epoch", String(d.epochs[k]));
  });
})();
