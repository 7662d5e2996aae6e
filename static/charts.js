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
})();
