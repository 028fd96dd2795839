/* Draw each KPI chart on the page from the Vega-Lite spec at its data-vega-spec URL, offline and CSP-safe.
 *
 * The spec is the one the server renders to SVG/PNG. Vega parses expressions with the interpreter
 * (ast + expr) instead of new Function(), so the page needs no 'unsafe-eval'; vega-embed's and
 * vega-tooltip's inline stylesheets are turned off (static/css/kpis.css has their rules), so no
 * 'unsafe-inline' either. When drawing fails, the box says so and the SVG/PNG downloads still work.
 */
(function () {
  "use strict";

  function fail(el, message) {
    el.classList.add("chart-error");
    el.textContent = "The chart could not be drawn here (" + message + "). Use the SVG or PNG download below.";
  }

  function draw(el) {
    if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) {
      fail(el, "the chart library did not load");
      return;
    }
    fetch(el.getAttribute("data-vega-spec"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("the server answered " + response.status); }
        return response.json();
      })
      .then(function (spec) {
        el.textContent = "";
        return window.vegaEmbed(el, spec, {
          ast: true,
          expr: window.vegaInterpreter.expressionInterpreter,
          renderer: "svg",
          actions: false,
          defaultStyle: false,
          tooltip: { disableDefaultStyle: true }
        });
      })
      .then(function (result) {
        el.setAttribute("data-vega-drawn", "true");
        el.vegaView = result.view;
      })
      .catch(function (error) { fail(el, error && error.message ? error.message : String(error)); });
  }

  function drawAll() {
    var charts = document.querySelectorAll("[data-vega-spec]");
    for (var i = 0; i < charts.length; i += 1) { draw(charts[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
