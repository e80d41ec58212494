// What the site's scripts do for server-rendered HTML, done again for what htmx (or the
// stream's "new posts" button) puts in the page: relative times, translate buttons,
// htmx attributes; and the empty-timeline note goes once a post arrives.
(function () {
  "use strict";
  if (!window.htmx) return;

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (window.microblogTimes) window.microblogTimes.render(target.parentNode || target);
    var list = target.id === "page-items" ? target : null;
    if (list) {
      var empty = document.querySelector(".live-empty");
      if (empty && list.querySelector(".post")) empty.remove();
      document.dispatchEvent(new CustomEvent("microblog:posts-inserted", {
        detail: { posts: Array.prototype.slice.call(list.querySelectorAll(".post:not([data-seen])")) },
      }));
    }
  });

  // The composer: once its post is in, the new, empty box takes the cursor back.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "compose") {
      // (The swap replaced the form: look it up again.)
      var form = document.getElementById("compose");
      var box = form && form.querySelector("textarea");
      if (box) box.focus();
      document.dispatchEvent(new CustomEvent("microblog:composer-ready", { detail: { form: form } }));
    }
  });

  // "Load more": the first of the new posts takes the keyboard focus, so reading goes on there.
  var countBefore = -1;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = document.getElementById("page-items");
    var elt = event.detail.elt;
    countBefore = list && elt.classList && elt.classList.contains("load-more") ? list.children.length : -1;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = document.getElementById("page-items");
    if (countBefore < 0 || event.detail.target !== list) return;
    var first = list.children[countBefore];
    countBefore = -1;
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
  });

  // Posts the stream inserted: their delete links answer through htmx too.
  document.addEventListener("microblog:posts-inserted", function (event) {
    (event.detail.posts || []).forEach(function (post) { window.htmx.process(post); });
  });
})();
