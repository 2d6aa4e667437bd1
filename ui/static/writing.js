// Passerelle — writing a practice: the checklist and the submit button
// follow what is typed. Progressive enhancement only: the server renders
// both and its check on submission stays the rule.
(function () {
  "use strict";

  var form = document.getElementById("practice-form");
  if (!form) {
    return;
  }
  var checklist = document.querySelectorAll(".checklist li[data-input]");
  var submit = document.getElementById("submit-button");

  function chosenKind() {
    var k = form.querySelector('input[name="kind"]:checked');
    return k ? k.value : "";
  }

  // filled tells whether the input named name holds something: a ticked
  // box of a group, or text that is not only spaces.
  function filled(name) {
    var els = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          return true;
        }
      } else if (el.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function updateChecklist() {
    var kind = chosenKind() || "experience";
    var missing = [];
    checklist.forEach(function (li) {
      var k = li.getAttribute("data-kind") || "";
      li.hidden = chosenKind() !== "" && k !== "" && k !== chosenKind();
      var done = filled(li.getAttribute("data-input"));
      li.classList.toggle("done", done);
      li.classList.toggle("todo", !done);
      var state = li.querySelector(".checklist-state");
      if (state) {
        state.textContent = done ? state.getAttribute("data-done") : state.getAttribute("data-todo");
      }
      if (!done && (k === "" || k === kind)) {
        missing.push(li);
      }
    });
    if (submit) {
      if (missing.length === 0) {
        submit.textContent = submit.getAttribute("data-ready");
        submit.removeAttribute("aria-describedby");
      } else {
        var names = missing.map(function (li) { return li.getAttribute("data-label"); });
        submit.textContent = submit.getAttribute("data-missing").replace("{fields}", names.join(", "));
        submit.setAttribute("aria-describedby", "checklist-title");
      }
    }
    return missing;
  }

  form.addEventListener("input", updateChecklist);
  form.addEventListener("change", updateChecklist);

  // A submit that would be refused moves to the first missing field
  // instead: the button already says what is missing.
  if (submit) {
    submit.addEventListener("click", function (event) {
      var missing = updateChecklist();
      if (missing.length === 0) {
        return;
      }
      event.preventDefault();
      var target = document.getElementById(missing[0].getAttribute("data-input"));
      if (target) {
        target.focus();
      }
    });
  }
  updateChecklist();
})();
