/* antqsearch: light enhancements only; every feature also works without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function isTyping(target) {
    return Boolean(target) && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function ready() {
    // Facet checkboxes and the sort toggle apply at once.
    document.querySelectorAll("[data-autosubmit]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.form) {
          submit(input.form);
        }
      });
    });

    // On phones the filters start collapsed; on wide screens they are always shown.
    var narrow = window.matchMedia("(max-width: 899px)");
    var panels = document.querySelectorAll("details[data-collapse-narrow]");
    function layout() {
      panels.forEach(function (panel) {
        panel.open = !narrow.matches;
      });
    }
    layout();
    if (typeof narrow.addEventListener === "function") {
      narrow.addEventListener("change", layout);
    }

    // "/" focuses the search box, as on most search sites.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey ||
          isTyping(event.target)) {
        return;
      }
      var box = document.getElementById("q");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
