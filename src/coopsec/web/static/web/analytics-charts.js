// Shared by the analytics pages' charts: the palette, Chart.js defaults, reading the JSON a
// page embeds with json_script (no inline script, so `script-src 'self'` holds) and marking
// a canvas once drawn (the browser tests wait for data-rendered="true").
(function () {
  "use strict";

  var COLOURS = {
    supply: "#12305a",
    demand: "#4a90d0",
    crowded: "#c8553d",
    neglected: "#e0a526",
    operational: "#12305a",
    other: "#e0a526",
    muted: "#9aa5b4",
    series: ["#12305a", "#4a90d0", "#2a9d8f", "#e0a526", "#b5487a", "#5b8c3a", "#8a5cb8", "#c8553d"]
  };

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function ready() {
    if (typeof window.Chart === "undefined") {
      return false;
    }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#5a6575";
    window.Chart.defaults.animation = false;
    window.Chart.defaults.maintainAspectRatio = false;
    return true;
  }

  function draw(canvasId, config) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) {
      return null;
    }
    var chart = new window.Chart(canvas, config);
    canvas.setAttribute("data-rendered", chart ? "true" : "false");
    return chart;
  }

  function onLoad(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  window.CoopsecCharts = { COLOURS: COLOURS, data: data, ready: ready, draw: draw, onLoad: onLoad };
})();
