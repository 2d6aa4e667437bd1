// Keyboard shortcuts of a sheet under review (desk.html's partials): claim
// (Alt+Shift+P), approve (Alt+Shift+A), request changes (Alt+Shift+M). They
// are announced by aria-keyshortcuts and a visible hint, never fire while
// typing in a field, and never decide alone: approving selects the decision
// and moves to its button, asking for changes moves to the reason.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/i.test(el.type));
  }
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    var claim = document.querySelector("[data-shortcut=claim]");
    var approve = document.getElementById("decision");
    var changes = document.getElementById("decision-request_changes");
    switch (e.code) {
      case "KeyP":
        if (!claim) return;
        e.preventDefault();
        claim.click();
        break;
      case "KeyA":
        if (!approve) return;
        e.preventDefault();
        approve.checked = true;
        document.getElementById("decision-submit").focus();
        break;
      case "KeyM":
        if (!changes) return;
        e.preventDefault();
        changes.checked = true;
        document.getElementById("comment").focus();
        break;
    }
  });
})();
