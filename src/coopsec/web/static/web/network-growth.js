// The network's growth by year, stacked by body, drawn with Chart.js from the JSON the page
// embeds with json_script (no inline script, so a `script-src 'self'` policy holds).
(function () {
  "use strict";

  // Sober, distinguishable colours; the Allies first in the alliance's navy.
  var PALETTE = [
    "#12305a", "#4a90d0", "#2a9d8f", "#e0a526", "#b5487a",
    "#5b8c3a", "#8a5cb8", "#c8553d", "#7a8796", "#a3b8cc"
  ];

  function draw() {
    var canvas = document.getElementById("growth-chart");
    var source = document.getElementById("growth-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var growth = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#5a6575";
    var names = {};
    var datasets = growth.series.map(function (series, index) {
      names[series.label] = series.name;
      return {
        label: series.label,
        data: series.data,
        backgroundColor: PALETTE[index % PALETTE.length],
        borderWidth: 0,
        stack: "members"
      };
    });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: growth.years.map(String), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: {
            stacked: true,
            beginAtZero: true,
            title: { display: true, text: growth.yTitle },
            ticks: { precision: 0 }
          }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var name = names[item.dataset.label];
                var label = name && name !== item.dataset.label ? item.dataset.label + " (" + name + ")" : item.dataset.label;
                return label + ": " + item.formattedValue;
              }
            }
          }
        }
      }
    });
    canvas.setAttribute("data-rendered", chart ? "true" : "false");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
