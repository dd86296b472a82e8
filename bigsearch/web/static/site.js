// Small additions for browsers that run JavaScript; every page works without it.
// Copy buttons for the citation blocks, and focus on the results after htmx updates a page in place.
(function () {
  "use strict";
  function addCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("pre.cite[data-copy-label]").forEach(function (block) {
      if (block.dataset.copyReady) return;
      block.dataset.copyReady = "1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = block.dataset.copyLabel;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(block.textContent).then(function () {
          button.textContent = "Kopierat";
        });
      });
      block.insertAdjacentElement("afterend", button);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });
  document.addEventListener("htmx:afterSettle", function () {
    addCopyButtons(document);
    var heading = document.getElementById("results-heading");
    if (heading) heading.focus({ preventScroll: true });
  });
})();
