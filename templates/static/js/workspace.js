// The application view's enhancements; the page works without them. A
// disclosure marked data-dialog becomes a modal dialog; the tab holding the
// address's target opens; Escape closes the move menu; and single-key
// shortcuts move along the list and open the decision's controls. The
// shortcuts act only when no field has the focus and no modifier is held,
// are listed in a dialog ("?"), and can be turned off (RGAA 12.11, WCAG
// 2.1.4): the choice is kept in this browser.
(function () {
  'use strict';
  var OFF = 'vivier.raccourcis';

  function stored() {
    try { return window.localStorage.getItem(OFF); } catch (e) { return null; }
  }
  function store(off) {
    try {
      if (off) { window.localStorage.setItem(OFF, 'off'); } else { window.localStorage.removeItem(OFF); }
    } catch (e) { /* private browsing: the choice lasts for this page */ }
  }
  var enabled = stored() !== 'off';

  // Dialogs.
  function openDialog(dialog, from) {
    dialog.hidden = false;
    dialog.returnTo = from || document.activeElement;
    dialog.showModal();
    var first = dialog.querySelector('select, input:not([type=hidden]), textarea');
    if (first) { first.focus(); }
  }
  function closable(dialog) {
    dialog.addEventListener('close', function () {
      if (dialog.returnTo) { dialog.returnTo.focus(); }
    });
    dialog.querySelectorAll('[data-close]').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () { dialog.close(); });
    });
  }
  document.querySelectorAll('details[data-dialog]').forEach(function (details) {
    var body = details.querySelector('.vivier-dialog__body');
    var summary = details.querySelector('summary');
    var heading = body.querySelector('h2');
    var dialog = document.createElement('dialog');
    dialog.className = 'vivier-dialog';
    dialog.id = details.getAttribute('data-dialog');
    if (heading) { dialog.setAttribute('aria-labelledby', heading.id); }
    details.open = false;
    dialog.appendChild(body);
    details.after(dialog);
    summary.setAttribute('aria-haspopup', 'dialog');
    summary.addEventListener('click', function (e) {
      e.preventDefault();
      openDialog(dialog, summary);
    });
    closable(dialog);
  });

  // The move menu: Escape closes it, back on its button.
  var menu = document.getElementById('move-menu');
  if (menu) {
    menu.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && menu.open) {
        menu.open = false;
        menu.querySelector('summary').focus();
        e.preventDefault();
      }
    });
    document.addEventListener('click', function (e) {
      if (menu.open && !menu.contains(e.target)) { menu.open = false; }
    });
  }

  // Tabs: the one holding the address's target (#messages after a message
  // is sent) opens. This runs before the DSFR starts, which then keeps it.
  function panelOf(id) {
    var target = id && document.getElementById(id);
    return target && target.closest('.fr-tabs__panel');
  }
  function selectAtStart(panel) {
    var tabs = panel.parentNode;
    tabs.querySelectorAll(':scope > .fr-tabs__panel').forEach(function (p) {
      var on = p === panel;
      var tab = document.getElementById(p.getAttribute('aria-labelledby'));
      p.classList.toggle('fr-tabs__panel--selected', on);
      if (tab) {
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        tab.setAttribute('tabindex', on ? '0' : '-1');
      }
    });
  }
  function openTab(panel, then) {
    if (!panel.classList.contains('fr-tabs__panel--selected')) {
      document.getElementById(panel.getAttribute('aria-labelledby')).click();
    }
    var frames = 0;
    (function wait() {
      if (panel.classList.contains('fr-tabs__panel--selected') || frames++ > 30) {
        if (then) { then(); }
        return;
      }
      window.requestAnimationFrame(wait);
    })();
  }
  var start = panelOf(decodeURIComponent(window.location.hash.slice(1)));
  if (start) { selectAtStart(start); }
  window.addEventListener('hashchange', function () {
    var panel = panelOf(decodeURIComponent(window.location.hash.slice(1)));
    if (panel) { openTab(panel); }
  });

  // Keyboard shortcuts.
  var help = document.getElementById('shortcuts-dialog');
  var helpButton = document.getElementById('shortcuts-button');
  var toggle = document.getElementById('shortcuts-on');
  if (help && helpButton) {
    closable(help);
    helpButton.hidden = false;
    helpButton.setAttribute('aria-haspopup', 'dialog');
    helpButton.addEventListener('click', function () {
      toggle.checked = enabled;
      openDialog(help, helpButton);
      toggle.focus();
    });
    toggle.addEventListener('change', function () {
      enabled = toggle.checked;
      store(!enabled);
    });
  }
  function follow(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.href); }
    return !!link;
  }
  var actions = {
    j: function () { return follow('walk-next'); },
    s: function () { return follow('walk-next'); },
    k: function () { return follow('walk-prev'); },
    d: function () {
      if (!menu) { return false; }
      menu.open = true;
      var first = menu.querySelector('.vivier-menu__item');
      if (first) { first.focus(); }
      return true;
    },
    r: function () {
      var summary = document.getElementById('refuse-button');
      if (summary) { summary.click(); }
      return !!summary;
    },
    n: function () {
      var field = document.getElementById('note-body');
      var panel = field && field.closest('.fr-tabs__panel');
      if (!field) { return false; }
      if (panel) { openTab(panel, function () { field.focus(); }); } else { field.focus(); }
      return true;
    },
    '?': function () {
      if (!helpButton) { return false; }
      helpButton.click();
      return true;
    }
  };
  document.addEventListener('keydown', function (e) {
    if (!enabled || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) { return; }
    if (document.querySelector('dialog[open]')) { return; }
    var t = e.target;
    if (t && t.closest && t.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) { return; }
    var act = actions[e.key];
    if (act && act()) { e.preventDefault(); }
  });
})();
