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
      .then(function (points) {
        var day = 86400000;
        var toDays = function (iso) { return iso === null ? null : Date.parse(iso + "T00:00:00Z") / day; };
        var label = function (days) {
          return new Date(days * day).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
        };
        new Chart(history, {
          type: "line",
          data: {
            labels: points.days.map(function (iso) { return label(toDays(iso)); }),
            datasets: [{ label: "The work would land", data: points.finish.map(toDays), borderColor: "#4263eb", backgroundColor: "#4263eb", spanGaps: false }]
          },
          options: {
            maintainAspectRatio: false,
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
                callbacks: {
                  label: function (item) { return item.raw === null ? "cannot be finished" : "lands " + label(item.raw); },
                  afterLabel: function (item) { return points.changes[item.dataIndex]; }
                }
              }
            },
            onClick: function (_event, elements) {
              if (elements.length) {
                window.location = history.getAttribute("data-details") + "#day-" + points.days[elements[0].index];
              }
            }
          }
        });
      });
  }
})();
