// The field app's service worker, served at /app/o/<org>/field/sw.js with that folder as scope.
//
// It keeps in the Cache API only what holds no personal data: the app shell (the field page,
// which carries no case data), the offline page, the manifest and the static files the page
// lists. The shell is network first, so a signed-in user always gets the current page when
// there is a connection. JSON endpoints, every other page of the app (devices, conflicts) and
// anything outside the scope are never stored; the data itself lives encrypted in IndexedDB.
"use strict";

const VERSION = "v1";
const SCOPE = new URL(self.registration.scope);
const CACHE = `donghanh-field-${VERSION}:${SCOPE.pathname}`;
const SHELL = SCOPE.pathname;
const OFFLINE = `${SCOPE.pathname}offline/`;
const MANIFEST = `${SCOPE.pathname}manifest.webmanifest`;
// Set when the page erases the phone's data: nothing is stored again by this worker.
let wiped = false;
const STATIC_SUFFIX = /\.(js|css|png|svg|ico|woff2?|webmanifest)$/;

function sameOrigin(url) {
  return url.origin === self.location.origin;
}

// A URL the page may ask to keep: a static file outside the app's pages, or the manifest.
function cacheable(url) {
  if (!sameOrigin(url) || url.search) { return false; }
  if (url.pathname === MANIFEST) { return true; }
  if (url.pathname.startsWith(SCOPE.pathname)) { return false; }
  return STATIC_SUFFIX.test(url.pathname);
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

async function storePage(path, response) {
  if (!wiped && keepable(response) && isHtml(response)) {
    const cache = await caches.open(CACHE);
    await cache.put(new URL(path, SCOPE).href, response);
  }
}

async function precachePages() {
  for (const path of [SHELL, OFFLINE]) {
    try {
      const response = await fetch(new URL(path, SCOPE).href, { credentials: "same-origin", cache: "no-store" });
      await storePage(path, response);
    } catch (error) {
      // Offline while installing: the page will be stored on its next visit.
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precachePages().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("donghanh-field-") && name.endsWith(`:${SCOPE.pathname}`) && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache" && Array.isArray(data.urls)) {
    event.waitUntil((async () => {
      if (wiped) { return; }
      const cache = await caches.open(CACHE);
      for (const href of data.urls) {
        const url = new URL(href, SCOPE);
        if (!cacheable(url)) { continue; }
        try {
          const response = await fetch(url.href, { credentials: "same-origin" });
          const type = response.headers.get("Content-Type") || "";
          if (!wiped && keepable(response) && !type.startsWith("application/json")) { await cache.put(url.href, response); }
        } catch (error) {
          // Kept on a later visit.
        }
      }
      await precachePages();
      if (event.source) { event.source.postMessage({ type: "precached" }); }
    })());
  } else if (data.type === "wipe") {
    wiped = true;
    event.waitUntil((async () => {
      await caches.delete(CACHE);
      if (event.ports[0]) { event.ports[0].postMessage({ type: "wiped" }); }
    })());
  }
});

// The shell and the offline page: the network first, the stored copy when there is none.
async function page(request, path) {
  try {
    const response = await fetch(request);
    await storePage(path, response.clone());
    return response;
  } catch (error) {
    const cache = await caches.open(CACHE);
    return (await cache.match(new URL(path, SCOPE).href, { ignoreVary: true })) ||
      (await cache.match(new URL(OFFLINE, SCOPE).href, { ignoreVary: true })) || Response.error();
  }
}

// Any other page of the app: never stored; the offline page when there is no network.
async function otherPage(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    return (await cache.match(new URL(OFFLINE, SCOPE).href, { ignoreVary: true })) || Response.error();
  }
}

// A static file the page listed: the stored copy at once, refreshed in the background.
async function staticFile(event, cached) {
  event.waitUntil((async () => {
    try {
      const response = await fetch(event.request.url, { credentials: "same-origin" });
      if (!wiped && keepable(response)) { await (await caches.open(CACHE)).put(event.request.url, response); }
    } catch (error) {
      // Offline: the stored copy stays.
    }
  })());
  return cached;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (!sameOrigin(url)) { return; }
  if (request.mode === "navigate") {
    if (!url.pathname.startsWith(SCOPE.pathname)) { return; }
    if (url.pathname === SHELL) { event.respondWith(page(request, SHELL)); return; }
    if (url.pathname === OFFLINE) { event.respondWith(page(request, OFFLINE)); return; }
    event.respondWith(otherPage(request));
    return;
  }
  if (!cacheable(url)) { return; }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(url.href, { ignoreVary: true });
    if (cached) { return staticFile(event, cached); }
    return fetch(request);
  })());
});
