// Small enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";
  function announce(text) {
    var region = document.getElementById("live-region");
    if (region && text) { region.textContent = text; }
  }
  document.addEventListener("htmx:sendError", function () {
    announce(document.body.dataset.requestError);
  });
  document.addEventListener("htmx:responseError", function () {
    announce(document.body.dataset.responseError);
  });
  // While a region is being replaced, tell assistive technology it is busy.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target) { target.removeAttribute("aria-busy"); }
  });
}());
