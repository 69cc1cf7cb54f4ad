/* Contacts: the supervision page's Print button. (Drafts of the contact form: drafts.js.)
 * Everything works without this file.
 */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
