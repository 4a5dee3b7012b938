// Installable app and offline review. Pages work without this script; with it:
// - the service worker is registered (it keeps the study page and our static files for offline use);
// - on the study page, the cards due until the end of tomorrow are kept in this browser, and when the network
//   goes away the learner keeps reviewing them with the same keys; each answer is queued with a unique id and
//   the card's version, and the queue is sent, in order, through the API when the network comes back;
// - logging out forgets everything kept on this device.
(function () {
  "use strict";
  var PREFIX = "studyapp:";
  var CACHE = "studyapp-v1";
  var root = document.documentElement;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
    } catch (e) {
      return "";
    }
  }

  if ("serviceWorker" in navigator && root.dataset.serviceWorker) {
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: "/" }).catch(function () {});
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.hasAttribute("data-forget-device")) return;
    Object.keys(localStorage)
      .filter(function (k) { return k.indexOf(PREFIX) === 0; })
      .forEach(function (k) { localStorage.removeItem(k); });
    if (window.caches) caches.delete(CACHE);
  });

  // Reminders page: ask this browser for notifications and hand its subscription to the server.
  var pushButton = document.getElementById("push-enable");
  if (pushButton && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window) {
    pushButton.hidden = false;
    pushButton.addEventListener("click", function () {
      var status = document.getElementById("push-status");
      var raw = atob(pushButton.dataset.keyPublic.replace(/-/g, "+").replace(/_/g, "/"));
      var key = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) key[i] = raw.charCodeAt(i);
      Notification.requestPermission()
        .then(function (permission) {
          if (permission !== "granted") throw new Error("Notifications are blocked for this site in your browser.");
          return navigator.serviceWorker.ready;
        })
        .then(function (registration) {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        })
        .then(function (subscription) {
          return fetch(pushButton.dataset.subscribeUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(subscription.toJSON()),
          });
        })
        .then(function (r) { return r.json(); })
        .then(function (body) { status.textContent = body.detail; })
        .catch(function (error) { status.textContent = error.message || "Could not turn on notifications."; });
    });
  }

  var box = document.getElementById("offline-review");
  if (!box) return;

  var user = box.dataset.user;
  var packageKey = PREFIX + user + ":package";
  var queueKey = PREFIX + user + ":queue";
  var statusKey = PREFIX + user + ":status";
  var onlineCard = document.getElementById("review-card");
  var statusLine = document.getElementById("offline-status");
  var el = function (id) { return document.getElementById(id); };
  var active = false;
  var current = null;
  var shownAt = 0;

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }
  function say(text) {
    statusLine.textContent = text;
    statusLine.hidden = !text;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- Online: keep the package fresh, send what was queued -------------------------------------------------

  function refreshPackage() {
    return fetch(box.dataset.packageUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (pkg) { if (pkg) save(packageKey, pkg); })
      .catch(function (error) {
        // A page served by the service worker may still believe it is online: a failed fetch says otherwise.
        if (error instanceof TypeError) enterOffline();
      });
  }

  function keepPageForOffline() {
    if (!window.caches) return;
    var urls = [box.dataset.pageUrl];
    document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=manifest]").forEach(function (n) {
      urls.push(n.getAttribute("src") || n.getAttribute("href"));
    });
    caches.open(CACHE).then(function (cache) {
      return cache.match(box.dataset.pageUrl, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
        return hit ? null : cache.addAll(urls);
      });
    }).catch(function () {});
  }

  // Sends the queue in order, in batches the API accepts; resolves with the totals of every batch.
  var SYNC_BATCH = 100;
  function sync() {
    var total = { applied: 0, skipped: 0, results: [] };
    function next() {
      var batch = load(queueKey, []).slice(0, SYNC_BATCH);
      if (!batch.length) return Promise.resolve(total.results.length ? total : null);
      return fetch(box.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify({ answers: batch }),
      }).then(function (r) {
        if (r.status === 401 || r.status === 403) {
          throw new Error("Log in again to send the answers kept on this device.");
        }
        if (!r.ok) throw new Error("The server refused the answers kept on this device (" + r.status + ").");
        return r.json();
      }).then(function (result) {
        var sent = {};
        result.results.forEach(function (x) { sent[x.client_id] = true; });
        save(queueKey, load(queueKey, []).filter(function (a) { return !sent[a.client_id]; }));
        total.applied += result.applied;
        total.skipped += result.skipped;
        total.results = total.results.concat(result.results);
        return next();
      });
    }
    return next();
  }

  // An answer given online changes the card's version: drop it from the kept cards.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM" || !form.querySelector("[name=version]")) return;
    var id = Number(form.querySelector("[name=card_state]").value);
    var pkg = load(packageKey, null);
    if (!pkg) return;
    pkg.cards = pkg.cards.filter(function (c) { return c.card_state_id !== id; });
    save(packageKey, pkg);
  });

  // --- Offline: review the kept cards -----------------------------------------------------------------------

  // The cards the review page would show now, as far as this device can tell: learning cards due within the
  // learn-ahead window, reviews due today, new cards, all within the day's limits less what is queued.
  function remaining() {
    var pkg = load(packageKey, null);
    if (!pkg) return [];
    var now = Date.now();
    var todayEnds = Date.parse(pkg.today_ends);
    var isToday = now < todayEnds;
    var horizon = isToday ? todayEnds : Date.parse(pkg.valid_until);
    var left = isToday
      ? { New: pkg.new_left_today, Review: pkg.reviews_left_today }
      : { New: pkg.new_per_day, Review: pkg.reviews_per_day };
    var stateOf = {};
    pkg.cards.forEach(function (c) { stateOf[c.card_state_id] = c.state; });
    var answered = {};
    load(queueKey, []).forEach(function (a) {
      answered[a.card_state_id] = true;
      var sameDay = (Date.parse(a.answered_at) < todayEnds) === isToday;
      var state = stateOf[a.card_state_id];
      if (sameDay && state in left) left[state] -= 1;
    });
    var buried = {};
    pkg.cards.forEach(function (c) {
      if (answered[c.card_state_id]) c.siblings.forEach(function (s) { buried[s] = true; });
    });
    var learnAhead = now + pkg.learn_ahead_seconds * 1000;
    return pkg.cards.filter(function (c) {
      if (answered[c.card_state_id] || buried[c.card_state_id]) return false;
      if (c.state === "Review" && !(Date.parse(c.due) < horizon)) return false;
      if (c.state === "New" || c.state === "Review") {
        if (left[c.state] <= 0) return false;
        left[c.state] -= 1;
        return true;
      }
      return Date.parse(c.due) <= learnAhead;
    });
  }

  function showNext() {
    var cards = remaining();
    var queued = load(queueKey, []).length;
    el("offline-left").textContent = cards.length + " left offline";
    el("offline-queued").textContent = queued + " answers waiting to be sent";
    current = cards[0] || null;
    el("offline-card").hidden = !current;
    el("offline-empty").hidden = !!current;
    el("offline-back-wrap").hidden = true;
    el("offline-grades").hidden = true;
    el("offline-show").hidden = !current;
    if (!current) return;
    el("offline-context").textContent = current.context || "";
    el("offline-front").textContent = current.front;
    el("offline-back").textContent = current.back;
    current.outcomes.forEach(function (o) {
      var button = box.querySelector('[data-rating="' + o.rating + '"]');
      button.textContent = o.label + " · " + o.interval;
    });
    shownAt = Date.now();
  }

  function showAnswer() {
    if (!current) return;
    el("offline-back-wrap").hidden = false;
    el("offline-grades").hidden = false;
    el("offline-show").hidden = true;
  }

  function grade(rating) {
    if (!current) return;
    var queue = load(queueKey, []);
    queue.push({
      client_id: newId(),
      card_state_id: current.card_state_id,
      version: current.version,
      card_rev: current.card_rev,
      rating: rating,
      answered_at: new Date().toISOString(),
      duration_ms: Math.min(Date.now() - shownAt, 60000),
    });
    save(queueKey, queue);
    showNext();
  }

  // Browsers do not always tell a page that the network came back: while offline, try now and then.
  var probing = null;
  var syncing = false;
  function probe() {
    // Only when the browser believes it is online (a page served by the worker may never hear "online").
    if (!active || syncing || !navigator.onLine) return;
    fetch(box.dataset.packageUrl, { method: "GET", credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (r.ok) backOnline(); })
      .catch(function () {});
  }

  function enterOffline() {
    if (active) return;
    if (!load(packageKey, null)) {
      say("You are offline, and no cards were saved on this device yet.");
      return;
    }
    active = true;
    if (!probing) probing = setInterval(probe, 5000);
    onlineCard.hidden = true;
    box.hidden = false;
    say("You are offline: reviewing the cards kept on this device. Answers are sent when you are back online.");
    showNext();
  }

  function backOnline() {
    if (syncing) return;
    if (!load(queueKey, []).length) {
      if (active) location.reload();
      return;
    }
    syncing = true;
    say("Back online: sending your answers…");
    sync().then(function (result) {
      var text = "Back online: " + result.results.length + " answers sent, " + result.applied + " applied, " +
        result.skipped + " skipped (cards that changed meanwhile).";
      sessionStorage.setItem(statusKey, text);
      location.reload();
    }).catch(function (error) {
      syncing = false;
      say(
        error instanceof TypeError
          ? "Still offline: your answers stay on this device and are sent when the network is back."
          : error.message || "Could not send your answers yet; they stay on this device."
      );
    });
  }

  el("offline-show").addEventListener("click", showAnswer);
  box.querySelectorAll("[data-rating]").forEach(function (button) {
    button.addEventListener("click", function () { grade(Number(button.dataset.rating)); });
  });
  window.addEventListener("offline", enterOffline);
  window.addEventListener("online", backOnline);
  document.body.addEventListener("htmx:sendError", enterOffline);

  var lastStatus = sessionStorage.getItem(statusKey);
  if (lastStatus) {
    sessionStorage.removeItem(statusKey);
    say(lastStatus);
  }
  if (navigator.onLine) {
    sync()
      .then(function (result) {
        if (result) say("Sent " + result.results.length + " answers kept on this device: " + result.applied + " applied, " + result.skipped + " skipped.");
      })
      .catch(function () {})
      .then(refreshPackage)
      .then(keepPageForOffline);
  } else {
    enterOffline();
  }
})();
