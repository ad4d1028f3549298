// Attention balance: seats per partner (operational and other partners in two colours), the
// Lorenz curves with their Gini coefficients, and the trend of the Gini coefficient and of
// the operational ratio. Data from #attention-partners-data and #attention-curves-data.
(function () {
  "use strict";
  var C = window.CoopsecCharts;

  function partners(d) {
    C.draw("attention-partners-chart", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [{
          label: d.text.yTitle,
          data: d.seats,
          backgroundColor: d.operational.map(function (op) { return op ? C.COLOURS.operational : C.COLOURS.other; }),
          borderWidth: 0,
          maxBarThickness: 64
        }]
      },
      options: {
        responsive: true,
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: d.labels.length > 80, maxRotation: 90, minRotation: d.labels.length > 12 ? 90 : 0, font: { size: 10 } } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: d.text.yTitle } }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var kind = d.operational[item.dataIndex] ? d.text.operational : d.text.other;
                return item.formattedValue + " (" + kind + ")";
              }
            }
          }
        }
      }
    });
  }

  function lorenz(d) {
    var datasets = d.lorenz.map(function (curve, i) {
      var colour = C.COLOURS.series[i % C.COLOURS.series.length];
      return {
        label: curve.label,
        data: curve.points.map(function (p) { return { x: p[0], y: p[1] }; }),
        borderColor: colour,
        backgroundColor: colour,
        pointRadius: 0,
        borderWidth: 2,
        showLine: true
      };
    });
    datasets.push({
      label: d.text.equality,
      data: [{ x: 0, y: 0 }, { x: 1, y: 1 }],
      borderColor: C.COLOURS.muted,
      borderDash: [4, 4],
      pointRadius: 0,
      borderWidth: 1,
      showLine: true
    });
    C.draw("attention-lorenz-chart", {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        responsive: true,
        scales: {
          x: { min: 0, max: 1, title: { display: true, text: d.text.xTitle } },
          y: { min: 0, max: 1, title: { display: true, text: d.text.yTitle } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } } }
      }
    });
  }

  function trend(d) {
    C.draw("attention-trend-chart", {
      type: "line",
      data: {
        labels: d.years.map(String),
        datasets: [
          { label: d.text.gini, data: d.gini, borderColor: C.COLOURS.supply, backgroundColor: C.COLOURS.supply, yAxisID: "gini", spanGaps: true },
          { label: d.text.ratio, data: d.ratio, borderColor: C.COLOURS.crowded, backgroundColor: C.COLOURS.crowded, yAxisID: "ratio", spanGaps: true },
          { label: d.text.parity, data: d.years.map(function () { return 1; }), borderColor: C.COLOURS.muted, borderDash: [4, 4], pointRadius: 0, borderWidth: 1, yAxisID: "ratio" }
        ]
      },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false } },
          gini: { position: "left", min: 0, max: 1, title: { display: true, text: d.text.gini } },
          ratio: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: d.text.ratio } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } } }
      }
    });
  }

  C.onLoad(function () {
    if (!C.ready()) {
      return;
    }
    var p = C.data("attention-partners-data");
    if (p) {
      partners(p);
    }
    var curves = C.data("attention-curves-data");
    if (curves) {
      if (curves.lorenz.length) {
        lorenz(curves);
      }
      trend(curves);
    }
  });
})();
