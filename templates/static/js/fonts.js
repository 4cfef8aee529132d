// Marianne, the State's typeface, is applied once the page has painted its
// text in a local font scaled to Marianne's widths (css/vivier.css): a phone
// on a slow network shows the page without waiting for the fonts (170 kB), and
// no line moves when they arrive. The sheet that declares them is in the page
// with media="print" (fetched, not applied); this makes it apply. Within a
// visit, when the fonts are already cached, it applies at once.
(function () {
  'use strict';
  var link = document.querySelector('link[data-vivier-fonts]');
  if (!link) return;
  var key = 'vivier-fonts';
  var applied = false;
  function apply() {
    if (applied) return;
    applied = true;
    link.media = 'all';
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () {
        try { sessionStorage.setItem(key, '1'); } catch (e) { /* storage refused: apply after painting each time */ }
      });
    }
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
