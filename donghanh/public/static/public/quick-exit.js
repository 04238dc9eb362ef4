// Quick exit: leave for a neutral site at once, and replace this page in the history so that
// "back" does not return to it. Esc pressed twice within a second does the same. Without
// JavaScript the button is a plain link that still leaves.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  var lastEscape = 0;

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.hidden = true;  // hide the page while the neutral one loads
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); } else { lastEscape = now; }
  });
})();
