// Follows a report while the task builds it: polls the status URL, moves the progress bar,
// and reloads the page when the report is finished (to show the download or the error).
(function () {
  "use strict";
  const panel = document.getElementById("report-progress");
  if (!panel || panel.dataset.finished === "true") return;
  const bar = document.getElementById("report-bar");
  const percent = document.getElementById("report-percent");
  const status = document.getElementById("report-status");
  const step = document.getElementById("report-step");
  const poll = function () {
    fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        percent.textContent = data.progress + "%";
        status.textContent = data.status_label;
        status.dataset.status = data.status;
        step.textContent = data.step;
        if (data.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
})();
