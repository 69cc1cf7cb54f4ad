// Whānau and people pages: small progressive enhancements. Everything works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Wide tables scroll sideways on a phone: make every such region reachable by keyboard
  // (panels from other parts of Hononga included), named by its table's caption.
  document.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (wrap) {
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    var caption = wrap.querySelector("caption");
    if (caption && !wrap.hasAttribute("aria-label")) {
      wrap.setAttribute("aria-label", caption.textContent.trim());
    }
  });
});
