/* coopsec — the cooperation menu's small enhancements. Every page works without them. */
(function () {
  "use strict";

  // Buttons that cannot be undone (cancel an activity, withdraw a nomination) ask first.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // The activity form shows the frameworks or the organizations list only when the chosen
  // eligibility needs it.
  function showEligibilityLists() {
    var form = document.querySelector(".activity-form");
    if (!form) {
      return;
    }
    var chosen = form.querySelector("input[name='eligibility']:checked");
    var value = chosen ? chosen.value : "";
    [
      ["eligible_frameworks", "frameworks"],
      ["eligible_organizations", "organizations"],
    ].forEach(function (pair) {
      var box = form.querySelector("[data-field='" + pair[0] + "']");
      if (box) {
        box.hidden = value !== pair[1] && !box.classList.contains("field--invalid");
      }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "eligibility") {
      showEligibilityLists();
    }
  });
  document.addEventListener("DOMContentLoaded", showEligibilityLists);
})();
