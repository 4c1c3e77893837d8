// The page editor: the editor's own "Spara utkast" or "Skicka till granskning" waits for an
// autosave that is under way.
//
// Wagtail autosaves a new page a moment after the last change: the first autosave creates the
// page, and the form then posts to the new page's edit view. An editor who submits while that
// first autosave is still on its way would post the form to the create view again, and the create
// view would refuse it because the address is already taken (by the page the autosave has just
// created). So while an autosave is pending, the submission is held and sent once the autosave
// has answered, to wherever the form now points; and once the form is sent, no new autosave
// starts behind it. On a saved page the same wait keeps the submission from racing the autosave's
// revision.
(function () {
  "use strict";

  var FORM = "form[data-edit-form][data-controller~='w-autosave']";
  // An autosave that never answers must not keep the editor's submission forever.
  var LONGEST_WAIT = 15000;
  var pending = false;
  var held = null;

  function isEditForm(target) {
    return target instanceof HTMLFormElement && target.matches(FORM);
  }

  function stopAutosave(form) {
    form.setAttribute("data-w-autosave-active-value", "false");
  }

  // The button the editor pressed, or (when the autosave has redrawn the form's buttons) a hidden
  // field that carries its name and value, so the view still knows which action was chosen.
  function resubmit(form, submitter) {
    if (submitter && submitter.isConnected && submitter.form === form && !submitter.disabled) {
      form.requestSubmit(submitter);
      return;
    }
    if (submitter && submitter.name) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = submitter.name;
      field.value = submitter.value;
      form.appendChild(field);
    }
    form.requestSubmit();
  }

  function release() {
    if (!held) {
      return;
    }
    var form = held.form;
    var submitter = held.submitter;
    window.clearTimeout(held.timer);
    held = null;
    resubmit(form, submitter);
  }

  document.addEventListener("w-autosave:save", function (event) {
    if (isEditForm(event.target) && !event.defaultPrevented) {
      pending = true;
    }
  });

  function answered(event) {
    if (!isEditForm(event.target)) {
      return;
    }
    pending = false;
    release();
  }
  document.addEventListener("w-autosave:success", answered);
  document.addEventListener("w-autosave:error", answered);

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!isEditForm(form)) {
        return;
      }
      if (pending) {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (!held) {
          held = {
            form: form,
            submitter: event.submitter,
            timer: window.setTimeout(function () {
              pending = false;
              release();
            }, LONGEST_WAIT),
          };
        }
      }
    },
    true
  );

  // A submission that nothing stopped leaves the page: no autosave may start behind it.
  document.addEventListener("submit", function (event) {
    if (isEditForm(event.target) && !event.defaultPrevented) {
      stopAutosave(event.target);
    }
  });
})();
