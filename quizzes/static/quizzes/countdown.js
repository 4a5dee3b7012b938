// The visible countdown of a timed attempt. The server owns the deadline (and closes the attempt on its own);
// this only shows the time left and, at zero, submits the attempt so the learner lands on their result.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("countdown");
    if (!el || el.dataset.started) return;
    el.dataset.started = "1";
    var deadline = Date.parse(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    var output = el.querySelector("[data-time-left]");
    var timer = setInterval(function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      if (left >= 3600) {
        // Long windows (an assignment open for a week) read as days and hours, not "10079 min".
        var days = Math.floor(left / 86400);
        var hours = Math.floor((left % 86400) / 3600);
        output.textContent = (days ? days + (days === 1 ? " day " : " days ") : "") + hours + " h " + (minutes % 60) + " min";
      } else {
        output.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      }
      el.classList.toggle("urgent", left <= 60);
      if (left === 0) {
        clearInterval(timer);
        var form = document.getElementById("submit-attempt");
        if (form) {
          var flag = document.createElement("input");
          flag.type = "hidden";
          flag.name = "time_up";
          flag.value = "1";
          form.appendChild(flag);
          form.submit();
        }
      }
    }, 1000);
  }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
