// Depth versus breadth: partners engaged per year as bars, the median and mean activities
// per engaged partner as lines on a second axis. Data from #depth-breadth-data.
(function () {
  "use strict";
  var C = window.CoopsecCharts;

  C.onLoad(function () {
    var d = C.data("depth-breadth-data");
    if (!d || !C.ready()) {
      return;
    }
    C.draw("depth-breadth-chart", {
      type: "bar",
      data: {
        labels: d.years.map(String),
        datasets: [
          { type: "line", label: d.text.median, data: d.median, borderColor: C.COLOURS.crowded, backgroundColor: C.COLOURS.crowded, yAxisID: "depth", spanGaps: true },
          { type: "line", label: d.text.mean, data: d.mean, borderColor: C.COLOURS.neglected, backgroundColor: C.COLOURS.neglected, borderDash: [6, 3], yAxisID: "depth", spanGaps: true },
          { type: "bar", label: d.text.breadth, data: d.breadth, backgroundColor: C.COLOURS.demand, borderWidth: 0, maxBarThickness: 72, yAxisID: "breadth" }
        ]
      },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false } },
          breadth: { position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: d.text.yBreadth } },
          depth: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: d.text.yDepth } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } } }
      }
    });
  });
})();
