/* Drafts: keep what is typed into a form on this device while it is being typed, so a session
 * that expires mid-entry (or a tablet that reloads during a long conference) loses nothing.
 * A form opts in with data-draft-key (and data-draft-restore where the draft should come back).
 * The draft is restored when the form is opened again, and cleared once the form was saved (the
 * next page carries data-clear-draft) or discarded. A draft of an older version of the record is
 * dropped rather than restored. Drafts older than DRAFT_HOURS are dropped, and logging out
 * removes every draft (hononga.js). Everything works without this file.
 */
(function () {
  "use strict";
  var PREFIX = "draft:";
  var DRAFT_HOURS = 12;
  var SKIP = { csrfmiddlewaretoken: true, version: true };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function dropOldDrafts(store) {
    var cutoff = Date.now() - DRAFT_HOURS * 3600 * 1000;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      try {
        var draft = JSON.parse(store.getItem(key));
        if (!draft || !draft.saved || draft.saved < cutoff) store.removeItem(key);
      } catch (e) { store.removeItem(key); }
    }
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || !(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
  }

  function setUpDraft(form, store) {
    var key = form.getAttribute("data-draft-key");
    var notice = document.getElementById(form.getAttribute("data-draft-notice") || "draft-notice");
    var initial = JSON.stringify(collect(form));
    if (form.hasAttribute("data-draft-restore")) {
      var saved = null;
      try { saved = JSON.parse(store.getItem(key)); } catch (e) { saved = null; }
      var version = form.elements.version ? form.elements.version.value : "";
      if (saved && (saved.version || "") !== version) {
        // A draft of an older version of the record: restoring it would undo someone's change.
        store.removeItem(key);
        saved = null;
      }
      if (saved && saved.values && JSON.stringify(saved.values) !== initial) {
        apply(form, saved.values);
        if (notice) notice.hidden = false;
        // Let live previews (htmx) catch up with the restored values.
        if (window.htmx) {
          form.querySelectorAll("[hx-get],[hx-post]").forEach(function (el) {
            window.htmx.trigger(el, "change");
          });
        }
      }
    }
    var timer = null;
    function save() {
      var values = collect(form);
      if (JSON.stringify(values) === initial) return;
      var draft = {
        saved: Date.now(),
        version: form.elements.version ? form.elements.version.value : "",
        values: values,
      };
      try { store.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: no draft */ }
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 300);
    });
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
    if (notice) {
      var discard = notice.querySelector("[data-draft-discard]");
      if (discard) {
        discard.addEventListener("click", function () {
          store.removeItem(key);
          window.location.reload();
        });
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (!store) return;
    dropOldDrafts(store);
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      store.removeItem(el.getAttribute("data-clear-draft"));
    });
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      setUpDraft(form, store);
    });
  });
})();
