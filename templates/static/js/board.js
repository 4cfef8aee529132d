// Drag and drop on the pipeline board. Each card already has a form that
// moves it without JavaScript; dropping a card on a column only chooses
// that column's step in the card's form and submits it, so the server
// checks the move exactly as for the keyboard.
document.addEventListener("DOMContentLoaded", function () {
  var dragged = null;
  document.querySelectorAll(".vivier-board__card[data-card]").forEach(function (card) {
    card.addEventListener("dragstart", function (e) {
      dragged = card;
      e.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
    });
  });
  document.querySelectorAll(".vivier-board__column[data-stage]").forEach(function (col) {
    col.addEventListener("dragover", function (e) { if (dragged) { e.preventDefault(); } });
    col.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!dragged) { return; }
      var form = dragged.querySelector("form.vivier-move");
      var select = form && form.querySelector("select[name=stage]");
      if (!select || select.value === col.getAttribute("data-stage")) { return; }
      select.value = col.getAttribute("data-stage");
      if (form.querySelector("select[name=reason]").value === "" && col.querySelector("h2") &&
          select.options[select.selectedIndex].text.indexOf("non retenue") !== -1) {
        // A refusal needs a reason: let the recruiter choose it in the form.
        form.querySelector("select[name=reason]").focus();
        return;
      }
      form.submit();
    });
  });
});
