/* Charts of the reporting pages, drawn with the vendored Chart.js (vendor/chartjs, see its VERSION).
 *
 * A page renders its data with Django's json_script and marks the canvas:
 *   <canvas data-chart="chart-data"></canvas>  {{ chart|json_script:"chart-data" }}
 * where chart = {labels: [...], measure: "…", series: [{name, kind: "actual"|"milestone", values: [number|null]}]}.
 * No inline script (the CSP forbids it); the same numbers are always in a table next to the chart.
 */
(function () {
  "use strict";

  var COLOURS = {
    actual: { line: "#a50e0e", fill: "rgba(165, 14, 14, 0.12)", dash: [] },
    milestone: { line: "#0b57d0", fill: "rgba(11, 87, 208, 0.08)", dash: [6, 4] },
  };
  var lang = (document.documentElement.lang || "vi").indexOf("en") === 0 ? "en-GB" : "vi-VN";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function format(value) {
    return value === null || value === undefined ? "—" : numberFormat.format(value);
  }

  function dataset(series) {
    var colour = COLOURS[series.kind] || COLOURS.actual;
    return {
      label: series.name,
      data: series.values,
      borderColor: colour.line,
      backgroundColor: colour.fill,
      borderDash: colour.dash,
      borderWidth: 2,
      pointRadius: 3,
      pointHoverRadius: 5,
      spanGaps: false,
      tension: 0,
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    if (!data.labels || !data.labels.length) {
      canvas.parentNode.classList.add("chart-empty");
      return;
    }
    var narrow = window.matchMedia && window.matchMedia("(max-width: 640px)").matches;
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: data.series.map(dataset) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + format(ctx.parsed.y) + (data.measure ? " " + data.measure : "");
              },
            },
          },
        },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: narrow ? 60 : 0, font: { size: narrow ? 10 : 12 } } },
          y: {
            grace: "5%",
            title: { display: !!data.measure && !narrow, text: data.measure },
            ticks: { callback: function (value) { return format(value); } },
          },
        },
      },
    });
  }

  function init() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i += 1) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
