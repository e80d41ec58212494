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

})();

// The footer's language menu applies a choice at once; its button stays for no-JS visitors.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// "New post" (the navigation's button, the phone's floating one) leads to #compose: put the
// cursor in the box, whether it loaded the page or only moved the anchor.
(function () {
  "use strict";
  function focusComposer() {
    if (window.location.hash !== "#compose") return;
    var box = document.querySelector("#compose textarea");
    if (box) box.focus();
  }
  focusComposer();
  // (Again once loaded: the browser's own move to the #compose anchor takes the focus away.)
  window.addEventListener("load", focusComposer);
  window.addEventListener("hashchange", focusComposer);
})();
