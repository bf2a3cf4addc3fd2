// Research pages: on a narrow screen the filters start folded, so the results come first.
// The page is served with them open: without this script, nothing is hidden.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll("details.filter-panel").forEach(function (panel) {
    panel.open = false;
  });
})();
