// Draws the coverage report's charts from the JSON block the page carries (CSP: no inline
// script). Colours follow the areas' order so both charts read alike.
(function () {
  "use strict";
  var source = document.getElementById("coverage-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var palette = ["#4263eb", "#f08c00", "#2b8a3e", "#ae3ec9", "#1098ad", "#e03131", "#5c940d"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  var gap = document.getElementById("chart-gap");
  if (gap) {
    new Chart(gap, {
      type: "bar",
      data: {
        labels: data.areas,
        datasets: [
          { label: "Share of open points (%)", data: data.demand_share, backgroundColor: "#e8590c" },
          { label: "Share of team capability (%)", data: data.capability_share, backgroundColor: "#4263eb" }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var allocation = document.getElementById("chart-allocation");
  if (allocation && data.people.length) {
    new Chart(allocation, {
      type: "bar",
      data: {
        labels: data.people,
        datasets: data.allocation.map(function (area, i) {
          return { label: area.label, data: area.data, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
          y: { stacked: true }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  var capacity = document.getElementById("chart-capacity");
  if (capacity && data.weeks && data.weeks.length) {
    var stack = [
      { label: "Capacity (full-time weeks)", data: data.capacity, backgroundColor: "#4263eb" },
      { label: "Ramping up", data: data.ramping, backgroundColor: "#74c0fc" },
      { label: "Mentoring", data: data.mentoring, backgroundColor: "#ae3ec9" },
      { label: "Away", data: data.away, backgroundColor: "#f08c00" },
      { label: "Not on the team", data: data.not_on_team, backgroundColor: "#ced4da" }
    ];
    new Chart(capacity, {
      type: "bar",
      data: { labels: data.weeks, datasets: stack },
      options: {
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var burndown = document.getElementById("chart-burndown");
  if (burndown && data.weeks && data.weeks.length) {
    new Chart(burndown, {
      type: "line",
      data: {
        labels: data.weeks,
        datasets: [{ label: "Open points left", data: data.remaining, borderColor: "#e8590c", backgroundColor: "#e8590c", stepped: false }]
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  var history = document.getElementById("chart-history");
  if (history && window.fetch) {
    fetch(history.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (points) { historyChart(history, points); });
  }

  // The finish date day by day. Its tooltip is HTML (#chart-history-tip) written from the
  // words the server sends, the history page's own (day_texts, lands, lengths), so both say
  // the same; it shows on hover and, for the keyboard, on focus: arrows move, Home and End
  // jump, Enter opens that day on the history page, Escape hides it (WCAG 2.1.1, 1.4.13).
  function historyChart(canvas, points) {
    var day = 86400000;
    var toDays = function (iso) { return iso === null ? null : Date.parse(iso + "T00:00:00Z") / day; };
    // As team.text.day_text writes a day: 12 March 2027.
    var label = function (days) {
      return new Date(days * day).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    };
    var tip = document.getElementById("chart-history-tip");
    var box = canvas.parentNode;
    var count = points.days.length;
    var current = -1; // the point the keyboard is on

    var hide = function () { if (tip) tip.hidden = true; };
    var show = function (i, x, y) {
      if (!tip) return;
      tip.textContent = "";
      var title = document.createElement("strong");
      title.textContent = points.day_texts[i];
      tip.appendChild(title);
      [["The work would land: ", points.lands[i]], ["From that day's plan start: ", points.lengths[i]]].forEach(function (pair) {
        var line = document.createElement("div");
        line.textContent = pair[0] + pair[1];
        tip.appendChild(line);
      });
      if (points.changes[i].length) {
        var list = document.createElement("ul");
        points.changes[i].forEach(function (change) {
          var item = document.createElement("li");
          item.textContent = change;
          list.appendChild(item);
        });
        tip.appendChild(list);
      }
      tip.hidden = false;
      if (!isFinite(x)) x = 0;
      if (!isFinite(y)) y = 0;
      // Beside the point, kept inside the chart: it never widens a phone's page.
      var width = tip.offsetWidth, height = tip.offsetHeight;
      var left = Math.min(Math.max(x - width / 2, 0), Math.max(box.clientWidth - width, 0));
      var top = y + 12 + height <= box.clientHeight ? y + 12 : Math.max(y - 12 - height, 0);
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    };

    var chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: points.day_texts,
        datasets: [{ label: "The work would land", data: points.finish.map(toDays), borderColor: "#4263eb", backgroundColor: "#4263eb", spanGaps: false }]
      },
      options: {
        maintainAspectRatio: false,
        // The nearest day along the axis: no need to hit a 3-pixel point, with a finger either.
        interaction: { mode: "index", intersect: false },
        scales: { y: (function () {
          // A few weeks around the points, so one point or a flat line still reads as dates.
          var known = points.finish.map(toDays).filter(function (v) { return v !== null; });
          var low = known.length ? Math.min.apply(null, known) : 0;
          var high = known.length ? Math.max.apply(null, known) : 0;
          return { suggestedMin: low - 21, suggestedMax: high + 21, ticks: { callback: function (v) { return label(v); } } };
        })() },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            enabled: false,
            external: function (context) {
              var model = context.tooltip;
              if (!model.opacity || !model.dataPoints || !model.dataPoints.length) {
                if (document.activeElement !== canvas) hide();
                return;
              }
              show(model.dataPoints[0].dataIndex, model.caretX, model.caretY);
            }
          }
        },
        onClick: function (_event, elements) {
          if (elements.length) openDay(elements[0].index);
        }
      }
    });

    var openDay = function (i) {
      window.location = canvas.getAttribute("data-details") + "#day-" + points.days[i];
    };
    var focusPoint = function (i) {
      current = i;
      var point = chart.getDatasetMeta(0).data[i];
      var area = chart.chartArea;
      var y = point && isFinite(point.y) ? point.y : area.top; // "cannot be finished": no y
      show(i, point ? point.x : area.left, y);
    };

    canvas.addEventListener("focus", function () {
      if (count) focusPoint(current < 0 ? count - 1 : current); // the newest day first
    });
    canvas.addEventListener("blur", hide);
    canvas.addEventListener("keydown", function (event) {
      if (!count) return;
      var moves = { ArrowLeft: current - 1, ArrowDown: current - 1, ArrowRight: current + 1, ArrowUp: current + 1, Home: 0, End: count - 1 };
      if (event.key in moves) {
        focusPoint(Math.min(Math.max(moves[event.key], 0), count - 1));
      } else if (event.key === "Enter" || event.key === " ") {
        if (current >= 0) openDay(current);
      } else if (event.key === "Escape") {
        hide();
        return;
      } else {
        return;
      }
      event.preventDefault();
    });
    // Hover content goes with Escape too, without moving the pointer away (WCAG 1.4.13).
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }
})();
