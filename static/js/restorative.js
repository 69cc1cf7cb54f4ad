// Restorative processes: on the conference screen, warn before leaving with unsaved answers.
(function () {
  "use strict";
  var form = document.querySelector(".conference-form");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
