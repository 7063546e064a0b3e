/* Accounts: time zone guess on sign-up and the teacher carousel buttons. */
(function () {
  "use strict";

  // Sign-up: send the browser's IANA time zone; the server validates it.
  document.querySelectorAll("[data-timezone-form] input[name='timezone']").forEach(function (input) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && !input.value) {
        input.value = zone;
      }
    } catch (error) {
      // Old browsers: the profile keeps its default zone, editable later.
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
