// The victim's diary (served from /assets/diary.js).
// - What she types is kept on the server as a draft a moment after she stops typing, so an ended
//   session, a closed tab or a quick exit does not lose it; signing in again brings it back.
// - With several cases, the form is sent to the case she chose.
// - The panic button adds her phone's position when she allows it (5 s at most), and is sent
//   without one otherwise: the alert goes out either way.
(function () {
  "use strict";
  var form = document.getElementById("incident-form");
  var status = document.getElementById("draft-status");
  var choice = document.getElementById("case-choice");
  if (form) {
    if (choice) {
      var follow = function () { form.setAttribute("action", "/cases/" + choice.value + "/incidents"); };
      choice.addEventListener("change", function () { follow(); schedule(); });
      follow();
    }
    var timer = null;
    var schedule = function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(saveDraft, 1500);
    };
    var saveDraft = function () {
      var body = new URLSearchParams();
      new FormData(form).forEach(function (value, name) { if (typeof value === "string") body.append(name, value); });
      if (choice) body.append("case", choice.value);
      fetch("/diary/draft", { method: "POST", credentials: "same-origin", body: body, redirect: "manual" })
        .then(function (response) {
          if (status && (response.status === 401 || response.type === "opaqueredirect")) {
            status.textContent = status.getAttribute("data-ended");
            status.hidden = false;
          }
        })
        .catch(function () { /* offline: the form is still there to submit */ });
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  // a form that came back with errors: take her to the message
  var problem = form && form.querySelector(".error");
  if (problem) {
    problem.setAttribute("tabindex", "-1");
    problem.scrollIntoView({ block: "center" });
    problem.focus();
  }

  var panic = document.getElementById("panic-form");
  if (panic && navigator.geolocation) {
    var sending = false;
    panic.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }
      event.preventDefault();
      sending = true;
      var button = document.getElementById("panic-button");
      if (button) { button.textContent = button.getAttribute("data-sending"); button.setAttribute("aria-busy", "true"); }
      var send = function () { panic.submit(); };
      var fallback = setTimeout(send, 5000);
      navigator.geolocation.getCurrentPosition(function (position) {
        clearTimeout(fallback);
        document.getElementById("panic-lat").value = position.coords.latitude;
        document.getElementById("panic-lon").value = position.coords.longitude;
        document.getElementById("panic-accuracy").value = Math.round(position.coords.accuracy);
        send();
      }, function () { clearTimeout(fallback); send(); }, { enableHighAccuracy: true, timeout: 5000, maximumAge: 30000 });
    });
  }
})();
