// The push notifications settings page (messaging/push_views.py): turns web push on or off
// for this browser through the service worker that webapp.js registers.
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  var status = document.getElementById("push-device-status");
  if (!box || !status) return;
  var enable = document.getElementById("push-enable");
  var disable = document.getElementById("push-disable");
  var token = document.querySelector('input[name="csrfmiddlewaretoken"]');

  function show(text, subscribed) {
    status.textContent = text;
    enable.hidden = subscribed !== false;
    disable.hidden = subscribed !== true;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show(box.dataset.unsupported, null);
    return;
  }

  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // "Chrome on Android": enough for a member to tell their devices apart.
  function deviceName() {
    var ua = navigator.userAgent;
    var browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" :
      /Safari\//.test(ua) ? "Safari" : "Browser";
    var system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" :
      /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    return system ? browser + " · " + system : browser;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || box.dataset.failed);
        return data;
      });
    });
  }

  var registration = navigator.serviceWorker.ready;

  function refresh() {
    if (Notification.permission === "denied") {
      show(box.dataset.denied, null);
      return;
    }
    registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      show(sub ? box.dataset.on : box.dataset.off, !!sub);
    });
  }

  enable.addEventListener("click", function () {
    enable.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(box.dataset.denied);
      return registration;
    }).then(function (reg) {
      return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) });
    }).then(function (sub) {
      var data = sub.toJSON();
      data.name = deviceName();
      return post(box.dataset.subscribeUrl, data).catch(function (error) {
        sub.unsubscribe();
        throw error;
      });
    }).then(function () {
      window.location.reload();  // the list of devices shows this one now
    }).catch(function (error) {
      show(error && error.message ? error.message : box.dataset.failed, false);
    }).then(function () { enable.disabled = false; });
  });

  disable.addEventListener("click", function () {
    disable.disabled = true;
    registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      if (!sub) return null;
      var endpoint = sub.endpoint;
      return sub.unsubscribe().then(function () { return post(box.dataset.unsubscribeUrl, { endpoint: endpoint }); });
    }).then(function () {
      window.location.reload();
    }).catch(function () {
      show(box.dataset.failed, true);
    }).then(function () { disable.disabled = false; });
  });

  refresh();
})();
