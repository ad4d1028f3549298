// The allocation run's charts, drawn from the JSON the page embeds: the three methods'
// shares side by side, the value of one more seat per activity, and the frontier, whose
// points show their allocation's figures and seats per partner beside the chart when
// clicked (or chosen from the table of points).
(function () {
  "use strict";
  var C = window.CoopsecCharts;
  var locale = document.documentElement.lang || "en";
  var number = function (value, digits) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  };
  var percent = function (value) {
    return value === null || value === undefined ? "—" : number(100 * value, 0) + " %";
  };

  function drawComparison() {
    var d = C.data("comparison-data");
    if (!d) return;
    C.draw("comparison-chart", {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.methods.map(function (method, i) {
          return { label: method.label, data: method.data, backgroundColor: C.COLOURS.series[i], borderWidth: 0, maxBarThickness: 36 };
        })
      },
      options: {
        responsive: true,
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, suggestedMax: 1, ticks: { callback: function (v) { return percent(v); } }, title: { display: true, text: d.text.axis } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + percent(item.raw); } } }
        }
      }
    });
  }

  function drawMarginal() {
    var d = C.data("marginal-data");
    if (!d) return;
    var box = document.getElementById("marginal-chart").parentNode;
    box.style.height = (4 + 1.75 * d.labels.length) + "rem";
    C.draw("marginal-chart", {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: d.text.value, data: d.values, backgroundColor: C.COLOURS.demand, borderWidth: 0, maxBarThickness: 18 }] },
      options: {
        indexAxis: "y",
        responsive: true,
        scales: { x: { beginAtZero: true, title: { display: true, text: d.text.value } }, y: { grid: { display: false } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return number(item.raw, 2); } } } }
      }
    });
  }

  function showPoint(d, chart, index) {
    var p = d.points[index];
    var t = d.text;
    var figures = document.getElementById("frontier-figures");
    var rows = [
      [t.parameter, number(p.parameter, 2)],
      [t.breadth, number(p.breadth, 0)],
      [t.depth, number(p.depth, 2)],
      [t.seats, number(p.seats, 0)],
      [t.value, number(p.total_value, 2)],
      [t.objective, number(p.objective, 2)]
    ];
    figures.replaceChildren();
    rows.forEach(function (row) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = row[0];
      dd.textContent = row[1];
      figures.append(dt, dd);
    });
    var body = document.querySelector("#frontier-partners tbody");
    body.replaceChildren();
    Object.keys(p.partner_seats)
      .sort(function (a, b) { return p.partner_seats[b] - p.partner_seats[a] || a.localeCompare(b); })
      .forEach(function (code) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        var td = document.createElement("td");
        th.scope = "row";
        th.textContent = code;
        td.className = "num";
        td.textContent = number(p.partner_seats[code], 0);
        tr.append(th, td);
        body.append(tr);
      });
    figures.hidden = false;
    document.getElementById("frontier-partners-wrap").hidden = false;
    document.getElementById("frontier-hint").hidden = true;
    var panel = document.getElementById("frontier-point");
    panel.dataset.point = String(index);
    chart.data.datasets[0].backgroundColor = d.points.map(function (_p, i) { return i === index ? C.COLOURS.crowded : C.COLOURS.demand; });
    chart.update();
  }

  function drawFrontier() {
    var d = C.data("frontier-data");
    if (!d || !d.points.length) return;
    var values = d.points.map(function (p) { return p.total_value; });
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    var radius = function (v) { return high > low ? 5 + 11 * (v - low) / (high - low) : 8; };
    var chart = C.draw("frontier-chart", {
      type: "scatter",
      data: {
        datasets: [{
          label: d.text.point,
          data: d.points.map(function (p) { return { x: p.breadth, y: p.depth }; }),
          pointRadius: values.map(radius),
          pointHoverRadius: values.map(function (v) { return radius(v) + 2; }),
          backgroundColor: C.COLOURS.demand,
          borderColor: C.COLOURS.supply,
          showLine: true,
          borderDash: [4, 4],
          borderWidth: 1
        }]
      },
      options: {
        responsive: true,
        interaction: { mode: "nearest", intersect: false },
        // Room around the points, so that the biggest is not cut by the axes.
        scales: {
          x: { grace: "8%", title: { display: true, text: d.text.x }, ticks: { precision: 0 } },
          y: { grace: "8%", title: { display: true, text: d.text.y } }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var p = d.points[item.dataIndex];
                return [
                  d.text.parameter + ": " + number(p.parameter, 2),
                  d.text.breadth + ": " + number(p.breadth, 0) + ", " + d.text.depth + ": " + number(p.depth, 2),
                  d.text.value + ": " + number(p.total_value, 2)
                ];
              }
            }
          }
        },
        onClick: function (_event, elements) {
          if (elements.length) showPoint(d, chart, elements[0].index);
        }
      }
    });
    window.coopsecFrontier = chart;
    document.querySelectorAll("#frontier-table [data-point]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { showPoint(d, chart, Number(button.dataset.point)); });
    });
  }

  C.onLoad(function () {
    if (!C.ready()) return;
    drawComparison();
    drawMarginal();
    drawFrontier();
  });
})();
