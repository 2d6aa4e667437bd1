// Passerelle — progressive enhancement only: every page works without it.
(function () {
  "use strict";

  // Move focus to the error summary so that its errors are read first.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // Practice form: show only the fieldset of the chosen kind. Both stay in
  // the HTML (and are both shown when no kind is chosen or JS is off).
  var radios = document.querySelectorAll('input[type="radio"][name="kind"]');
  var groups = document.querySelectorAll("fieldset[data-kind]");
  if (!radios.length || !groups.length) {
    return;
  }
  function update() {
    var chosen = "";
    radios.forEach(function (r) {
      if (r.checked) {
        chosen = r.value;
      }
    });
    groups.forEach(function (g) {
      g.hidden = chosen !== "" && g.getAttribute("data-kind") !== chosen;
    });
  }
  radios.forEach(function (r) {
    r.addEventListener("change", update);
  });
  update();
})();

// "Imprimer / PDF": without JavaScript the link leads to how to print with
// the browser's own command; with it, it opens the print dialog.
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (typeof window.print === "function") {
        event.preventDefault();
        window.print();
      }
    });
  });
})();
