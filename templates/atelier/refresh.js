/* cooplevier atelier: refresh a live block by fetching its HTML fragment (same origin).
   The page works without this script (a slow <noscript> meta refresh); with it, the block is
   replaced only when its content changed, in one step, so the projector never flashes.
   A block's data-query is added to its fragment's address at each fetch (the presenter view
   keeps its current slide there), and a replaced block receives a "cooplevier:refreshed" event. */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var boxes = document.querySelectorAll("[data-fragment]");
  for (var i = 0; i < boxes.length; i += 1) { watch(boxes[i]); }
  function watch(box) {
  var url = box.getAttribute("data-fragment");
  var every = parseInt(box.getAttribute("data-interval"), 10) || 4000;
  var last = null;
  function tick() {
    var query = box.getAttribute("data-query") || "";
    fetch(url + query, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (html !== last) {
          last = html;
          box.innerHTML = html;
          box.dispatchEvent(new CustomEvent("cooplevier:refreshed"));
        }
        box.removeAttribute("data-stale");
      })
      .catch(function () { box.setAttribute("data-stale", "true"); })
      .then(function () { window.setTimeout(tick, every); });
  }
  window.setTimeout(tick, every);
  }
}());
