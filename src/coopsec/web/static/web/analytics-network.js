// The partnership network drawn with Cytoscape from #network-data: node size by activities,
// colour by community, link width by shared activities (links across frameworks in red).
// Click a partner for its figures; scroll to zoom, drag to pan. Built to stay usable at
// 200 partners: no animation, a bounded number of layout iterations, and links hidden while
// the view moves.
(function () {
  "use strict";

  // The community colours, as analytics.css .community-1 … .community-10 (0: none).
  var COMMUNITY = ["#b9c2ce", "#12305a", "#4a90d0", "#2a9d8f", "#e0a526", "#b5487a",
    "#5b8c3a", "#8a5cb8", "#c8553d", "#7a8796", "#a3b8cc"];

  function range(values) {
    var lo = Math.min.apply(null, values);
    var hi = Math.max.apply(null, values);
    return [lo, hi > lo ? hi : lo + 1];
  }

  function figure(list, label, value) {
    var dt = document.createElement("dt");
    dt.textContent = label;
    var dd = document.createElement("dd");
    dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function show(node, text) {
    var d = node.data();
    document.getElementById("network-node-title").textContent = d.name ? d.name + " (" + d.id + ")" : d.id;
    document.getElementById("network-node-hint").hidden = true;
    var list = document.getElementById("network-node-figures");
    list.textContent = "";
    figure(list, text.region, d.region);
    figure(list, text.frameworks, d.frameworks.length ? d.frameworks.join(", ") : text.none);
    figure(list, text.activities, d.activities);
    figure(list, text.degree, d.degree);
    figure(list, text.weighted_degree, d.weighted_degree);
    figure(list, text.betweenness, d.betweenness);
    figure(list, text.eigenvector, d.eigenvector);
    figure(list, text.community, d.community);
    figure(list, text.frameworks_reached, d.frameworks_reached);
    figure(list, text.cross_framework_links, d.cross_framework_links);
  }

  function draw() {
    var container = document.getElementById("network-graph");
    var source = document.getElementById("network-data");
    if (!container || !source || typeof window.cytoscape === "undefined") {
      return;
    }
    var graph = JSON.parse(source.textContent);
    var sizes = range(graph.nodes.map(function (n) { return n.activities; }));
    var weights = range(graph.edges.length ? graph.edges.map(function (e) { return e.weight; }) : [1]);
    var elements = graph.nodes.map(function (n) {
      return { group: "nodes", data: n };
    }).concat(graph.edges.map(function (e, i) {
      return { group: "edges", data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight, cross: e.cross } };
    }));
    var many = graph.nodes.length > 100;
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      minZoom: 0.2,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      hideEdgesOnViewport: many,
      textureOnViewport: many,
      pixelRatio: many ? 1 : "auto",
      style: [
        {
          selector: "node",
          style: {
            width: "mapData(activities, " + sizes[0] + ", " + sizes[1] + ", 10, 36)",
            height: "mapData(activities, " + sizes[0] + ", " + sizes[1] + ", 10, 36)",
            "background-color": function (ele) { return COMMUNITY[ele.data("colour")] || COMMUNITY[0]; },
            "border-width": 1,
            "border-color": "#ffffff",
            label: "data(id)",
            "font-size": 9,
            color: "#18212d",
            "text-valign": "bottom",
            "text-margin-y": 2,
            "min-zoomed-font-size": 7
          }
        },
        {
          selector: "edge",
          style: {
            width: "mapData(weight, " + weights[0] + ", " + weights[1] + ", 0.75, 5)",
            "line-color": "#9aa5b4",
            opacity: 0.45,
            "curve-style": "haystack"
          }
        },
        { selector: "edge[?cross]", style: { "line-color": "#c8553d", opacity: 0.6 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f2b705" } },
        { selector: ".faded", style: { opacity: 0.15 } }
      ],
      layout: {
        name: "cose",
        animate: false,
        randomize: true,
        fit: true,
        padding: 24,
        nodeDimensionsIncludeLabels: true,
        numIter: many ? 600 : 1000,
        nodeRepulsion: function () { return 400000; },
        idealEdgeLength: function () { return 60; },
        edgeElasticity: function () { return 100; },
        gravity: 40,
        componentSpacing: 60
      }
    });
    // A small network fitted to the box would be drawn huge: keep it at natural size.
    if (cy.zoom() > 1.6) {
      cy.zoom(1.6);
      cy.center();
    }

    cy.on("tap", "node", function (event) {
      var node = event.target;
      cy.elements().addClass("faded");
      node.closedNeighborhood().removeClass("faded");
      show(node, graph.text);
    });
    cy.on("tap", function (event) {
      if (event.target === cy) {
        cy.elements().removeClass("faded");
      }
    });

    var fit = document.getElementById("network-fit");
    if (fit) {
      fit.hidden = false;
      fit.addEventListener("click", function () { cy.fit(undefined, 24); });
    }
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-rendered", "true");
    window.coopsecNetwork = cy;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
