// studyapp's only script besides htmx. Pages work without it; it adds keyboard shortcuts declared in markup:
// an element with data-key="1" is clicked when the learner presses 1 (outside text fields).
(function () {
  "use strict";
  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    // While htmx is fetching the next card, a repeated key would act on the card already answered.
    if (document.querySelector(".htmx-request")) return;
    var key = event.key === " " ? "Space" : event.key;
    // The first visible region with shortcuts (the offline reviewer replaces the page's card when offline).
    var scope = document;
    var regions = document.querySelectorAll("[data-shortcuts]");
    for (var r = 0; r < regions.length; r++) {
      if (regions[r].offsetParent !== null) {
        scope = regions[r];
        break;
      }
    }
    var candidates = scope.querySelectorAll("[data-key]");
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      var keys = el.getAttribute("data-key").split(" ");
      if (keys.indexOf(key) !== -1 && !el.disabled && el.offsetParent !== null) {
        event.preventDefault();
        el.click();
        return;
      }
    }
  });
})();
