// A phone's plot needs every pixel of its width. There the modebar (the toolbar that stands in
// the right margin, indicators/dashboard/panels.py) is hidden (assets/style.css) and its margin
// given back to the plot; lines named at their ends lose their labels, which need room right
// of the plot, and go back into the legend above it. Widening the screen brings both back.
// The server draws the wide form; what a figure shows is read from the figure itself, so a
// figure already in the right form is never drawn twice, and a new one from a callback is
// adapted again.
(function () {
  var NARROW_PX = 600;
  // END_LABEL_MARGIN and MODEBAR_PX; a phone keeps a few pixels right of the plot.
  var MARGIN_WIDE = 142, MARGIN_MODEBAR = 36, MARGIN_PHONE = 8;
  function adapt(gd) {
    if (!gd || !gd.layout || !gd.data || !window.Plotly) { return; }
    var narrow = gd.clientWidth < NARROW_PX;
    gd.classList.toggle("narrow-plot", narrow); // hides its modebar (assets/style.css)
    var right = (gd.layout.margin || {}).r;
    var notes = gd.layout.annotations || [];
    var labels = [];
    notes.forEach(function (a, i) { if (a.name === "end-label") { labels.push(i); } });
    if (!labels.length) {
      // Any other page chart: only the modebar's margin.
      if (narrow && right === MARGIN_MODEBAR) {
        window.Plotly.relayout(gd, { "margin.r": MARGIN_PHONE });
      } else if (!narrow && right === MARGIN_PHONE) {
        window.Plotly.relayout(gd, { "margin.r": MARGIN_MODEBAR });
      }
      return;
    }
    if ((notes[labels[0]].visible === false) === narrow) { return; }
    var traces = [], keys = false;
    gd.data.forEach(function (t, i) {
      if (t.meta === "end-labelled") { traces.push(i); }
      else if (t.showlegend !== false && t.name) { keys = true; }
    });
    var update = { "margin.r": narrow ? MARGIN_PHONE : MARGIN_WIDE, showlegend: narrow || keys };
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
