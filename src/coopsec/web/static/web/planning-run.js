// The allocation run's page: follows the task while it solves or applies the run (polls the
// status URL, moves the progress bar, reloads the page when the task is done), and asks
// before a button marked data-confirm (Apply) submits its form.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var panel = document.getElementById("run-progress");
  if (!panel || panel.dataset.busy !== "true") return;
  var bar = document.getElementById("run-bar");
  var percent = document.getElementById("run-percent");
  var status = document.getElementById("run-status");
  var step = document.getElementById("run-step");
  var poll = function () {
    fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (percent) percent.textContent = data.progress + "%";
        status.textContent = data.status_label;
        status.dataset.status = data.status;
        step.textContent = data.step;
        if (!data.busy || data.status !== panel.dataset.status) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
})();
