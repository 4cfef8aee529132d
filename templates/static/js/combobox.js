// Typing help for the fields marked data-combobox="URL": the ARIA 1.2
// combobox with a listbox popup (list autocomplete). Without this script
// the field is a plain text field that the server reads. The URL answers
// {"suggestions": [{"kind", "label", "value"}]} for ?q=what was typed.
(function () {
  'use strict';
  var count = 0;

  function setup(input) {
    var n = ++count;
    var list = document.createElement('ul');
    var status = document.createElement('div');
    var wrap = document.createElement('div');
    var options = [];
    var active = -1;
    var timer = null;
    var ctrl = null;
    var typed = input.value;
    var chose = false;

    list.id = 'combobox-' + n + '-liste';
    list.setAttribute('role', 'listbox');
    list.className = 'vivier-combobox__list';
    list.hidden = true;
    var label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) label.id = 'combobox-' + n + '-label';
      list.setAttribute('aria-labelledby', label.id);
    }
    status.className = 'fr-sr-only';
    status.setAttribute('role', 'status');
    wrap.className = 'vivier-combobox';
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(i) {
      options.forEach(function (li, j) { li.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      active = i;
      if (i >= 0) {
        input.setAttribute('aria-activedescendant', options[i].id);
        options[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function choose(i) {
      input.value = options[i].getAttribute('data-value');
      typed = input.value;
      close();
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function show(items) {
      // A later answer must not lose the option the visitor moved to.
      var kept = active >= 0 && options[active] ? options[active].getAttribute('data-value') : null;
      list.textContent = '';
      options = items.map(function (s, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-value', s.value);
        li.className = 'vivier-combobox__option';
        if (s.kind && input.getAttribute('data-combobox').indexOf('type=') < 0) {
          var k = document.createElement('span');
          k.className = 'vivier-combobox__kind';
          k.textContent = s.kind + ' : ';
          li.appendChild(k);
        }
        li.appendChild(document.createTextNode(s.label));
        li.addEventListener('mousedown', function (e) { e.preventDefault(); });
        li.addEventListener('click', function () { choose(i); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        options.forEach(function (li, j) { if (li.getAttribute('data-value') === kept) highlight(j); });
      } else {
        close();
      }
      status.textContent = options.length ? options.length + ' suggestion' + (options.length > 1 ? 's' : '') +
        ' : flèches haut et bas pour parcourir, Entrée pour choisir' : 'Aucune suggestion';
    }

    function fetchHints() {
      var q = input.value.trim();
      if (q.length < 2) { show([]); status.textContent = ''; return; }
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
      var url = input.getAttribute('data-combobox');
      url += (url.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(q);
      fetch(url, { signal: ctrl.signal, headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) { if (input.value.trim() === q) show(d.suggestions || []); })
        .catch(function () {});
    }

    input.addEventListener('input', function () {
      typed = input.value;
      clearTimeout(timer);
      timer = setTimeout(fetchHints, 150);
    });
    input.addEventListener('keydown', function (e) {
      var open = !list.hidden;
      if (e.key === 'ArrowDown' || e.key === 'Down') {
        e.preventDefault();
        if (!open) { if (options.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } else fetchHints(); return; }
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (e.key === 'ArrowUp' || e.key === 'Up') {
        e.preventDefault();
        if (open) highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (e.key === 'Enter') {
        if (open && active >= 0) { e.preventDefault(); chose = true; choose(active); }
      } else if (e.key === 'Escape' || e.key === 'Esc') {
        if (open) { e.preventDefault(); input.value = typed; close(); }
      } else if (e.key === 'Tab') {
        close();
      }
    });
    // The Enter that chose an option must not also send the form: some
    // browsers and drivers deliver its keypress apart from its keydown.
    input.addEventListener('keypress', function (e) {
      if (chose && e.key === 'Enter') e.preventDefault();
    });
    input.addEventListener('keyup', function (e) { if (e.key === 'Enter') chose = false; });
    input.addEventListener('blur', function () { setTimeout(close, 0); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('input[data-combobox]'), setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
