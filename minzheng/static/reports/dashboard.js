// The dashboard's charts: each <div data-chart="ID"> reads its numbers from <script type="application/json" id="ID">
// (the same numbers the table under it shows) and draws them with the vendored Apache ECharts (Chinese by default).
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function lines(d, kind) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value" },
      series: d.series.map(function (s) {
        return { name: s.program, type: kind, data: s.values.map(Number), smooth: kind === "line" };
      })
    };
  }
  function bars(d) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 96, right: 16, top: 8, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.names, inverse: true },
      series: [{ type: "bar", data: d.values }]
    };
  }
  function budget(d) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 96, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.names, inverse: true },
      series: [
        { name: d.labels[0], type: "bar", data: d.paid.map(Number) },
        { name: d.labels[1], type: "bar", data: d.budget.map(Number) }
      ]
    };
  }
  var draw = { bars: bars, budget: budget };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data(el.dataset.chart);
    if (!d || typeof echarts === "undefined") { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var kind = el.dataset.kind || "line";
    chart.setOption(draw[kind] ? draw[kind](d) : lines(d, kind));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
