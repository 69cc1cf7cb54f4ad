// The relationship map: print button, and focus after an HTMX change so keyboard and
// screen-reader users know what happened. The map works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
document.addEventListener("htmx:afterSettle", function (event) {
  var swapped = event.detail && event.detail.target;
  if (!swapped || swapped.id !== "map-editor") { return; }
  var editor = document.getElementById("map-editor");
  if (!editor) { return; }
  var target = editor.querySelector("[data-focus-on-load]") || editor.querySelector("#map-editor-title");
  if (target) { target.focus(); }
});
