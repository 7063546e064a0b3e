/* Teacher search. On phones the filters fold behind a button (open when a search is on);
   a visitor's free times, printed in UTC (the server does not know their zone), are
   rewritten in the browser's own zone, with its name. Without JavaScript all shows. */
(function () {
  "use strict";

  var toggle = document.querySelector("[data-filters-toggle]");
  var fields = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (fields) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = fields.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "Hide filters" : "Show filters";
    });
  }

  var note = document.querySelector("[data-visitor-zone]");
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  if (!note || !zone) {
    return;
  }
  var format = new Intl.DateTimeFormat("en-GB", {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZone: zone
  });
  document.querySelectorAll("time[data-free-time]").forEach(function (time) {
    var text = format.format(new Date(time.getAttribute("datetime")));
    time.textContent = text.replace(" at ", ", ") + " (" + zone + ")";
  });
  note.querySelector("strong").textContent = zone;
  note.querySelector("[data-zone-source]").textContent = " (your device's time zone)";
})();
