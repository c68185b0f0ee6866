/* cooplevier atelier: the presenter view's keyboard, full screen and live refresh.
   Without this script the slides still work: each has links to the previous and next one, and
   the page reloads itself slowly (<noscript>). With it: ArrowRight, PageDown and Space go forward,
   ArrowLeft and PageUp back, "f" toggles full screen, "r" (facilitator's view only) reveals or
   hides the results. refresh.js fetches the slides again every few seconds (with the current
   slide in the deck's data-query); this script shows the current one again after each. */
(function () {
  "use strict";
  var deck = document.querySelector(".deck");
  if (!deck) { return; }
  var current = parseInt(deck.getAttribute("data-current"), 10) || 0;

  function slides() { return deck.querySelectorAll("section[data-slide]"); }

  function show(index) {
    var all = slides();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    for (var i = 0; i < all.length; i += 1) {
      if (i === current) {
        all[i].removeAttribute("hidden");
        all[i].setAttribute("aria-current", "true");
      } else {
        all[i].setAttribute("hidden", "");
        all[i].removeAttribute("aria-current");
      }
    }
    fit(all[current]);
    deck.setAttribute("data-query", "?s=" + current);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?s=" + current);
    }
  }

  /* The wheel's slide: when its side column (legend, counts, what is held back) runs past the
     row, the wheel gives up height, 20 px at a time, so that no text shrinks under 28 px and the
     slide never scrolls. */
  function fit(section) {
    var row = section.querySelector(".wheel-row");
    var box = section.querySelector(".wheelbox");
    var side = section.querySelector(".side");
    if (!row || !box || !side) { return; }
    box.style.height = "";
    var height = box.getBoundingClientRect().height;
    while (height > 300 && side.getBoundingClientRect().bottom > row.getBoundingClientRect().bottom + 1) {
      height -= 20;
      box.style.height = height + "px";
    }
  }

  function move(step) { show(current + step); }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || key === " " || key === "Spacebar") {
      event.preventDefault(); move(1);
    } else if (key === "ArrowLeft" || key === "PageUp") {
      event.preventDefault(); move(-1);
    } else if (key === "f" || key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    } else if (key === "r" || key === "R") {
      var button = slides()[current] && slides()[current].querySelector("button[data-key='r']");
      if (button) { event.preventDefault(); button.click(); }
    }
  });

  deck.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-move]") : null;
    if (link) { event.preventDefault(); move(parseInt(link.getAttribute("data-move"), 10)); }
  });

  deck.addEventListener("cooplevier:refreshed", function () { show(current); });
  window.addEventListener("resize", function () { show(current); });
  show(current);
}());
