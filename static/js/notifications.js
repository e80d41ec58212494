// Keeps the navbar current without reloading: polls the member's notifications
// (unread messages and notices, job progress) and updates the badges and the progress bar.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.notificationsUrl;
  if (!url) return;
  var since = body.dataset.notificationsSince || "0";
  var intervalMs = Math.max(Number(body.dataset.pollSeconds) || 10, 1) * 1000;
  var timer = null;
  // True while static/js/stream.js has a live stream: it brings the changes, no polling.
  var streaming = false;

  function showBadge(id, count) {
    var badge = document.getElementById(id);
    if (!badge) return;
    badge.textContent = String(count);
    badge.classList.toggle("d-none", !count);
  }

  function showJob(job) {
    var box = document.getElementById("job-status");
    if (!box) return;
    var bar = box.querySelector(".job-progress");
    var outcome = box.querySelector(".job-outcome");
    box.hidden = false;
    box.querySelector(".job-description").textContent = job.description;
    bar.value = job.progress;
    bar.textContent = job.progress + "%";
    bar.classList.toggle("is-failed", Boolean(job.complete && job.error));
    bar.classList.toggle("is-done", Boolean(job.complete && !job.error));
    outcome.textContent = "";
    // A finished job can be started again without reloading the page.
    document.querySelectorAll("[data-job-name]").forEach(function (button) {
      if (button.dataset.jobName === job.name) button.disabled = !job.complete;
    });
    if (job.complete && job.error) {
      bar.value = 100;
      outcome.className = "job-outcome text-danger";
      outcome.textContent = box.dataset.failedText + " " + job.error;
    } else if (job.complete && job.download_url) {
      var link = document.createElement("a");
      link.href = job.download_url;
      link.textContent = box.dataset.downloadText;
      outcome.className = "job-outcome";
      outcome.append(box.dataset.doneText + " ", link);
    } else {
      outcome.textContent = job.progress + "%";
    }
  }

  function apply(notifications) {
    notifications.forEach(function (item) {
      if (item.name === "unread_message_count") showBadge("unread-badge", item.data.count);
      if (item.name === "unread_notice_count") showBadge("notice-badge", item.data.count);
      if (item.name === "job_progress") showJob(item.data);
      since = String(item.timestamp);
    });
  }

  function poll() {
    fetch(url + "?since=" + encodeURIComponent(since), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        // Logged out in another tab: stop asking.
        if (response.status === 401) {
          stop();
          return [];
        }
        return response.ok ? response.json() : [];
      })
      .then(apply)
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  function start() {
    if (timer === null && !streaming) timer = window.setInterval(poll, intervalMs);
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
  }

  // Don't poll from hidden tabs; catch up at once when the tab comes back.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      poll();
      start();
    }
  });
  if (!document.hidden) start();

  // For stream.js: the stream's "notification" events are the poll's rows, one at a time.
  window.microblogNotifications = {
    apply: apply,
    poll: poll,
    streamOpened: function () {
      streaming = true;
      stop();
    },
    streamLost: function () {
      streaming = false;
      if (!document.hidden) {
        poll();
        start();
      }
    },
  };
})();
