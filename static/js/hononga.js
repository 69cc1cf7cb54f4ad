// Small progressive enhancements. Everything works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader and keyboard users hear the problem first.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  // Logging out removes the drafts kept on this device (drafts.js), so the next person to use
  // it cannot read them.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try {
        var doomed = [];
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf("draft:") === 0) { doomed.push(key); }
        }
        doomed.forEach(function (key) { window.localStorage.removeItem(key); });
      } catch (e) { /* storage unavailable: nothing is kept */ }
    });
  });
  // Confirm before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
// A table wider than its box scrolls inside it: keyboard users need to reach that box to scroll
// it (Tab to it, then the arrow keys), and screen readers hear the table's caption as its name.
function markScrollingTables(root) {
  (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption");
      if (caption) { wrap.setAttribute("aria-label", caption.textContent.trim()); }
    } else if (wrap.hasAttribute("data-scrolling")) {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
    wrap.toggleAttribute("data-scrolling", wrap.scrollWidth > wrap.clientWidth + 1);
  });
}
document.addEventListener("DOMContentLoaded", function () { markScrollingTables(); });
var scrollingTablesTimer = null;
window.addEventListener("resize", function () {
  window.clearTimeout(scrollingTablesTimer);
  scrollingTablesTimer = window.setTimeout(markScrollingTables, 150);
});
document.addEventListener("htmx:afterSettle", function (event) { markScrollingTables(event.target); });
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
