// ?embed=1 shows a view without its controls (for iframes); ?embed=PANEL shows that one panel
// alone (its prefix, e.g. embed=internet-gap); see indicators/dashboard/embed.py.
(function () {
  var embed = new URLSearchParams(window.location.search).get("embed");
  if (embed === null) { return; }
  document.documentElement.classList.add("embed");
  if (/^[a-z0-9-]+$/.test(embed) && embed !== "1") {
    document.documentElement.classList.add("embed-one");
    var style = document.createElement("style");
    style.textContent = ".embed-one main .panel:not(#" + embed + "-panel) { display: none; }";
    document.head.appendChild(style);
  }
})();
