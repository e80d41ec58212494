// Hovering a username or avatar ([data-user-popover]) shows a card about the member,
// fetched once per page and member (cached), after a short pause (no request storm
// when the pointer sweeps across a timeline), and kept open while the pointer moves
// between the link and the card (no flicker).
(function () {
  "use strict";
  if (!window.bootstrap || !bootstrap.Popover) return;

  var SHOW_DELAY = 300;
  var HIDE_DELAY = 250;
  var cache = new Map(); // url -> Promise of the card's HTML
  var active = null; // { trigger, popover }
  var showTimer = null;
  var hideTimer = null;

  // Bootstrap sanitizes popover HTML; allow what the card needs (its follow form).
  var allowList = Object.assign({}, bootstrap.Popover.Default.allowList, {
    form: ["method", "action", "hx-post", "hx-swap"],
    input: ["type", "name", "value"],
    button: ["type", "aria-label"],
    time: ["datetime", "title", "data-relative"],
    img: ["src", "alt", "width", "height", "loading", "data-fallback"],
  });

  function load(url) {
    if (!cache.has(url)) {
      var next = window.location.pathname + window.location.search;
      var promise = fetch(url + "?next=" + encodeURIComponent(next), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .catch(function (error) {
          cache.delete(url); // let a later hover try again
          throw error;
        });
      cache.set(url, promise);
    }
    return cache.get(url);
  }

  function hide() {
    if (active) {
      active.popover.dispose();
      active = null;
    }
  }

  function show(trigger) {
    load(trigger.dataset.userPopover).then(function (html) {
      // The pointer may have left, or moved on to someone else, while it loaded.
      if (!trigger.matches(":hover") && document.activeElement !== trigger) return;
      if (active && active.trigger === trigger) return;
      hide();
      var popover = new bootstrap.Popover(trigger, {
        content: html,
        html: true,
        allowList: allowList,
        trigger: "manual",
        placement: "bottom",
        container: "body",
        customClass: "user-popover-tip",
      });
      active = { trigger: trigger, popover: popover };
      trigger.addEventListener("inserted.bs.popover", function () {
        var tip = popover.tip;
        if (tip && window.microblogTimes) window.microblogTimes.render(tip);
        // The card's follow button answers through htmx, as everywhere else.
        if (tip && window.htmx) window.htmx.process(tip);
      }, { once: true });
      popover.show();
    }, function () { /* no card: the link still works */ });
  }

  function inCardOrTrigger(node) {
    if (!node || !node.closest) return false;
    return Boolean(node.closest(".user-popover-tip") || node.closest("[data-user-popover]"));
  }

  // Pointing at a name, or focusing it from the keyboard, opens its card after a pause.
  function enter(event) {
    var trigger = event.target.closest("[data-user-popover]");
    if (trigger || event.target.closest(".user-popover-tip")) clearTimeout(hideTimer);
    if (!trigger || (active && active.trigger === trigger)) return;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () { show(trigger); }, SHOW_DELAY);
  }

  function leave(event) {
    if (!inCardOrTrigger(event.target)) return;
    // Moving onto a link or the card: keep what is shown (a new card replaces it
    // directly, so nothing blinks in between).
    if (inCardOrTrigger(event.relatedTarget)) return;
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  document.addEventListener("mouseover", enter);
  document.addEventListener("mouseout", leave);
  // Escape (below) closes it at once.
  document.addEventListener("focusin", enter);
  document.addEventListener("focusout", leave);

  // Following from a card changes what the cards say: fetch them afresh.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.closest && event.target.closest(".user-popover-tip")) cache.clear();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      clearTimeout(showTimer);
      hide();
    }
  });
})();
