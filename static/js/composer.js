// The post and message boxes: a counter that counts what the server counts (grapheme
// clusters: an emoji, a flag or a family is one character, core.fields.grapheme_length),
// a warning instead of a silent cut when a paste goes over, a box that grows with the
// text, Ctrl/Cmd+Enter to send, and an error message that goes as soon as the text is valid.
(function () {
  "use strict";
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function length(text) {
    if (segmenter) {
      var count = 0;
      for (var it = segmenter.segment(text)[Symbol.iterator](), step = it.next(); !step.done; step = it.next()) count += 1;
      return count;
    }
    return Array.from(text).length;  // code points: close, for old browsers
  }

  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }

  function setUp(area) {
    if (area.dataset.composer) return;
    area.dataset.composer = "on";
    var limit = Number(area.dataset.maxLength);
    var counter = document.getElementById(area.dataset.counter);
    var form = area.form;
    var warning = form && form.querySelector(".composer-warning");

    function update() {
      var left = limit - length(area.value);
      if (counter) {
        counter.textContent = String(left);
        counter.classList.toggle("text-danger", left < 20);
        counter.classList.toggle("fw-bold", left < 0);
      }
      if (warning) warning.hidden = left >= 0;
      area.setAttribute("aria-invalid", left < 0 ? "true" : "false");
      // A server error under the box goes once the text is valid again.
      if (left >= 0 && area.value.trim() && area.classList.contains("is-invalid")) {
        area.classList.remove("is-invalid");
        var errors = area.parentNode.querySelectorAll(".invalid-feedback");
        errors.forEach(function (error) { error.remove(); });
      }
      grow(area);
    }

    area.addEventListener("input", update);
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    update();
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("textarea[data-max-length][data-counter]").forEach(setUp);
  }
  setUpAll();
  // The composer comes back from htmx after each post (static/js/htmx-glue.js).
  document.addEventListener("microblog:composer-ready", function (event) { setUpAll(event.detail.form); });
  document.addEventListener("htmx:afterSwap", function () { setUpAll(); });

  window.microblogComposer = { length: length };
})();
