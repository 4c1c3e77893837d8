// The bulk import's progress page (templates/importing/bulk_job.html): asks the job's status
// every few seconds and updates the sentence and the progress bar in place, so a screen reader
// hears the new count from the live region and the page does not jump. When the import ends
// (done, failed or stopped) the page is loaded again, to show the report or the restart button.
// Without JavaScript the reader reloads the page with its "Uppdatera" link (no meta refresh: WCAG 2.2.1).
(function () {
  "use strict";

  var root = document.querySelector("[data-bulk-job-status]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-bulk-job-status");
  var seconds = parseInt(root.getAttribute("data-bulk-job-interval"), 10) || 3;
  var summary = root.querySelector("[data-bulk-job-summary]");
  var failures = 0;

  function showProgress(data) {
    var bar = root.querySelector("progress");
    if (bar && data.total) {
      bar.max = data.total;
      bar.value = data.done;
      bar.textContent = data.percent + " %";
    }
    var percent = root.querySelector("[data-bulk-job-percent]");
    if (percent) {
      percent.textContent = data.total ? data.percent + " %" : "";
    }
  }

  function poll() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (!data.active || data.stale || (data.total && !root.querySelector("progress"))) {
          window.location.reload();
          return;
        }
        if (summary && summary.textContent !== data.summary) {
          summary.textContent = data.summary;
        }
        showProgress(data);
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(poll, Math.min(60, seconds * Math.pow(2, failures)) * 1000);
      });
  }

  window.setTimeout(poll, seconds * 1000);
})();
