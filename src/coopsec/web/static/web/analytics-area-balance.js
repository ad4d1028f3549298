// Area balance: seats offered against nominations per area, flagged areas' supply bars in
// the flag's colour. Data from #area-balance-data (see analytics/views/area_balance.py).
(function () {
  "use strict";
  var C = window.CoopsecCharts;

  C.onLoad(function () {
    var d = C.data("area-balance-data");
    if (!d || !C.ready()) {
      return;
    }
    var supplyColours = d.flags.map(function (flag) {
      return flag === "crowded" ? C.COLOURS.crowded : flag === "neglected" ? C.COLOURS.neglected : C.COLOURS.supply;
    });
    C.draw("area-balance-chart", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.text.seats, data: d.seats, backgroundColor: supplyColours, borderWidth: 0 },
          { label: d.text.nominations, data: d.nominations, backgroundColor: C.COLOURS.demand, borderWidth: 0 }
        ]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: d.text.yTitle }, ticks: { precision: 0 } },
          y: { grid: { display: false }, ticks: { autoSkip: false } }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) {
                var i = items[0].dataIndex;
                var flag = d.flags[i] ? " (" + d.text[d.flags[i]] + ")" : "";
                return d.labels[i] + flag;
              },
              label: function (item) {
                var value = item.raw === null ? d.text.withheld : item.formattedValue;
                return item.dataset.label + ": " + value;
              }
            }
          }
        }
      }
    });
  });
})();
