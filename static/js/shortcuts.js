// Keyboard shortcuts on timelines: j / k move to the next / previous post, n goes to the
// post box, ? shows the list. Never while typing (a text field, a menu, an editable area)
// nor with Ctrl, Alt or Cmd held.
(function () {
  "use strict";
  var help = document.getElementById("shortcuts-help");

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function posts() {
    return Array.prototype.slice.call(document.querySelectorAll("#content article.post"));
  }

  function move(step) {
    var list = posts();
    if (!list.length) return;
    var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest("article.post") : null;
    var index = current ? list.indexOf(current) + step : step > 0 ? 0 : list.length - 1;
    var next = list[Math.max(0, Math.min(list.length - 1, index))];
    next.setAttribute("tabindex", "-1");
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event.target)) return;
    if (help && help.open) return;  // the dialog handles its own keys (Escape closes it)
    if (event.key === "j") {
      move(1);
    } else if (event.key === "k") {
      move(-1);
    } else if (event.key === "n") {
      var box = document.querySelector("#compose textarea");
      if (box) box.focus();
      else window.location.href = document.body.dataset.composeUrl;
    } else if (event.key === "?" && help) {
      help.showModal();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
