// Marianne, the State's typeface, is applied once the page has painted its
// text in a local font scaled to Marianne's widths (css/vivier.css): a phone
// on a slow network shows the page without waiting for the fonts (170 kB), and
// no line moves when they arrive. Its faces are those of dsfr/fonts.css (which
// applies them when JavaScript does not run): the three a page always uses
// are loaded first, then all are added at once, so that the page is laid out
// again once rather than at each font. Within a visit, when the fonts are
// already cached, they apply at once.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.FontFace || !document.fonts) return;
  var base = script.src.replace(/js\/fonts\.js(\?.*)?$/, 'dsfr/fonts/');
  var faces = [['Regular', '400', 'normal'], ['Medium', '500', 'normal'], ['Bold', '700', 'normal'],
    ['Regular_Italic', '400', 'italic'], ['Medium_Italic', '500', 'italic'], ['Bold_Italic', '700', 'italic'],
    ['Light', '300', 'normal'], ['Light_Italic', '300', 'italic']].map(function (f) {
    return new FontFace('Marianne', 'url(' + base + 'Marianne-' + f[0] + '.woff2) format("woff2")',
      { weight: f[1], style: f[2], display: 'swap' });
  });
  var key = 'vivier-fonts';
  var applied = false;
  function add() {
    faces.forEach(function (f) { document.fonts.add(f); });
    try { sessionStorage.setItem(key, '1'); } catch (e) { /* storage refused: apply after painting each time */ }
  }
  function apply() {
    if (applied) return;
    applied = true;
    Promise.all(faces.slice(0, 3).map(function (f) { return f.load(); })).then(add, add);
  }
  try {
    if (sessionStorage.getItem(key)) { apply(); return; }
  } catch (e) { /* storage refused */ }
  var types = window.PerformanceObserver && PerformanceObserver.supportedEntryTypes;
  if (types && types.indexOf('paint') >= 0) {
    var observer = new PerformanceObserver(function (list) {
      if (list.getEntriesByName('first-contentful-paint').length) {
        observer.disconnect();
        apply();
      }
    });
    observer.observe({ type: 'paint', buffered: true });
  }
  // A page opened in a background tab reports no paint: apply at the latest
  // a moment after it has loaded.
  window.addEventListener('load', function () { setTimeout(apply, 3000); });
})();
