// A link that names a chart (/internet?...#internet-gap-panel) lands on that chart: the page is
// drawn after the address changes, so wait for the panel to exist, then bring it into view.
(function () {
  function land() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var tries = 0;
    var timer = window.setInterval(function () {
      var target = document.getElementById(id);
      tries += 1;
      if (target || tries > 100) {
        window.clearInterval(timer);
        if (target) { target.scrollIntoView({ block: "start" }); }
      }
    }, 100);
  }
  window.addEventListener("load", land);
  window.addEventListener("_dashprivate_pushstate", land);
  window.addEventListener("popstate", land);
})();
