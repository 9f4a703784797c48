// The monitoring page's map (served from /assets/map.js: the Content-Security-Policy allows no
// inline script). Everything here can also be done without it: the page is whole without script.
//
// Live: while the page shows the last hours (not a chosen period), the map, the devices and the
// alerts are read again every 15 seconds and put in place, so positions and alerts move as pings
// arrive; a part the officer is working in (a field in focus, a form opened) is left alone.
//
// Zones: a click on the map gives a point, the circle's centre or the polygon's next corner. The
// map is drawn in Web Mercator at a whole zoom; the figure carries the zoom and the frame's
// corner in world pixels.
(function () {
  "use strict";
  var form = document.getElementById("zone-form");
  var lat = document.getElementById("zone-lat"), lon = document.getElementById("zone-lon");
  var corners = document.getElementById("zone-corners"), polygon = document.getElementById("shape-polygon");
  var circle = document.getElementById("shape-circle"), place = document.getElementById("zone-place");
  var holes = document.getElementById("zone-holes"), toHoles = document.getElementById("click-holes");
  var nextHole = document.getElementById("next-hole");
  // a click adds a corner of the outline, or of the cut-out being drawn; "next cut-out" starts another
  if (nextHole) nextHole.addEventListener("click", function () {
    if (holes.value.replace(/\s+$/, "")) holes.value = holes.value.replace(/\s+$/, "") + "\n\n";
    if (toHoles) toHoles.checked = true;
    if (polygon) polygon.checked = true;
  });

  function pointOf(svg, figure, event) {
    var parts = figure.getAttribute("data-projection").split(" ").map(Number);
    var matrix = svg.getScreenCTM();
    if (!matrix) return null;
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    var q = p.matrixTransform(matrix.inverse());
    var size = 256 * Math.pow(2, parts[0]);
    var x = (q.x + parts[1]) / size, y = (q.y + parts[2]) / size;
    return [Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI, x * 360 - 180];
  }

  function bind() {
    var figure = document.querySelector("figure[data-projection]");
    var svg = figure && figure.querySelector("svg");
    if (!svg || !form) return;
    svg.classList.add("pickable");
    svg.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) return; // an alert's mark is a link
      var point = pointOf(svg, figure, event);
      if (!point) return;
      if (polygon && polygon.checked) {
        var field = toHoles && toHoles.checked ? holes : corners;
        var text = field.value.replace(/[ \t]+$/, "");
        field.value = (text && !/\n\n$/.test(text) ? text.replace(/\s+$/, "") + "\n" : text) + point[0].toFixed(6) + ", " + point[1].toFixed(6);
      } else {
        lat.value = point[0].toFixed(6); lon.value = point[1].toFixed(6);
        if (place) place.value = "";
      }
    });
  }
  bind();

  if (place) {
    place.addEventListener("change", function () {
      var option = place.options[place.selectedIndex];
      var point = option && option.getAttribute("data-point");
      if (!point) return;
      var ll = point.split(",");
      lat.value = ll[0]; lon.value = ll[1];
      if (circle) circle.checked = true;
    });
  }

  // live, for the last hours only
  if (/[?&](from|to)=/.test(location.search)) return;
  function busy(element) {
    return element && (element.contains(document.activeElement) && document.activeElement !== document.body
      || element.querySelector("details[open]"));
  }
  function refresh() {
    if (document.hidden) return;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (answer) {
      if (!answer.ok || answer.redirected) return null;
      return answer.text();
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ["map-area", "device-table", "alert-table"].forEach(function (id) {
        var now = document.getElementById(id), next = fresh.getElementById(id);
        if (now && next && !busy(now)) now.replaceWith(document.importNode(next, true));
      });
      bind();
    }).catch(function () { /* the next round tries again */ });
  }
  setInterval(refresh, 15000);
})();
