// Live updates over Server-Sent Events (messaging.stream): the navbar's badges and job
// bar change as soon as the server publishes, and a timeline that asks for it
// ([data-live-timeline]) offers its new posts with a "N new posts" button; a post page
// offers its new replies the same way (each reply with its branch of answers).
// Without EventSource, or while the stream is unavailable, notifications.js polls as
// before; the stream is tried again later. A hidden tab closes its stream and catches
// up (Last-Event-ID replay) when shown again.
(function () {
  "use strict";
  var body = document.body;
  var streamUrl = body.dataset.streamUrl;
  // ":8100/stream/": this page's host, another port (`make run`).
  if (streamUrl && streamUrl.charAt(0) === ":") {
    streamUrl = window.location.protocol + "//" + window.location.hostname + streamUrl;
  }
  var notifications = window.microblogNotifications;
  if (!streamUrl || !notifications || !window.EventSource) return;

  var timeline = document.querySelector("[data-live-timeline]");
  var source = null;
  var lastEventId = "";
  var opened = false; // the current source has delivered its open event
  var failures = 0;
  var retryTimer = null;
  // Seconds before trying the stream again after it failed (doubling, at most 2 minutes).
  var retrySeconds = 5;
  var newPostIds = [];
  var ITEMS = "[data-live-timeline] .live-posts > .post, [data-live-timeline] .live-posts > .reply-branch";

  function url() {
    var params = [];
    if (timeline) params.push("timelines=" + encodeURIComponent(timeline.dataset.liveTimeline));
    if (lastEventId) params.push("last_event_id=" + encodeURIComponent(lastEventId));
    return streamUrl + (params.length ? (streamUrl.indexOf("?") < 0 ? "?" : "&") + params.join("&") : "");
  }

  function remember(event) {
    if (event.lastEventId) lastEventId = event.lastEventId;
  }

  function connect() {
    if (source || document.hidden) return;
    window.clearTimeout(retryTimer);
    retryTimer = null;
    opened = false;
    source = new EventSource(url(), { withCredentials: true });
    source.addEventListener("open", function () {
      var first = failures === 0 && !lastEventId;
      opened = true;
      failures = 0;
      retrySeconds = 5;
      notifications.streamOpened();
      body.dataset.live = "stream";
      // What changed between rendering the page (or the last poll) and this moment.
      if (first) notifications.poll();
    });
    source.addEventListener("notification", function (event) {
      remember(event);
      notifications.apply([JSON.parse(event.data)]);
    });
    source.addEventListener("post", function (event) {
      remember(event);
      announce(JSON.parse(event.data));
    });
    source.addEventListener("resync", function () {
      notifications.poll();
    });
    source.addEventListener("error", function () {
      // EventSource reconnects by itself after a stream that ended (readyState CONNECTING),
      // and polling covers the moment; a refused stream (401, 503) is CLOSED, and one that
      // fails again before opening (the stream service is down) is given up: poll, and
      // try again later.
      var refused = source.readyState === EventSource.CLOSED || !opened;
      opened = false;
      if (refused) {
        close();
        fail();
      } else {
        notifications.streamLost();
      }
    });
  }

  function close() {
    if (source) source.close();
    source = null;
  }

  function fail() {
    failures += 1;
    body.dataset.live = "polling";
    notifications.streamLost();
    retryTimer = window.setTimeout(connect, retrySeconds * 1000);
    retrySeconds = Math.min(retrySeconds * 2, 120);
  }

  // New posts: count them on a button; a click fetches the page and inserts them above.
  function announce(post) {
    if (!timeline || document.getElementById("post-" + post.id)) return;
    if (newPostIds.indexOf(post.id) < 0) newPostIds.push(post.id);
    countNewPosts(timeline.querySelector(".new-posts"));
  }

  // The button counts the announced posts not on the page yet, and hides at none.
  function countNewPosts(button) {
    newPostIds = newPostIds.filter(function (id) {
      return !document.getElementById("post-" + id);
    });
    var text = newPostIds.length === 1 ? button.dataset.one : button.dataset.many;
    button.textContent = text.replace("__count__", String(newPostIds.length));
    button.hidden = newPostIds.length === 0;
  }

  function showNewPosts(button) {
    button.disabled = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var list = timeline.querySelector(".live-posts");
        var fresh = [];
        // A timeline's items are posts; a post page's are reply branches (a reply and its answers).
        page.querySelectorAll(ITEMS).forEach(function (item) {
          if (!document.getElementById(item.id)) fresh.push(document.adoptNode(item));
        });
        // Keep what the reader is looking at in place: measure the first post before and after.
        var anchor = list.firstElementChild;
        var before = anchor ? anchor.getBoundingClientRect().top : 0;
        fresh.reverse().forEach(function (post) {
          list.insertBefore(post, list.firstChild);
        });
        // (The list opts out of the browser's scroll anchoring, site.css; "instant": Bootstrap
        // makes scrolling smooth, which would slide the page.)
        if (anchor && before < 0) {
          window.scrollBy({ top: anchor.getBoundingClientRect().top - before, behavior: "instant" });
        }
        // Counts that describe the list (a post page's "N replies") come along from the same page.
        timeline.querySelectorAll("[data-live-replace][id]").forEach(function (old) {
          var replacement = page.getElementById(old.id);
          if (replacement) old.replaceWith(document.adoptNode(replacement));
        });
        var empty = timeline.querySelector(".live-empty");
        if (empty && fresh.length) empty.remove();
        document.dispatchEvent(new CustomEvent("microblog:posts-inserted", { detail: { posts: fresh } }));
        // A post announced while the page was on its way is not in it: it stays counted.
        countNewPosts(button);
      })
      .catch(function () { /* offline for a moment: the button stays for another try */ })
      .then(function () {
        button.disabled = false;
      });
  }

  if (timeline) {
    var button = timeline.querySelector(".new-posts");
    if (button) button.addEventListener("click", function () { showNewPosts(button); });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      close();
    } else if (!retryTimer) {
      connect();
    }
  });
  connect();
})();
