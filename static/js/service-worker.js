// The installable app's service worker, served from /service-worker.js (microblog/webapp.py
// fills in the shell). It caches the shell (the offline page and its styles) when installed
// and shows the offline page when a page cannot be fetched. Pages themselves are never
// cached: they are a member's own, and always fetched fresh.
"use strict";
var CACHE = "microblog-shell-v1";
var SHELL = [__SHELL__];
var OFFLINE = SHELL[0];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(SHELL);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE);
    }));
    return;
  }
  // The shell's own files: from the network, the cached copy when offline.
  var url = new URL(request.url);
  if (url.origin === self.location.origin && SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request);
    }));
  }
});

// Web push (messaging.push): the payload is the notification the site built, in the member's
// language; a click opens its page (a post, the inbox, a profile), in a tab already open on it if any.
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: event.data ? event.data.text() : "" };
  }
  var url = typeof data.url === "string" ? data.url : "/";
  event.waitUntil(self.registration.showNotification(data.title || "Microblog", {
    body: data.body || "",
    icon: data.icon || SHELL[SHELL.length - 1],
    badge: SHELL[SHELL.length - 1],
    tag: data.tag || undefined,
    data: { url: url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Only the site's own pages: a payload never sends the member elsewhere.
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
