// ?embed=1 shows a view without its controls (for iframes); see indicators/embed.py.
(function () {
  if (new URLSearchParams(window.location.search).has("embed")) {
    document.documentElement.classList.add("embed");
  }
})();
