// Forms that help: a refused form's error summary (templates/_forms.html, `form_errors`) takes
// focus when the page loads, so a screen reader says what went wrong and a keyboard user starts
// there; following one of its links focuses that field without changing the page's URL. And a
// control that saves as soon as it changes (below).
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  function followLink(event) {
    var link = event.target.closest("a.error-link");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector('label[for="' + field.id + '"]');
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  // A select marked data-autosave (the planned work's status) saves as soon as it is chosen:
  // its form is posted in the background and the row says what was saved, or why not, where a
  // screen reader hears it. Its Set button is for pages without this script.
  function autosave(event) {
    var select = event.target.closest("select[data-autosave]");
    if (!select) {
      return;
    }
    var form = select.form;
    var said = form.querySelector(".autosave-status");
    var button = form.querySelector(".autosave-button");
    said.textContent = "Saving…";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Autosave": "1", Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body.error || "Not saved.");
          }
          return body;
        });
      })
      .then(function (body) {
        said.textContent = body.message;
        var cell = form.closest("td[data-value]");
        if (cell) {
          cell.setAttribute("data-value", body.status);
        }
      })
      .catch(function (error) {
        said.textContent = error.message && error.message.indexOf("Not saved") === 0
          ? error.message
          : "Not saved: press Set to try again.";
        if (button) {
          button.hidden = false;
        }
      });
  }

  function hideSaveButtons() {
    document.querySelectorAll("form select[data-autosave]").forEach(function (select) {
      var button = select.form.querySelector(".autosave-button");
      if (button) {
        button.hidden = true;
      }
    });
  }

  document.addEventListener("click", followLink);
  document.addEventListener("change", autosave);
  hideSaveButtons();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
