// Fits each equation block to the page: an equation wider than its column (a phone, an A4 page)
// is scaled down to fit instead of being cut off. The math itself needs no script (MathML).
(function () {
  "use strict";
  function fit() {
    document.querySelectorAll(".tinygraph-explain .eq > math").forEach((math) => {
      math.style.zoom = "";
      const room = math.parentElement.clientWidth;
      const wide = math.scrollWidth;
      if (wide > room && room > 0) {
        math.style.zoom = String(Math.floor((room / wide) * 990) / 1000);
      }
    });
  }
  window.addEventListener("load", fit);
  window.addEventListener("resize", fit);
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", fit);
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", fit);
  }
  fit();
}());
