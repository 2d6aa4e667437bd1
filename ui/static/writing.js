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

  // Autosave: the form is saved as a draft on the server a moment after
  // the author stops typing, through the same service method as the
  // "save" button (the answer gives the version to base the next save on).
  // A failed save says so and tries again; nothing typed is ever replaced.
  var status = document.getElementById("autosave-status");
  var versionInput = form.querySelector('input[name="version"]');
  var saveURL = status ? status.getAttribute("data-url") : "";
  var timer = null;
  var inFlight = false;
  var dirty = false;
  var stopped = false;
  var failures = 0;
  var listeners = [];

  function say(text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function formBody() {
    var data = new URLSearchParams();
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit" || el.type === "button") {
        continue;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
        continue;
      }
      data.append(el.name, el.value);
    }
    return data;
  }

  function schedule(delay) {
    if (stopped) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function save() {
    if (!status || stopped) {
      return;
    }
    if (inFlight) {
      dirty = true;
      return;
    }
    var titleInput = document.getElementById("title");
    if (form.getAttribute("data-id") === null && titleInput && titleInput.value.trim() === "") {
      say(status.getAttribute("data-need-title"));
      return;
    }
    inFlight = true;
    dirty = false;
    say(status.getAttribute("data-saving"));
    fetch(saveURL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: formBody()
    }).then(function (res) {
      return res.json().then(function (body) { return { res: res, body: body }; }, function () {
        return { res: res, body: {} };
      });
    }).then(function (r) {
      inFlight = false;
      if (r.res.ok) {
        failures = 0;
        saved(r.body);
        if (dirty) {
          schedule(500);
        }
        return;
      }
      var msg = (r.body && r.body.message) || "";
      if (r.body && r.body.stale) {
        stopped = true;
        say(msg, true);
        return;
      }
      if (r.res.status >= 500 || r.res.status === 429) {
        retry(msg);
        return;
      }
      // Refused for what is typed: say why; the next keystroke tries again.
      say(msg, true);
    }, function () {
      inFlight = false;
      retry("");
    }).then(function () {
      if (!inFlight && pendingSubmit) {
        resume();
      }
    });
  }

  function retry(reason) {
    failures++;
    say(status.getAttribute("data-retry").replace("{reason}", reason), true);
    schedule(Math.min(30000, 2000 * Math.pow(2, failures - 1)));
  }

  function saved(body) {
    if (versionInput && body.version) {
      versionInput.value = body.version;
    }
    if (form.getAttribute("data-id") === null && body.id) {
      // The new draft exists: from now on the form edits it.
      form.setAttribute("data-id", body.id);
      form.setAttribute("action", body.edit_url);
      saveURL = "/fiches/" + body.id + "/brouillon";
      status.setAttribute("data-url", saveURL);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", body.edit_url);
      }
    }
    say(body.message || "");
    listeners.forEach(function (fn) { fn(body); });
  }

  // A button pressed while a new draft is being created waits for it, so
  // that the form does not create a second one.
  var pendingSubmit = null;
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight && form.getAttribute("data-id") === null) {
      event.preventDefault();
      pendingSubmit = event.submitter || submit;
      listeners.push(resume);
      return;
    }
    stopped = true;
  });
  function resume() {
    if (pendingSubmit) {
      var button = pendingSubmit;
      pendingSubmit = null;
      if (form.requestSubmit) {
        form.requestSubmit(button);
      } else {
        button.click();
      }
    }
  }

  if (status) {
    var edited = function (event) {
      if (event.target && event.target.type === "file") {
        return;
      }
      schedule(1500);
    };
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
  }

  // The preview shows the body as the sheet will (the server renders it
  // with the same renderer); it follows what is typed while it is open.
  var previewButton = document.getElementById("preview-button");
  var preview = document.getElementById("body-preview");
  var previewContent = document.getElementById("preview-content");
  var body = document.getElementById("body");
  var previewTimer = null;
  if (previewButton && preview && previewContent && body) {
    previewButton.parentNode.hidden = false;
    var showLabel = previewButton.textContent;
    var renderPreview = function () {
      var data = new URLSearchParams();
      data.append("body", body.value);
      fetch("/fiches/apercu", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: data
      }).then(function (res) {
        return res.json().then(function (b) { return { ok: res.ok, body: b }; });
      }).then(function (r) {
        if (r.ok) {
          // The server's renderer sanitises: this is the HTML the sheet shows.
          previewContent.innerHTML = r.body.html;
        } else {
          previewContent.textContent = r.body.message || previewButton.getAttribute("data-error");
        }
      }, function () {
        previewContent.textContent = previewButton.getAttribute("data-error");
      });
    };
    previewButton.addEventListener("click", function () {
      var open = preview.hidden;
      preview.hidden = !open;
      previewButton.setAttribute("aria-expanded", open ? "true" : "false");
      previewButton.textContent = open ? previewButton.getAttribute("data-hide") : showLabel;
      if (open) {
        renderPreview();
      }
    });
    body.addEventListener("input", function () {
      if (!preview.hidden) {
        clearTimeout(previewTimer);
        previewTimer = setTimeout(renderPreview, 600);
      }
    });
  }

  // Others (the files' drop zone) wait for the draft to exist.
  window.PasserelleWriting = {
    onSaved: function (fn) { listeners.push(fn); },
    saveNow: function () { clearTimeout(timer); save(); },
    id: function () { return form.getAttribute("data-id"); }
  };
})();
