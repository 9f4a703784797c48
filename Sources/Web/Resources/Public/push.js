// "Notify this device" on the account page (served from /assets/push.js: the
// Content-Security-Policy allows no inline script). It asks the browser for permission,
// registers the service worker (/sw.js) that shows the messages, subscribes with this server's
// key and hands the subscription to the server, which from then on sends this device alerts
// (officers) or warnings (victims) encrypted for it alone.
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box) return;
  var button = document.getElementById("push-subscribe");
  var status = document.getElementById("push-status");

  function say(text) { status.textContent = text; status.hidden = false; }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(box.getAttribute("data-unsupported"));
    return;
  }
  button.hidden = false;

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = window.atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // "Firefox on Android": enough for her to tell her devices apart
  function label() {
    var ua = navigator.userAgent, browser = "Browser", system = "";
    if (/Edg\//.test(ua)) browser = "Edge"; else if (/Firefox\//.test(ua)) browser = "Firefox";
    else if (/Chrome\//.test(ua)) browser = "Chrome"; else if (/Safari\//.test(ua)) browser = "Safari";
    if (/Android/.test(ua)) system = "Android"; else if (/iPhone|iPad/.test(ua)) system = "iOS";
    else if (/Windows/.test(ua)) system = "Windows"; else if (/Mac OS X/.test(ua)) system = "macOS"; else if (/Linux/.test(ua)) system = "Linux";
    return system ? browser + " · " + system : browser;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.hidden = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.getAttribute("data-key")) });
      });
    }).then(function (subscription) {
      var body = subscription.toJSON();
      body.label = label();
      return window.fetch("/api/v1/me/push-subscriptions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": box.getAttribute("data-csrf") },
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      window.location.replace("/password?push=added#push");
    }).catch(function (error) {
      button.disabled = false;
      say(box.getAttribute(error && error.message === "denied" ? "data-denied" : "data-failed"));
    });
  });
})();
