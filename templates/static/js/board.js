// The board's enhancements. Without them each card links to the application,
// whose page has the move form, and the selection is a plain form. Here a
// card's "Déplacer vers…" button opens a menu of steps (arrows move, Enter
// or Space chooses, Escape closes and gives the focus back); a decision that
// emails the candidate (a refusal, a hire) opens a dialog for the reason and
// the email choice first. Every move posts the same form as the application
// page, so the server checks it the same way. Dragging a card onto a column
// does what the menu does.
document.addEventListener("DOMContentLoaded", function () {
  var board = document.querySelector(".vivier-board");
  var menu = document.getElementById("board-menu");
  var moveForm = document.getElementById("board-move");
  var dialog = document.getElementById("board-dialog");
  if (!board || !menu || !moveForm || !dialog) { return; }
  var decideForm = document.getElementById("board-decide");
  var prefix = moveForm.getAttribute("data-prefix");
  var opener = null; // the button whose menu or dialog is open

  function cardOf(el) { return el.closest(".vivier-board__card"); }
  function items() {
    return Array.prototype.filter.call(menu.querySelectorAll("[role=menuitem]"), function (b) { return !b.hidden; });
  }

  function openMenu(button, last) {
    closeMenu(false);
    var card = cardOf(button);
    var current = card.getAttribute("data-stage");
    menu.querySelectorAll("[role=menuitem]").forEach(function (b) {
      b.hidden = b.getAttribute("data-stage") === current;
    });
    menu.setAttribute("aria-label", "Déplacer " + card.getAttribute("data-name") + " vers");
    button.insertAdjacentElement("afterend", menu);
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    opener = button;
    var list = items();
    if (list.length) { list[last ? list.length - 1 : 0].focus(); }
  }

  function closeMenu(focusButton) {
    if (menu.hidden) { return; }
    menu.hidden = true;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (focusButton) { opener.focus(); }
    }
  }

  function move(card, stage, category) {
    var id = card.getAttribute("data-card");
    if (category === "refusee" || category === "acceptee") {
      openDialog(card, stage, category);
      return;
    }
    moveForm.action = prefix + id + "/etape";
    moveForm.elements.stage.value = stage;
    moveForm.submit();
  }

  function openDialog(card, stage, category) {
    var refusal = category === "refusee";
    var name = card.getAttribute("data-name");
    var step = menu.querySelector('[data-stage="' + stage + '"]').textContent;
    decideForm.action = prefix + card.getAttribute("data-card") + "/etape";
    decideForm.elements.stage.value = stage;
    var reason = decideForm.elements.reason;
    reason.value = "";
    reason.required = refusal;
    reason.disabled = !refusal;
    document.getElementById("board-dialog-reason").hidden = !refusal;
    document.getElementById("board-dialog-title").textContent = refusal ?
      "Refuser la candidature de " + name : "Déplacer " + name + " vers « " + step + " »";
    document.getElementById("board-dialog-submit").textContent = refusal ? "Confirmer le refus" : "Confirmer";
    document.getElementById("dialog-notify-yes").checked = true;
    dialog.showModal();
    (refusal ? reason : document.getElementById("dialog-notify-yes")).focus();
  }

  board.querySelectorAll(".vivier-board__move").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!menu.hidden && opener === button) { closeMenu(true); } else { openMenu(button, false); }
    });
    button.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        openMenu(button, e.key === "ArrowUp");
      }
    });
  });

  menu.addEventListener("keydown", function (e) {
    var list = items();
    var i = list.indexOf(document.activeElement);
    var to = null;
    switch (e.key) {
      case "ArrowDown": to = list[(i + 1) % list.length]; break;
      case "ArrowUp": to = list[(i - 1 + list.length) % list.length]; break;
      case "Home": to = list[0]; break;
      case "End": to = list[list.length - 1]; break;
      case "Escape": e.preventDefault(); closeMenu(true); return;
      case "Tab": closeMenu(false); return;
      default: return;
    }
    e.preventDefault();
    to.focus();
  });
  menu.addEventListener("click", function (e) {
    var item = e.target.closest("[role=menuitem]");
    if (!item || !opener) { return; }
    var card = cardOf(opener);
    closeMenu(false);
    move(card, item.getAttribute("data-stage"), item.getAttribute("data-category"));
  });
  document.addEventListener("click", function (e) {
    if (!menu.hidden && !menu.contains(e.target) && e.target !== opener && !opener.contains(e.target)) { closeMenu(false); }
  });

  document.getElementById("board-dialog-cancel").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () {
    if (opener && document.body.contains(opener)) { opener.focus(); }
  });

  // The selection: its count, said once it changes.
  var count = document.getElementById("board-count");
  var status = document.getElementById("board-status");
  var details = document.getElementById("board-bulk-details");
  var selected = 0;
  board.addEventListener("change", function (e) {
    if (e.target.name !== "ids") { return; }
    var n = board.querySelectorAll('input[name="ids"]:checked').length;
    if (n > 0 && selected === 0) { details.open = true; }
    selected = n;
    count.textContent = n;
    count.hidden = n === 0;
    status.textContent = n === 0 ? "Aucune candidature cochée." :
      n === 1 ? "1 candidature cochée." : n + " candidatures cochées.";
  });

  // Drag and drop: dropping a card on a column chooses that column's step.
  var dragged = null;
  board.querySelectorAll(".vivier-board__card[data-card]").forEach(function (card) {
    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", function (e) {
      dragged = card;
      card.classList.add("vivier-board__card--dragging");
      e.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("vivier-board__card--dragging");
      dragged = null;
    });
  });
  board.querySelectorAll(".vivier-board__column[data-stage]").forEach(function (col) {
    col.addEventListener("dragover", function (e) { if (dragged) { e.preventDefault(); } });
    col.addEventListener("drop", function (e) {
      e.preventDefault();
      var stage = col.getAttribute("data-stage");
      if (!dragged || dragged.getAttribute("data-stage") === stage) { return; }
      var item = menu.querySelector('[data-stage="' + stage + '"]');
      opener = dragged.querySelector(".vivier-board__move");
      move(dragged, stage, item.getAttribute("data-category"));
    });
  });
});
