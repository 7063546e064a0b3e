/* Accounts: the browser's time zone preselected in zone selects, and the teacher carousel
   buttons. */
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return ""; // old browsers: the select keeps its default, editable later
    }
  }

  // The option for a zone name: the place itself, or the place an old alias stands for
  // (the server lists those in data-aliases, e.g. Asia/Calcutta on Asia/Kolkata).
  function optionFor(select, zone) {
    for (var i = 0; i < select.options.length; i += 1) {
      var option = select.options[i];
      var aliases = (option.getAttribute("data-aliases") || "").split(" ");
      if (option.value === zone || aliases.indexOf(zone) !== -1) {
        return option;
      }
    }
    return null;
  }

  // Sign-up (data-detect-zone): preselect the zone the browser reports; the server checks
  // it against the same list. Elsewhere the user's saved zone stays selected.
  var zone = browserZone();
  document.querySelectorAll("select[data-detect-zone]").forEach(function (select) {
    var option = zone && optionFor(select, zone);
    if (option) {
      option.selected = true;
    }
  });

  // Carousel: previous/next scroll by one card. Nothing moves on its own.
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  document.querySelectorAll("[data-carousel]").forEach(function (carousel) {
    if (carousel.dataset.carouselReady) {
      return;
    }
    carousel.dataset.carouselReady = "1";
    var list = carousel.querySelector("[data-carousel-list]");
    var prev = carousel.querySelector("[data-carousel-prev]");
    var next = carousel.querySelector("[data-carousel-next]");
    if (!list || !prev || !next) {
      return;
    }
    function step() {
      var item = list.querySelector("li");
      return item ? item.getBoundingClientRect().width + 20 : list.clientWidth;
    }
    function scrollByStep(direction) {
      list.scrollBy({ left: direction * step(), behavior: reducedMotion.matches ? "auto" : "smooth" });
    }
    function update() {
      prev.disabled = list.scrollLeft <= 8;
      next.disabled = list.scrollLeft + list.clientWidth >= list.scrollWidth - 8;
    }
    prev.addEventListener("click", function () { scrollByStep(-1); });
    next.addEventListener("click", function () { scrollByStep(1); });
    list.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
})();
