// Availability editor, better with JavaScript: a week grid above the day lists (click an
// hour, or drag over several, to add or remove it; arrow keys move between hours), Add and
// Remove without a reload, and a time off's last day that follows its first. The day lists
// stay the form: the grid only rewrites their time inputs, so Save posts what they show.
(function () {
  "use strict";
  var form = document.getElementById("availability-form");
  var grid = form && form.querySelector("[data-availability-grid]");
  var template = form && form.querySelector("template[data-empty-window]");
  if (!grid || !template) {
    return;
  }
  var days = [].slice.call(form.querySelectorAll("[data-day]"));
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  function minutes(value) {
    var match = /^(\d\d):(\d\d)/.exec(value || "");
    return match ? match[1] * 60 + +match[2] : null;
  }
  function hhmm(total) {
    return ("0" + Math.floor(total / 60)).slice(-2) + ":" + ("0" + (total % 60)).slice(-2);
  }
  function rows(day) {
    return [].slice.call(day.querySelectorAll("[data-window-row]"));
  }
  function times(row) {
    return row.querySelectorAll('input[type="time"]');
  }
  // The day's windows as sorted, merged [start, end) minute pairs.
  function windows(day) {
    var list = [];
    rows(day).forEach(function (row) {
      var start = minutes(times(row)[0].value), end = minutes(times(row)[1].value);
      if (start !== null && end !== null && end > start) {
        list.push([start, end]);
      }
    });
    return tidy(list);
  }
  function tidy(list) {
    list.sort(function (a, b) { return a[0] - b[0]; });
    return list.reduce(function (merged, item) {
      var last = merged[merged.length - 1];
      if (last && item[0] <= last[1]) {
        last[1] = Math.max(last[1], item[1]);
      } else {
        merged.push(item.slice());
      }
      return merged;
    }, []);
  }
  function change(list, start, end, adding) {
    var out = [];
    list.forEach(function (item) {
      if (adding || item[1] <= start || item[0] >= end) {
        out.push(item);
      } else {
        if (item[0] < start) { out.push([item[0], start]); }
        if (item[1] > end) { out.push([end, item[1]]); }
      }
    });
    if (adding) {
      out.push([start, end]);
    }
    return out;
  }
  function addRow(day) {
    var total = document.getElementById("id_windows-TOTAL_FORMS");
    var index = +total.value;
    day.querySelector("[data-day-rows]").insertAdjacentHTML(
      "beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var row = rows(day).pop();
    row.querySelector('input[name$="-weekday"]').value = day.getAttribute("data-day");
    return row;
  }
  function describe(day) {
    var text = windows(day).map(function (w) { return hhmm(w[0]) + "–" + hhmm(w[1]); });
    return day.getAttribute("data-day-name") + ": " + (text.join(", ") || "no hours");
  }
  // Rewrite the day's rows to show ``list``; rows left over are emptied (an empty row is
  // skipped when saving) and hidden, but for one when the day has no window at all.
  function write(day, list) {
    var existing = rows(day);
    list = tidy(list);
    list.forEach(function (item, i) {
      var row = existing[i] || addRow(day);
      times(row)[0].value = hhmm(item[0]);
      times(row)[1].value = hhmm(item[1]);
      row.hidden = false;
    });
    existing.slice(list.length).forEach(function (row, i) {
      times(row)[0].value = times(row)[1].value = "";
      row.hidden = list.length > 0 || i > 0;
    });
    rows(day).forEach(function (row) {
      var name = row.querySelector("[data-row-name]");
      if (name) {
        name.textContent = " " + day.getAttribute("data-day-name") + " " +
          times(row)[0].value + "–" + times(row)[1].value;
      }
    });
    live.textContent = describe(day);
  }

  // Days with windows hide their empty row ("Add a window" shows it); the grid starts at
  // 06:00, or earlier for an earlier window.
  var first = 6;
  days.forEach(function (day) {
    var list = windows(day);
    list.forEach(function (w) { first = Math.min(first, Math.floor(w[0] / 60)); });
    rows(day).forEach(function (row) {
      var blank = !times(row)[0].value && !times(row)[1].value;
      row.hidden = row.hidden || blank && list.length > 0 && !row.querySelector(".errorlist");
    });
  });
  var html = '<table class="week-grid"><caption>Your week: select an hour to add it to your ' +
    "weekly hours or to remove it; drag over several hours to change them at once.</caption>" +
    '<thead><tr><th scope="col"><span class="visually-hidden">Time</span></th>';
  days.forEach(function (day) {
    var name = day.getAttribute("data-day-name");
    html += '<th scope="col"><abbr title="' + name + '">' + name.slice(0, 3) + "</abbr></th>";
  });
  html += "</tr></thead><tbody>";
  for (var hour = first; hour < 23; hour++) {
    html += '<tr><th scope="row">' + hhmm(hour * 60) + "</th>";
    days.forEach(function (day, d) {
      html += '<td><button type="button" class="week-grid__hour" tabindex="-1" data-d="' + d +
        '" data-h="' + hour + '" aria-label="' + day.getAttribute("data-day-name") + " " +
        hhmm(hour * 60) + " to " + hhmm(hour * 60 + 60) + '"></button></td>';
    });
    html += "</tr>";
  }
  grid.innerHTML = html + "</tbody></table>";
  grid.hidden = false;
  grid.parentNode.classList.add("has-grid");
  var cells = [].slice.call(grid.querySelectorAll("button"));
  var focusCell = cells[days.length * Math.max(0, 9 - first)] || cells[0];
  focusCell.tabIndex = 0;

  function cell(d, h) {
    return cells[(h - first) * days.length + d];
  }
  function paint() {
    days.forEach(function (day, d) {
      var list = windows(day);
      for (var h = first; h < 23; h++) {
        var covered = 0;
        list.forEach(function (w) {
          covered += Math.max(0, Math.min(w[1], h * 60 + 60) - Math.max(w[0], h * 60));
        });
        cell(d, h).setAttribute("aria-pressed", covered >= 60 ? "true" : covered ? "mixed" : "false");
      }
    });
  }
  function apply(d, from, to, adding) {
    var day = days[d];
    write(day, change(windows(day), from * 60, to * 60 + 60, adding));
    paint();
  }

  var drag = null;
  grid.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || drag && drag.moved) {
      drag = null;
      return;
    }
    drag = null;
    apply(+button.dataset.d, +button.dataset.h, +button.dataset.h,
      button.getAttribute("aria-pressed") !== "true");
  });
  grid.addEventListener("pointerdown", function (event) {
    var button = event.target.closest("button");
    if (button && event.pointerType !== "touch" && event.button === 0) {
      drag = { d: +button.dataset.d, h: +button.dataset.h, to: +button.dataset.h, moved: false,
        adding: button.getAttribute("aria-pressed") !== "true" };
    }
  });
  grid.addEventListener("pointerover", function (event) {
    var button = event.target.closest("button");
    if (drag && button && +button.dataset.d === drag.d && +button.dataset.h !== drag.to) {
      drag.to = +button.dataset.h;
      drag.moved = true;
      cells.forEach(function (c) {
        var h = +c.dataset.h;
        c.classList.toggle("is-dragged", +c.dataset.d === drag.d &&
          h >= Math.min(drag.h, drag.to) && h <= Math.max(drag.h, drag.to));
      });
    }
  });
  document.addEventListener("pointerup", function () {
    if (drag && drag.moved) {
      apply(drag.d, Math.min(drag.h, drag.to), Math.max(drag.h, drag.to), drag.adding);
      cells.forEach(function (c) { c.classList.remove("is-dragged"); });
      setTimeout(function () { drag = null; }, 0); // after the click that ends the drag
    } else {
      drag = null;
    }
  });
  grid.addEventListener("keydown", function (event) {
    var button = event.target.closest("button");
    var moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    var move = button && moves[event.key];
    var d = move && +button.dataset.d + move[0];
    var next = move && d >= 0 && d < days.length && cell(d, +button.dataset.h + move[1]);
    if (next) {
      event.preventDefault();
      button.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  });

  form.addEventListener("input", paint);
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (/-start_date$/.test(input.name)) {
      var end = form.querySelector('[name="' + input.name.replace(/start_date$/, "end_date") + '"]');
      end.min = input.value;
      if (!end.value || end.value < input.value) {
        end.value = input.value;
      }
    }
    paint();
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-row], [data-add-window], [data-add-time-off]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var day = button.closest("[data-day]");
    var row;
    if (button.hasAttribute("data-add-time-off")) {
      var total = document.getElementById("id_timeoff-TOTAL_FORMS");
      var list = form.querySelector("[data-time-off-rows]");
      list.insertAdjacentHTML("beforeend", form.querySelector("template[data-empty-time-off]")
        .innerHTML.replace(/__prefix__/g, total.value));
      total.value = String(+total.value + 1);
      list.lastElementChild.querySelector("input").focus();
    } else if (button.hasAttribute("data-add-window")) {
      row = rows(day).filter(function (r) { return r.hidden; })[0] || addRow(day);
      row.hidden = false;
      times(row)[0].focus();
    } else {
      row = button.closest("[data-window-row], [data-time-off-row]");
      row.hidden = true;
      if (day) {
        times(row)[0].value = times(row)[1].value = "";
        write(day, windows(day));
        paint();
        day.querySelector("[data-add-window]").focus();
      } else {
        row.insertAdjacentHTML("beforeend",
          '<input type="hidden" name="' + button.name + '" value="on">');
        form.querySelector("[data-add-time-off]").focus();
      }
      live.textContent = "Removed. Save your availability to keep this change.";
    }
  });

  // The error summary's links take the focus to their field, not just the view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a");
    var target = link && document.getElementById(link.hash.slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  paint();
  var alert = document.querySelector("[data-error-summary], [data-conflicts]");
  if (alert) {
    alert.focus();
  }
})();
