// Inline checks of the application form, before it leaves the browser. The
// server checks everything again; this only spares a round trip, and says
// what is wrong the way the server would: beside the field and in a summary
// that screen readers announce.
(function () {
  "use strict";
  var form = document.getElementById("candidature");
  if (!form) return;
  var limit = parseInt(form.getAttribute("data-upload-bytes"), 10) || 0;
  var accepted = /\.(pdf|odt|docx)$/i;

  function groupOf(el) {
    return el.closest(".fr-input-group, .fr-upload-group, .fr-checkbox-group, .fr-fieldset");
  }
  function clear(el) {
    var g = groupOf(el);
    var old = document.getElementById(el.id + "-js-error");
    if (old) old.remove();
    el.removeAttribute("aria-invalid");
    if (g) g.className = g.className.replace(/ fr-[a-z-]+-group--error| fr-fieldset--error/g, "");
  }
  function fail(el, msg, errors) {
    var g = groupOf(el);
    var p = document.createElement("p");
    p.className = "fr-error-text";
    p.id = el.id + "-js-error";
    p.textContent = msg;
    if (g) {
      g.appendChild(p);
      var kind = g.classList.contains("fr-fieldset") ? "fr-fieldset--error" : g.className.split(" ")[0] + "--error";
      g.className += " " + kind;
    }
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", p.id);
    errors.push({ id: el.id, msg: msg });
  }
  function checkFile(input, errors) {
    var f = input.files && input.files[0];
    // A document of the offer says its own message, and its content (not
    // its name) decides its format: the server checks it.
    var piece = input.getAttribute("data-missing");
    if (!f) {
      if (input.required) fail(input, piece || "Joignez votre CV (PDF, ODT ou DOCX).", errors);
      return;
    }
    if (!piece && !accepted.test(f.name)) fail(input, "Le fichier « " + f.name + " » n'est pas un PDF, ni un document ODT ou DOCX.", errors);
    else if (f.size === 0) fail(input, "Le fichier « " + f.name + " » est vide.", errors);
    else if (limit && f.size > limit) fail(input, "Le fichier « " + f.name + " » dépasse la taille autorisée (" + form.getAttribute("data-upload-limit") + ").", errors);
  }
  function check() {
    var errors = [];
    form.querySelectorAll("input, textarea, select").forEach(clear);
    [["first_name", "Saisissez votre prénom."], ["last_name", "Saisissez votre nom."]].forEach(function (f) {
      var el = document.getElementById(f[0]);
      if (el && !el.value.trim()) fail(el, f[1], errors);
    });
    var email = document.getElementById("email");
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value.trim())) fail(email, "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.", errors);
    form.querySelectorAll("input[type=file]").forEach(function (el) { checkFile(el, errors); });
    form.querySelectorAll("fieldset[data-required]").forEach(function (fs) {
      if (!fs.querySelector("input:checked")) fail(fs.querySelector("input"), "Répondez à la question « " + fs.getAttribute("data-label") + " ».", errors);
    });
    form.querySelectorAll("[data-required-text]").forEach(function (el) {
      if (!el.value.trim()) fail(el, "Répondez à la question « " + el.getAttribute("data-required-text") + " ».", errors);
    });
    var consent = document.getElementById("consent");
    if (consent && !consent.checked) fail(consent, "Acceptez le traitement de vos données pour que votre candidature puisse être étudiée.", errors);
    return errors;
  }
  form.querySelectorAll("input[type=file]").forEach(function (el) {
    el.addEventListener("change", function () { clear(el); checkFile(el, []); });
  });
  form.addEventListener("submit", function (ev) {
    var errors = check();
    var box = document.getElementById("erreurs-js");
    if (box) box.remove();
    if (!errors.length) return;
    ev.preventDefault();
    box = document.createElement("div");
    box.id = "erreurs-js";
    box.className = "fr-alert fr-alert--error fr-mb-3w";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var h = document.createElement("h2");
    h.className = "fr-alert__title";
    h.textContent = "Votre candidature n'est pas encore envoyée : corrigez les champs signalés.";
    var ul = document.createElement("ul");
    errors.forEach(function (e) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + e.id;
      a.textContent = e.msg;
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(h);
    box.appendChild(ul);
    form.parentNode.insertBefore(box, form);
    box.focus();
  });
})();
