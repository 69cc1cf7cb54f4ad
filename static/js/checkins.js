// Check-in forms: read-aloud buttons, one question per screen on small screens, and answers kept
// through a refresh. Progressive enhancement only: without this file the form is one long page.
(function () {
  "use strict";

  function readAloud(root) {
    if (!("speechSynthesis" in window)) return;
    var lang = document.documentElement.lang === "mi" ? "mi-NZ" : "en-NZ";
    root.querySelectorAll(".read-aloud").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.speechSynthesis.cancel();
        var say = new SpeechSynthesisUtterance(button.getAttribute("data-say"));
        say.lang = lang;
        say.rate = 0.9;
        window.speechSynthesis.speak(say);
      });
    });
  }

  function keepAnswers(form) {
    var key = "checkin:" + window.location.pathname;
    var store;
    try { store = window.sessionStorage; } catch (e) { return; }
    if (!store) return;
    var hasServerValues = form.querySelector("input[type=radio]:checked");
    var saved = store.getItem(key);
    if (saved && !hasServerValues) {
      try {
        var data = JSON.parse(saved);
        Object.keys(data).forEach(function (name) {
          if (name === "comment") {
            var box = form.querySelector("textarea[name=comment]");
            if (box && !box.value) box.value = data[name];
            return;
          }
          var input = form.querySelector("input[type=radio][name='" + name + "'][value='" + data[name] + "']");
          if (input) input.checked = true;
        });
      } catch (e) { store.removeItem(key); }
    }
    function save() {
      var data = {};
      form.querySelectorAll("input[type=radio]:checked").forEach(function (input) { data[input.name] = input.value; });
      var box = form.querySelector("textarea[name=comment]");
      if (box) data.comment = box.value;
      store.setItem(key, JSON.stringify(data));
    }
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    form.addEventListener("submit", function () { store.removeItem(key); });
  }

  function stepper(form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll(".question"));
    var actions = form.querySelector(".stepper-actions");
    if (steps.length < 2 || !actions) return;
    var small = window.matchMedia("(max-width: 40rem)");
    var nav = document.createElement("div");
    nav.className = "stepper-nav";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "button button--secondary";
    back.textContent = form.getAttribute("data-back") || "Back";
    var next = document.createElement("button");
    next.type = "button";
    next.className = "button";
    next.textContent = form.getAttribute("data-next") || "Next";
    nav.appendChild(back);
    nav.appendChild(next);
    var current = 0;
    var firstError = form.querySelector(".error-message");
    if (firstError) {
      var withError = firstError.closest(".question");
      if (withError) current = Math.max(0, steps.indexOf(withError));
    }
    function show(index, focus) {
      current = Math.max(0, Math.min(steps.length - 1, index));
      steps.forEach(function (step, i) { step.classList.toggle("is-current", i === current); });
      back.hidden = current === 0;
      next.hidden = current === steps.length - 1;
      form.classList.toggle("on-last", current === steps.length - 1);
      if (focus) {
        var target = steps[current].querySelector("legend, label");
        if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
      }
    }
    function apply() {
      if (small.matches) {
        form.classList.add("stepping");
        if (!nav.parentNode) actions.insertBefore(nav, actions.firstChild);
        show(current, false);
      } else {
        form.classList.remove("stepping", "on-last");
        if (nav.parentNode) nav.parentNode.removeChild(nav);
      }
    }
    // A link in the error summary opens the question it is about.
    document.querySelectorAll(".error-summary a[href^='#q-']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        var index = steps.indexOf(target);
        if (index >= 0 && form.classList.contains("stepping")) {
          event.preventDefault();
          show(index, true);
        }
      });
    });
    back.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
    if (small.addEventListener) small.addEventListener("change", apply);
    apply();
  }

  function copyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) status.textContent = button.getAttribute("data-copied") || "Copied";
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    readAloud(document);
    copyButtons(document);
    document.querySelectorAll("form.checkin-form").forEach(function (form) {
      keepAnswers(form);
      if (form.hasAttribute("data-stepper")) stepper(form);
    });
  });
})();
