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

  document.querySelectorAll("table.table-sortable").forEach(function (table) {
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.setAttribute("tabindex", "0");
      th.addEventListener("click", function () { sortTable(table, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortTable(table, th); });
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
