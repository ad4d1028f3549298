// The analytics filter bar: leave empty filters out of the URL, so that a page's address
// says only what is filtered ("?region=Europe", not "?from=&to=&framework=&region=Europe…").
// Without this script the form still works; the server reads empty values as "any".
(function () {
  "use strict";

  function enable(form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.hasAttribute("data-emptied")) {
        field.disabled = false;
        field.removeAttribute("data-emptied");
      }
    });
  }

  function setUp() {
    var form = document.getElementById("filters");
    if (!form) {
      return;
    }
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && !field.disabled && field.value === "") {
          field.disabled = true;
          field.setAttribute("data-emptied", "");
        }
      });
    });
    // Coming back to the page (history), the fields must be usable again.
    window.addEventListener("pageshow", function () { enable(form); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
