// Registers the service worker (microblog/webapp.py) that makes the site installable and
// shows an offline page; nothing happens where service workers are not supported.
(function () {
  "use strict";
  var url = document.body.dataset.serviceWorker;
  if (!url || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* not installable here (plain HTTP) */ });
  });
})();
