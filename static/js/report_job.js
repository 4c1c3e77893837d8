// The PDF job's progress page (templates/reports/report_job.html): asks the job's status feed
// every few seconds and updates the status sentence and the steps in place, so the page does not
// jump and a screen reader hears each new step from the live region. When the job ends (done,
// failed or stopped) the page is loaded again, to offer the file or the retry button.
// Without JavaScript the reader reloads the page with its "Uppdatera" link (no meta refresh: WCAG 2.2.1).
(function () {
  "use strict";

  var root = document.querySelector("[data-report-job-status]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-report-job-status");
  var seconds = parseInt(root.getAttribute("data-report-job-interval"), 10) || 3;
  var summary = root.querySelector("[data-report-job-summary]");
  var steps = root.querySelector("[data-report-job-steps]");
  var failures = 0;

  function showSteps(list) {
    list.forEach(function (step) {
      var item = steps && steps.querySelector('[data-step="' + step.number + '"]');
      if (!item) {
        return;
      }
      if (item.textContent !== step.text) {
        item.textContent = step.text;
      }
      if (step.current) {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
    });
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
        if (!data.active || data.stale) {
          window.location.reload();
          return;
        }
        if (summary && summary.textContent !== data.summary) {
          summary.textContent = data.summary;
        }
        showSteps(data.steps || []);
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () {
        // A network hiccup: keep trying, more slowly; after a few, reload the whole page.
        failures += 1;
        if (failures >= 5) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, seconds * 1000 * (failures + 1));
      });
  }

  window.setTimeout(poll, seconds * 1000);
})();
