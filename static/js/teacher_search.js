/* Teacher search: a visitor's free times are printed in UTC (the server does not know
   their zone); rewrite them in the browser's own zone, with its name. */
(function () {
  "use strict";
  var note = document.querySelector("[data-visitor-zone]");
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!note || !zone) {
    return;
  }
  var format = new Intl.DateTimeFormat("en-GB", {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZone: zone
  });
  document.querySelectorAll("time[data-free-time]").forEach(function (time) {
    time.textContent = format.format(new Date(time.getAttribute("datetime"))).replace(" at ", ", ") + " (" + zone + ")";
  });
  note.querySelector("strong").textContent = zone;
  note.querySelector("[data-zone-source]").textContent = " (your device's time zone)";
})();
