// Wagtail admin, newsletter campaigns (progress page and listing): while a campaign is sending,
// poll its read-only JSON progress and update the status, the <progress> bar and its text in
// place. A polite live region announces each quarter and the end. Polling stops once nothing
// on the page is sending, and after repeated errors (then a "refresh" hint is shown).
(function () {
  "use strict";
  var INTERVAL = 2000;
  var MAX_ERRORS = 5;
  var timer = null;
  var busy = false;
  var errors = 0;
  var quarters = {};

  function roots(url) {
    var all = document.querySelectorAll("[data-campaign-progress]");
    return Array.prototype.filter.call(all, function (el) {
      return !url || el.getAttribute("data-campaign-progress") === url;
    });
  }

  function activeUrls() {
    var urls = [];
    roots().forEach(function (el) {
      var url = el.getAttribute("data-campaign-progress");
      if (el.getAttribute("data-status") === "sending" && urls.indexOf(url) < 0) urls.push(url);
    });
    return urls;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text; // untouched when unchanged: no flicker
  }

  function announce(text) {
    var region = document.querySelector("[data-progress-announcer]");
    if (!region) {
      region = document.createElement("div");
      region.className = "w-sr-only";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.setAttribute("aria-atomic", "true");
      region.setAttribute("data-progress-announcer", "");
      document.body.appendChild(region);
    }
    setText(region, text);
  }

  function render(url, data) {
    roots(url).forEach(function (root) {
      root.setAttribute("data-status", data.status);
      var fields = Array.prototype.slice.call(root.querySelectorAll("[data-progress-field]"));
      if (root.hasAttribute("data-progress-field")) fields.push(root);
      fields.forEach(function (el) {
        setText(el, String(data[el.getAttribute("data-progress-field")]));
      });
      root.querySelectorAll("progress").forEach(function (bar) {
        if (bar.value !== data.percent) bar.value = data.percent;
        setText(bar, data.percent + "%");
      });
    });
    var quarter = Math.min(3, Math.floor(data.percent / 25));
    var previous = quarters[url];
    quarters[url] = quarter;
    if (!data.active) {
      announce(data.subject + ": " + data.status_label + ". " + data.summary + ".");
    } else if (previous !== undefined && quarter > previous) {
      announce(data.subject + ": " + data.percent + "% done. " + data.summary + ".");
    }
  }

  function poll(url) {
    return fetch(url, {
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        errors = 0;
        render(url, data);
      })
      .catch(function () {
        errors += 1;
      });
  }

  function stall() {
    document.querySelectorAll("[data-progress-stalled]").forEach(function (el) {
      el.hidden = false;
    });
  }

  function tick() {
    timer = null;
    var urls = activeUrls();
    if (!urls.length) return;
    if (document.hidden) return schedule(); // nobody is looking: wait, do not fetch
    busy = true;
    Promise.all(urls.map(poll)).then(function () {
      busy = false;
      if (errors >= MAX_ERRORS) stall();
      else schedule();
    });
  }

  function schedule() {
    if (timer !== null || busy || errors >= MAX_ERRORS || !activeUrls().length) return;
    timer = window.setTimeout(tick, INTERVAL * Math.pow(2, errors)); // back off after errors
  }

  schedule();
  // The listing replaces its rows in place when filtered or searched.
  document.addEventListener("w-swap:success", schedule);
})();
