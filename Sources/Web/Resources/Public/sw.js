// Qorgau's service worker (served from /sw.js): shows the push messages the server sends this
// device and opens the page a message names when it is tapped. The message is the JSON the server
// encrypted for this browser: {title, body, url, tag}; the same tag again replaces the
// notification instead of adding one (a message sent twice after a server restart shows once).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", tag: data.tag || undefined, data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(url));
});
