/* cooplevier atelier: count the facilitator's countdown down between two pages. The server writes
   the minutes left into the page (it works without this script); this only lowers them as time
   passes, from the seconds the server gave, so a phone's own clock never matters. */
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) { return; }
  var left = parseInt(box.getAttribute("data-countdown"), 10);
  var shown = box.querySelector("[data-minutes]");
  if (!shown || !(left > 0)) { return; }
  var start = Date.now();
  function tick() {
    var rest = Math.max(0, left - Math.floor((Date.now() - start) / 1000));
    var text = String(Math.ceil(rest / 60));
    if (shown.textContent !== text) { shown.textContent = text; }  /* a status region: speak only changes */
    if (rest > 0) { window.setTimeout(tick, 5000); }
  }
  window.setTimeout(tick, 5000);
}());
