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
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
