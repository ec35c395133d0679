// The till's service worker (served by ashopy.backoffice.till.views.service_worker, scope /staff/till/).
// It keeps the till's pages and the static files they load, so that a reload while the server cannot
// be reached still shows the till: network first, the last copy when the network fails. The API and
// the catalogue are left to the page (it keeps the catalogue and the pending sales in IndexedDB).
const CACHE = "ashopy-till-v1";
const SCOPE = new URL(self.registration.scope).pathname;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = request.mode === "navigate" && url.pathname.startsWith(SCOPE);
  const asset = url.pathname.startsWith("/static/");
  if (!page && !asset) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error())),
  );
});
