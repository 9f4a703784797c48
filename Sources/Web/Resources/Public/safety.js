// Qorgau's safety script for the pages a victim may see (served from /assets/safety.js: the
// Content-Security-Policy allows no inline script).
//
// Quick exit: the button, Esc, or Shift pressed three times within a second. The session ends on
// the server (a keepalive POST /exit that outlives the page; and the exit mark, a cookie set here
// first, ends it with whichever request reaches the server first), the page is blanked at once, and
// location.replace() puts the neutral page in place of this one in the history, so Back does not
// return to it. Every page is sent with Cache-Control: no-store, so an earlier page that Back
// reaches is asked for again and, the session being over, answered with the sign-in page.
(function () {
  "use strict";
  var form = document.getElementById("quick-exit-form");
  if (!form) return;
  var target = form.getAttribute("data-exit") || "https://www.google.com/";
  var leaving = false;

  function exit(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    try {
      document.cookie = "qorgau_exit=1; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    } catch (e) { }
    try {
      fetch("/exit", { method: "POST", credentials: "same-origin", keepalive: true,
                       headers: { "X-Quick-Exit": "1" } });
    } catch (e) { /* the page is left whatever happens */ }
    try { sessionStorage.clear(); localStorage.clear(); } catch (e) { }
    document.title = "";
    document.body.innerHTML = "";
    window.location.replace(target);
  }

  form.addEventListener("submit", exit);

  var shifts = [];
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { exit(event); return; }
    if (event.key === "Shift" && !event.repeat) {
      var now = Date.now();
      shifts = shifts.filter(function (t) { return now - t < 1000; });
      shifts.push(now);
      if (shifts.length >= 3) exit(event);
    } else if (event.key !== "Shift") {
      shifts = [];
    }
  });

  // A page restored from the back-forward cache is asked for again: the server decides.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });
})();
