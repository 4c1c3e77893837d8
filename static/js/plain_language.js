// Klarspråk side panel in the page editor: refreshes the analysis while the editor writes.
// The edit form is posted (as it stands) to the analysis view a moment after the last change;
// nothing is saved, and a failure leaves the last analysis in place.
//
// The panel sits beside the edit form, not in it, and Wagtail replaces the side panels when an
// autosave turns the new page into a saved one: so the panel is looked up at each refresh, and
// the form's changes are listened for on the document.
(function () {
  "use strict";

  var DELAY = 1200;
  var PANEL = "[data-styrdok-plain-language]";
  var timer = null;
  var running = null;

  function editForm() {
    return document.getElementById("page-edit-form");
  }

  function refresh() {
    var panel = document.querySelector(PANEL);
    var form = editForm();
    if (!panel || !form) {
      return;
    }
    var url = panel.getAttribute("data-url");
    if (!url) {
      return;
    }
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
        // The panel now shown (Wagtail may have replaced it meanwhile).
        var current = document.querySelector(PANEL);
        if (!current) {
          return;
        }
        var result = current.querySelector("[data-styrdok-plain-language-result]");
        var status = current.querySelector("[data-styrdok-plain-language-status]");
        if (answer.ok && result) {
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
    var form = editForm();
    var target = event && event.target;
    if (!form || !target || !form.contains(target)) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY);
  }

  document.addEventListener("input", schedule);
  document.addEventListener("change", schedule);
  document.addEventListener("keyup", schedule);

  // A panel Wagtail put in place of ours (after an autosave) shows the saved text, not the
  // form as it stands, and has announced nothing: it is analysed again like a change.
  var seen = document.querySelector(PANEL);
  if (typeof MutationObserver === "function" && document.body) {
    new MutationObserver(function () {
      var panel = document.querySelector(PANEL);
      if (panel && panel !== seen) {
        seen = panel;
        window.clearTimeout(timer);
        timer = window.setTimeout(refresh, DELAY);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
