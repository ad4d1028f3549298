// Interest overlap: the histogram of the partners' scores. Data from #overlap-data.
(function () {
  "use strict";
  var C = window.CoopsecCharts;

  C.onLoad(function () {
    var d = C.data("overlap-data");
    if (!d || !d.partners || !C.ready()) {
      return;
    }
    C.draw("overlap-chart", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [{ label: d.text.partners, data: d.partners, backgroundColor: C.COLOURS.demand, borderWidth: 0, categoryPercentage: 1, barPercentage: 0.95 }]
      },
      options: {
        responsive: true,
        scales: {
          x: { grid: { display: false }, title: { display: true, text: d.text.xTitle } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: d.text.yTitle } }
        },
        plugins: { legend: { display: false } }
      }
    });
  });
})();
