// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Avatars come from Gravatar; if it cannot be reached, show the local identicon.
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img.tagName === "IMG" && img.dataset.fallback && img.src.indexOf(img.dataset.fallback) === -1) {
      img.src = img.dataset.fallback;
    }
  }, true);

  // Live character counter under the post box.
  document.querySelectorAll("textarea[maxlength][data-counter]").forEach(function (area) {
    var counter = document.getElementById(area.dataset.counter);
    if (!counter) return;
    var update = function () {
      var left = Number(area.getAttribute("maxlength")) - area.value.length;
      counter.textContent = String(left);
      counter.classList.toggle("text-danger", left < 20);
    };
    area.addEventListener("input", update);
    update();
  });
})();

// The footer's language menu applies a choice at once; its button stays for no-JS visitors.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
