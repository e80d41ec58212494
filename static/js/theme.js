// Colour mode before the first paint: the member's choice (data-bs-theme, set by the server),
// or, for "auto", the system's, following it when it changes.
(function () {
  "use strict";
  var root = document.documentElement;
  if ((root.dataset.themeChoice || "auto") !== "auto") return;
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() { root.setAttribute("data-bs-theme", dark.matches ? "dark" : "light"); }
  apply();
  dark.addEventListener("change", apply);
})();
