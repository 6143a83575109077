// Lines named at their ends (indicators/dashboard/panels.py) need room right of the plot. On a
// narrow screen that room would leave the plot no width: there the labels are hidden and the
// lines go back into the legend above the plot; widening the screen brings the labels back.
// The server draws the wide form; what a figure shows is read from the figure itself (its labels
// hidden or not), so a figure already in the right form is never drawn twice, and a new figure
// from a callback is adapted again.
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
    if ((notes[labels[0]].visible === false) === narrow) { return; }
    var traces = [], keys = false;
    gd.data.forEach(function (t, i) {
      if (t.meta === "end-labelled") { traces.push(i); }
      else if (t.showlegend !== false && t.name) { keys = true; }
    });
    var update = { "margin.r": narrow ? MARGIN_NARROW : MARGIN_WIDE, showlegend: narrow || keys };
    labels.forEach(function (i) { update["annotations[" + i + "].visible"] = !narrow; });
    window.Plotly.update(gd, { showlegend: narrow }, update, traces);
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
    document.querySelectorAll(".js-plotly-plot").forEach(adapt);
  });
})();
