// Progressive enhancement for every page: client-side sorting and filtering of tables marked
// up for it, and showing or hiding skill columns on the matrix. Pages work without it.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent.trim();
    var n = parseFloat(raw);
    return isNaN(n) || !/^-?[\d.]+$/.test(raw) ? raw.toLowerCase() : n;
  }

  function sortTable(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.cells, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[data-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x < y) return ascending ? -1 : 1;
      if (x > y) return ascending ? 1 : -1;
      return 0;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  // Each sortable header's text goes into a button: a button is reached with Tab and pressed
  // with Enter or Space, and says what it does; the header keeps aria-sort (WAI-ARIA's
  // sortable table pattern).
  document.querySelectorAll("table.table-sortable").forEach(function (table) {
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.classList.add("has-button");
      button.addEventListener("click", function () { sortTable(table, th); });
    });
  });

  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.classList.toggle("is-hidden", q !== "" && row.textContent.toLowerCase().indexOf(q) === -1);
      });
    });
  });

  document.querySelectorAll("[data-toggle-skills]").forEach(function (button) {
    var table = document.getElementById(button.getAttribute("data-toggle-skills"));
    if (!table) return;
    // Without JavaScript the button is a link to ?skills=1; with it, no reload is needed.
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var shown = table.classList.toggle("show-skills");
      button.textContent = shown ? "Hide skills" : "Show skills";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    });
  });
})();

// A double-clicked submit must not post twice (a CSV import confirmed twice would add every
// work item twice): the first submit disables the form's buttons.
document.querySelectorAll("form[method=post]").forEach(function (form) {
  form.addEventListener("submit", function () {
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
});

document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// Long operations show progress (DESIGN.md, "Pages"): an upload reports the bytes sent, then the
// browser goes to the preview; an import reports how long it has run. Without JavaScript the
// forms post as usual.
(function () {
  function progress(form) {
    var box = form.querySelector("[data-import-progress]");
    if (!box) { return null; }
    box.hidden = false;
    return { bar: box.querySelector("progress"), label: box.querySelector("[role=status]") };
  }
  document.querySelectorAll("form[data-upload-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!window.FormData || !file || !file.files.length) { return; }
      var shown = progress(form);
      if (!shown) { return; }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Upload", "1");
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var share = Math.round((100 * e.loaded) / e.total);
        shown.bar.value = share;
        shown.label.textContent = "Sending the file: " + share + "%";
      });
      request.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = null; }
        if (request.status === 200 && answer && answer.preview) {
          shown.bar.removeAttribute("value");
          shown.label.textContent = "Sent. Checking every row of the file…";
          window.location.assign(answer.preview);
        } else {
          // The server refused the upload (wrong type, too big): post it the usual way to
          // show its message on the page.
          HTMLFormElement.prototype.submit.call(form);
        }
      });
      request.addEventListener("error", function () {
        shown.label.textContent = "The file could not be sent. Check the connection and try again.";
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      });
      request.send(new FormData(form));
    });
  });
  document.querySelectorAll("form[data-import-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var shown = progress(form);
      if (!shown) { return; }
      var started = Date.now();
      shown.bar.removeAttribute("value");
      var tell = function () {
        var seconds = Math.round((Date.now() - started) / 1000);
        shown.label.textContent = "Importing… " + seconds + " s. You may close this tab: the " +
          "import goes on, and the import page shows how it ended.";
      };
      tell();
      window.setInterval(tell, 1000);
    });
  });
})();
