// Qorgau's alert console, live (served from /assets/alerts.js: the Content-Security-Policy allows
// no inline script). It listens to the alert stream of the officer's scope; when an alert is
// raised, escalated, acknowledged or handed over, the page is loaded again — unless the officer
// is writing a note, when a notice says there is news and waits for her. The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so nothing raised meanwhile is lost.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var notice = document.getElementById("live-notice");
  var source = new EventSource("/api/v1/monitoring/alerts/stream");

  function busy() {
    var active = document.activeElement;
    if (active && (active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return true;
    var notes = document.querySelectorAll("textarea");
    for (var i = 0; i < notes.length; i++) if (notes[i].value.trim() !== "") return true;
    return false;
  }

  var leaving = false;
  var pending = null;

  // the officer's own action: its answer is the page to see, not a reload of this one
  document.addEventListener("submit", function () { leaving = true; source.close(); });

  function news() {
    if (leaving) return;
    if (busy()) { if (notice) notice.hidden = false; return; }
    // a moment later, so the messages the event sends are listed with it
    if (pending === null) pending = window.setTimeout(function () { if (!leaving && !busy()) window.location.reload(); pending = null; }, 1500);
  }

  ["alert", "escalation", "acknowledged", "handover"].forEach(function (name) {
    source.addEventListener(name, news);
  });
  source.addEventListener("end", function () { source.close(); if (!leaving) window.location.reload(); });
})();
