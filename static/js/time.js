// Rewrites every <time datetime data-relative> as a relative time ("3 minutes ago",
// "hace 3 minutos") in the page's language, with the full date in the reader's own
// timezone on hover. The server-rendered text stays when Intl is missing.
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat || !Intl.DateTimeFormat) return;

  var language = document.documentElement.lang || undefined;
  var relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  var full = new Intl.DateTimeFormat(language, { dateStyle: "full", timeStyle: "short" });
  // Largest unit first; a month and a year are averages, as in every "x ago" display.
  var UNITS = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
  ];

  function describe(date, now) {
    var seconds = (date.getTime() - now) / 1000;
    for (var i = 0; i < UNITS.length; i++) {
      var size = UNITS[i][1];
      if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), UNITS[i][0]);
    }
    // Under a minute: "now" / "ahora" / "jetzt" / "maintenant".
    return relative.format(0, "second");
  }

  function render(root) {
    var now = Date.now();
    (root || document).querySelectorAll("time[datetime][data-relative]").forEach(function (element) {
      var date = new Date(element.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      element.textContent = describe(date, now);
      element.title = full.format(date);
    });
  }

  render(document);
  // Keep "just now" honest on a page left open.
  setInterval(function () { render(document); }, 60 * 1000);
  // Fragments loaded later (popovers, translations) call this on themselves.
  window.microblogTimes = { render: render };
})();
