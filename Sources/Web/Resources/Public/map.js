// The monitoring page's zone form and its map (served from /assets/map.js: the
// Content-Security-Policy allows no inline script). A click on the map gives a point: the
// circle's centre, or the polygon's next corner. The map is drawn in Web Mercator at a whole
// zoom; the figure carries the zoom and the frame's corner in world pixels. Everything here can
// also be typed: the page works without this script.
(function () {
  "use strict";
  var figure = document.querySelector("figure[data-projection]");
  var form = document.getElementById("zone-form");
  if (!figure || !form) return;
  var parts = figure.getAttribute("data-projection").split(" ").map(Number);
  var zoom = parts[0], left = parts[1], top = parts[2];
  var svg = figure.querySelector("svg");
  var lat = document.getElementById("zone-lat"), lon = document.getElementById("zone-lon");
  var corners = document.getElementById("zone-corners"), polygon = document.getElementById("shape-polygon");
  var circle = document.getElementById("shape-circle"), place = document.getElementById("zone-place");

  function pointOf(event) {
    var matrix = svg.getScreenCTM();
    if (!matrix) return null;
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    var q = p.matrixTransform(matrix.inverse());
    var size = 256 * Math.pow(2, zoom);
    var x = (q.x + left) / size, y = (q.y + top) / size;
    return [Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI, x * 360 - 180];
  }

  if (svg) {
    svg.classList.add("pickable");
    svg.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) return; // an alert's mark is a link
      var point = pointOf(event);
      if (!point) return;
      var text = point[0].toFixed(6) + ", " + point[1].toFixed(6);
      if (polygon && polygon.checked) {
        corners.value = (corners.value.replace(/\s+$/, "") ? corners.value.replace(/\s+$/, "") + "\n" : "") + text;
      } else {
        lat.value = point[0].toFixed(6); lon.value = point[1].toFixed(6);
        if (place) place.value = "";
      }
    });
  }
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
})();
