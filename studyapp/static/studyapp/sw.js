// studyapp's service worker: keeps the study page and our static files so the page opens without a network.
// Reviews made offline are queued by offline.js and sent through the API; this worker never touches them.
"use strict";

const CACHE = "studyapp-v1";
const STUDY_PAGE = "/study/";
const MATCH = { ignoreSearch: true, ignoreVary: true };

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("studyapp-") && n !== CACHE).map((n) => caches.delete(n)))
      )
      .then(() => self.clients.claim())
  );
});

function offlinePage() {
  return new Response("You are offline and the study page has not been saved on this device yet.", {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

// Network first, so an online learner always gets fresh files; what was fetched last is kept for offline.
function networkFirst(request, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok && key) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(key, copy));
      }
      return response;
    })
    .catch(() =>
      caches.match(key || request, MATCH).then((hit) => {
        if (hit) return hit;
        if (request.mode === "navigate") {
          return caches.match(STUDY_PAGE, MATCH).then((page) => page || offlinePage());
        }
        return Response.error();
      })
    );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, url.pathname === STUDY_PAGE ? STUDY_PAGE : null));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(request, request));
  }
});

// Web-push reminders (sent by the server's reminder task): show them, and open the page they point to.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "studyapp", {
      body: data.body || "",
      icon: "/static/studyapp/icons/icon-192.png",
      data: { url: data.url || "/study/" },
      tag: "studyapp-reminder",
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/study/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(url.href));
});
