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

// Sign-up: preselect the browser's time zone, so "today" and the day's limits follow the learner's clock.
(function () {
  "use strict";
  var select = document.querySelector("select[data-browser-time-zone]");
  if (!select) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (zone && select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
})();

// Back/forward after grading must not show the card already answered: a page restored from the back-forward
// cache is reloaded (signed-in pages are also sent no-store).
window.addEventListener("pageshow", function (event) {
  "use strict";
  if (event.persisted && document.querySelector("[data-shortcuts]")) window.location.reload();
});

// Phone: wide scrollable charts open at their right end (today), not a year ago.
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-scroll-end]");
  for (var i = 0; i < regions.length; i++) regions[i].scrollLeft = regions[i].scrollWidth;
})();

// Type-in answers (Anki's {{type:Field}}): what the learner typed on the front is kept while the answer loads,
// then compared with the expected answer on the back. Without JavaScript the back still shows the answer.
(function () {
  "use strict";
  var STORE = "studyapp-typed-answer";
  function remember() {
    var box = document.querySelector("#card-front .type-in");
    if (box) sessionStorage.setItem(STORE, box.value);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("type-in")) {
      event.preventDefault();
      remember();
      var show = document.querySelector(".show-answer");
      if (show) show.click();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".show-answer")) remember();
  });
  function normalise(text) {
    return text.replace(/\s+/g, " ").trim().toLowerCase();
  }
  function compare() {
    var expected = document.querySelector("#card-back .type-answer");
    var typed = sessionStorage.getItem(STORE);
    if (!expected || typed === null || expected.querySelector(".type-verdict")) return;
    sessionStorage.removeItem(STORE);
    var right = normalise(typed) === normalise(expected.textContent);
    var verdict = document.createElement("p");
    verdict.className = "type-verdict " + (right ? "type-right" : "type-wrong");
    verdict.textContent = (right ? "✓ You typed: " : "✗ You typed: ") + (typed || "(nothing)");
    expected.appendChild(verdict);
  }
  document.addEventListener("DOMContentLoaded", compare);
  document.addEventListener("htmx:afterSettle", compare);
})();
