// Draws every element with data-chart="<id of a json_script block>" using ECharts.
// The chart options come from the server as JSON (no inline scripts: the CSP forbids them).
(function () {
  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      // data-chart-link="/somewhere?day=__value__": a click on a data item opens that address with
      // the item's first value (a calendar's date) or its category name.
      if (el.dataset.chartLink) {
        chart.on("click", function (params) {
          var value = Array.isArray(params.value) ? params.value[0] : params.name;
          if (value === undefined || value === null || value === "") { return; }
          window.location.href = el.dataset.chartLink.split("__value__").join(encodeURIComponent(value));
        });
      }
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
