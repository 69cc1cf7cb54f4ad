/* Hononga charts: Chart.js driven by JSON in the page, so the strict CSP (no inline script)
 * holds. Markup, with a data table beside every chart for screen readers:
 *
 *   <figure class="chart">
 *     <canvas data-chart="chart-data-id" role="img" aria-label="…"></canvas>
 *     {{ config|json_script:"chart-data-id" }}   (a Chart.js config: {type, data, options})
 *     <figcaption>…</figcaption>
 *   </figure>
 *
 * Include with {% block extra_head %}<script src="{% static 'js/vendor/chart-4.6.1.umd.min.js' %}" defer></script>
 * <script src="{% static 'js/charts.js' %}" defer></script>{% endblock %}
 *
 * Extras understood in the config: options.plugins.hononga.lines = [{y, label, colour}]
 * draws horizontal reference lines (e.g. the "low" line at 8.0).
 */
(function () {
  "use strict";

  var referenceLines = {
    id: "hononga",
    afterDraw: function (chart, _args, options) {
      var lines = (options && options.lines) || [];
      var scale = chart.scales.y;
      if (!scale || !lines.length) return;
      var ctx = chart.ctx;
      lines.forEach(function (line) {
        var y = scale.getPixelForValue(line.y);
        ctx.save();
        ctx.strokeStyle = line.colour || "#8a1c1c";
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(chart.chartArea.left, y);
        ctx.lineTo(chart.chartArea.right, y);
        ctx.stroke();
        if (line.label) {
          ctx.setLineDash([]);
          ctx.fillStyle = line.colour || "#8a1c1c";
          ctx.font = "12px system-ui, sans-serif";
          ctx.fillText(line.label, chart.chartArea.left + 4, y - 4);
        }
        ctx.restore();
      });
    },
  };

  function draw(canvas) {
    if (canvas.dataset.chartDrawn) return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") return;
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    if (config.options.animation === undefined) config.options.animation = false;
    if (config.options.maintainAspectRatio === undefined) config.options.maintainAspectRatio = false;
    config.plugins = [referenceLines];
    new window.Chart(canvas, config);
    canvas.dataset.chartDrawn = "1";
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
