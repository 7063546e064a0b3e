// Petit Talk site behaviour (no inline scripts: the Content-Security-Policy forbids them).

// Header menu: on small screens the navigation collapses behind a menu button.
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  if (!header) return;
  var toggle = header.querySelector("[data-menu-toggle]");
  var menu = header.querySelector("[data-menu]");
  if (!toggle || !menu) return;

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  toggle.hidden = false;
  header.classList.add("has-menu-toggle");
  setOpen(false);

  toggle.addEventListener("click", function () {
    // Disclosure pattern: focus stays on the button; Tab then moves into the open menu.
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (toggle.getAttribute("aria-expanded") === "true" && !header.contains(event.target)) {
      setOpen(false);
    }
  });
})();
