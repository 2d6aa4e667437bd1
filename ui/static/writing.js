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

  // A button pressed while an autosave runs waits for its answer: the form
  // then posts to the draft it created, on the version it made (else it
  // would create a second draft, or be refused as stale).
  var pendingSubmit = null;
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
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

  // Files: chosen or dropped inside the form, sent one request each with
  // their progress and a cancel button, without leaving the page. A new
  // draft is saved first (uploads need its id); files wait for it.
  var files = document.getElementById("files");
  var filesInput = document.getElementById("files-input");
  if (files && filesInput && status) {
    files.hidden = false;
    var separate = document.getElementById("pieces-jointes");
    if (separate) {
      separate.hidden = true;
    }
    var zone = document.getElementById("dropzone");
    var uploads = document.getElementById("uploads");
    var list = document.getElementById("files-list");
    var filesStatus = document.getElementById("files-status");
    var waiting = [];
    var announce = function (text) {
      filesStatus.textContent = text;
    };
    var button = function (label, cls) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button button-small " + (cls || "button-secondary");
      b.textContent = label;
      return b;
    };
    var showFile = function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = f.URL;
      a.setAttribute("download", "");
      a.textContent = f.Name;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = "(" + f.Type + ", " + f.SizeText + ")";
      var rm = button(files.getAttribute("data-remove"));
      rm.setAttribute("data-remove-url", f.remove_url);
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + f.Name;
      rm.appendChild(hidden);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(meta);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(rm);
      list.appendChild(li);
    };
    var send = function (file, li, progress, cancel, note) {
      var id = form.getAttribute("data-id");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/fiches/" + id + "/pieces-jointes");
      xhr.setRequestHeader("Accept", "application/json");
      note.textContent = "";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.max = e.total;
          progress.value = e.loaded;
        }
      });
      var fail = function (msg) {
        li.classList.add("upload-error");
        progress.remove();
        note.textContent = msg;
        cancel.textContent = files.getAttribute("data-dismiss");
        cancel.onclick = function () { li.remove(); };
        announce(file.name + "\u00a0: " + msg);
      };
      xhr.addEventListener("load", function () {
        var body = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = {};
        }
        if (xhr.status === 201) {
          li.remove();
          showFile(body);
          announce(body.message || "");
        } else {
          fail(body.message || files.getAttribute("data-failed"));
        }
      });
      xhr.addEventListener("error", function () { fail(files.getAttribute("data-failed")); });
      xhr.addEventListener("abort", function () {
        li.remove();
        announce(files.getAttribute("data-cancelled").replace("{name}", file.name));
      });
      cancel.onclick = function () { xhr.abort(); };
      var data = new FormData();
      data.append("file", file, file.name);
      xhr.send(data);
    };
    var add = function (chosen) {
      for (var i = 0; i < chosen.length; i++) {
        var file = chosen[i];
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = file.name;
        var progress = document.createElement("progress");
        progress.max = 1;
        progress.value = 0;
        progress.setAttribute("aria-label", file.name);
        var note = document.createElement("span");
        note.className = "muted";
        var cancel = button(files.getAttribute("data-cancel"));
        li.appendChild(name);
        li.appendChild(progress);
        li.appendChild(note);
        li.appendChild(cancel);
        uploads.appendChild(li);
        if (form.getAttribute("data-id")) {
          send(file, li, progress, cancel, note);
        } else {
          note.textContent = files.getAttribute("data-need-title");
          (function (item) {
            item.cancel.onclick = function () {
              waiting = waiting.filter(function (w) { return w !== item; });
              item.li.remove();
            };
            waiting.push(item);
          })({ file: file, li: li, progress: progress, cancel: cancel, note: note });
        }
      }
      if (waiting.length) {
        clearTimeout(timer);
        save();
      }
    };
    listeners.push(function () {
      var pending = waiting;
      waiting = [];
      pending.forEach(function (w) { send(w.file, w.li, w.progress, w.cancel, w.note); });
    });
    filesInput.addEventListener("change", function () {
      add(filesInput.files);
      filesInput.value = "";
    });
    zone.addEventListener("dragover", function (e) {
      e.preventDefault();
      zone.classList.add("is-over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("is-over");
      if (e.dataTransfer && e.dataTransfer.files) {
        add(e.dataTransfer.files);
      }
    });
    list.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("button[data-remove-url]") : null;
      if (!b) {
        return;
      }
      b.disabled = true;
      fetch(b.getAttribute("data-remove-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: ""
      }).then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, body: body }; });
      }).then(function (r) {
        if (r.ok) {
          b.closest("li").remove();
        } else {
          b.disabled = false;
        }
        announce(r.body.message || "");
      }, function () {
        b.disabled = false;
        announce(files.getAttribute("data-failed"));
      });
    });
  }

  // The cover image: its form is sent without leaving the page, once the
  // draft exists; the picture shown is the one the server stored.
  var coverSection = document.getElementById("couverture");
  var coverForm = document.getElementById("cover-form");
  if (coverSection && coverForm && status) {
    coverSection.hidden = false;
    var coverStatus = document.getElementById("cover-status");
    var coverProgress = document.getElementById("cover-progress");
    var coverRemove = document.getElementById("cover-remove");
    var coverCurrent = document.getElementById("cover-current");
    var coverPending = false;
    var sendCover = function () {
      var id = form.getAttribute("data-id");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/fiches/" + id + "/couverture");
      xhr.setRequestHeader("Accept", "application/json");
      coverProgress.hidden = false;
      coverProgress.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          coverProgress.max = e.total;
          coverProgress.value = e.loaded;
        }
      });
      xhr.addEventListener("load", function () {
        coverProgress.hidden = true;
        var body = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = {};
        }
        if (xhr.status === 200 && body.cover) {
          var c = body.cover;
          var fig = document.createElement("figure");
          fig.className = "cover cover-preview";
          var img = document.createElement("img");
          img.src = c.Src;
          img.srcset = c.SrcSet;
          img.sizes = "(min-width: 40rem) 20rem, 100vw";
          img.alt = c.Alt;
          img.width = c.Width;
          img.height = c.Height;
          fig.appendChild(img);
          coverCurrent.textContent = "";
          coverCurrent.appendChild(fig);
          coverRemove.hidden = false;
          coverRemove.setAttribute("action", "/fiches/" + id + "/couverture/supprimer");
          document.getElementById("cover").value = "";
        }
        coverStatus.textContent = body.message || coverForm.getAttribute("data-failed");
        coverStatus.classList.toggle("upload-error", xhr.status !== 200);
      });
      xhr.addEventListener("error", function () {
        coverProgress.hidden = true;
        coverStatus.textContent = coverForm.getAttribute("data-failed");
      });
      xhr.send(new FormData(coverForm));
    };
    coverForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("data-id")) {
        sendCover();
        return;
      }
      coverStatus.textContent = coverForm.getAttribute("data-waiting");
      if (!coverPending) {
        coverPending = true;
        listeners.push(function () {
          if (coverPending) {
            coverPending = false;
            sendCover();
          }
        });
      }
      clearTimeout(timer);
      save();
    });
    coverRemove.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(coverRemove.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: ""
      }).then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, body: body }; });
      }).then(function (r) {
        if (r.ok) {
          coverCurrent.textContent = "";
          coverRemove.hidden = true;
        }
        coverStatus.textContent = r.body.message || "";
      }, function () {
        coverStatus.textContent = coverForm.getAttribute("data-failed");
      });
    });
  }
})();
