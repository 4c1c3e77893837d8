// Klarspråk panel in the page editor: refreshes the analysis while the editor writes.
// The edit form is posted (as it stands) to the analysis view a moment after the last change;
// nothing is saved, and a failure leaves the last analysis in place.
(function () {
  "use strict";

  var DELAY = 1200;

  function setUp(panel) {
    var form = panel.closest("form");
    var result = panel.querySelector("[data-styrdok-plain-language-result]");
    var status = panel.querySelector("[data-styrdok-plain-language-status]");
    var url = panel.getAttribute("data-url");
    if (!form || !result || !url) {
      return;
    }
    var timer = null;
    var running = null;

    function refresh() {
      if (running) {
        running.abort();
      }
      running = typeof AbortController === "function" ? new AbortController() : null;
      var data = new FormData(form);
      // Only the text is analysed; the rest of the form is not needed.
      var body = new FormData();
      data.forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken" || name === "summary" || name.indexOf("body") === 0) {
          body.append(name, value);
        }
      });
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
        signal: running ? running.signal : undefined,
      })
        .then(function (response) {
          return response.text().then(function (html) {
            return { ok: response.ok, html: html };
          });
        })
        .then(function (answer) {
          if (answer.ok) {
            result.innerHTML = answer.html;
            if (status) {
              status.textContent = "Klarspråksrutan är uppdaterad.";
            }
          } else if (status) {
            status.textContent = "Klarspråksrutan kunde inte uppdateras just nu.";
          }
        })
        .catch(function () {
          /* aborted by a newer change, or offline: keep the last analysis */
        });
    }

    function schedule(event) {
      if (event && event.target && panel.contains(event.target)) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("keyup", schedule);
  }

  function init() {
    document.querySelectorAll("[data-styrdok-plain-language]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
