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
  // "Use my location" in the school finder: fills the "near" field with the browser's
  // position. Without JavaScript the button stays hidden and families type a ZIP code.
  function enableNearMe() {
    var button = document.querySelector("[data-near-me]");
    var field = document.getElementById("near");
    if (!button || !field || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        field.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        field.form.requestSubmit();
      }, function () {
        announce(button.dataset.denied);
      }, { maximumAge: 600000, timeout: 10000 });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enableNearMe);
  } else {
    enableNearMe();
  }
}());
