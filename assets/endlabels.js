// Lines named at their ends (indicators/dashboard/panels.py) need room right of the plot. On a
// narrow screen that room would leave the plot no width: there the labels are hidden and the
// lines go back into the legend above the plot; widening the screen brings the labels back.
(function () {
  var NARROW_PX = 600;
  var MARGIN_WIDE = 142, MARGIN_NARROW = 36; // END_LABEL_MARGIN and MODEBAR_PX
  function adapt(gd) {
    if (!gd || !gd.layout || !gd.data || !window.Plotly) { return; }
    var notes = gd.layout.annotations || [];
    var labels = [];
    notes.forEach(function (a, i) { if (a.name === "end-label") { labels.push(i); } });
    if (!labels.length) { return; }
    var narrow = gd.clientWidth < NARROW_PX;
    if (gd._endLabelsNarrow === narrow) { return; }
    gd._endLabelsNarrow = narrow;
    var traces = [];
    gd.data.forEach(function (t, i) { if (t.meta === "end-labelled") { traces.push(i); } });
    var update = { "margin.r": narrow ? MARGIN_NARROW : MARGIN_WIDE, showlegend: true };
    labels.forEach(function (i) { update["annotations[" + i + "].visible"] = !narrow; });
    window.Plotly.restyle(gd, { showlegend: narrow }, traces);
    window.Plotly.relayout(gd, update);
  }
  function watch(gd) {
    if (gd._endLabelsWatched || !gd.on) { return; }
    gd._endLabelsWatched = true;
    gd.on("plotly_afterplot", function () { adapt(gd); });
    adapt(gd);
  }
  function scan() { document.querySelectorAll(".js-plotly-plot").forEach(watch); }
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      gd._endLabelsNarrow = undefined;
      adapt(gd);
    });
  });
})();
