// The supervisor's phone pages (我的督导): the visit form keeps its draft on the device (localStorage,
// keyed by the visit's client id; photos waiting to upload in IndexedDB), shows when the phone is
// offline, and sends autosaves, photos (XHR, with progress) and the submission through one queue
// that retries with backoff. Every request is idempotent on the server (client ids), so a retry or
// a double tap never makes two records. Plain ES5-style script: no build step, no inline script
// (the CSP forbids it); the page passes its data with json_script. Messages go through Django's
// JavaScript catalogue (/jsi18n/, loaded just before this file); without it (e.g. offline before
// the phone has kept a copy) the Chinese originals are shown.
(function () {
  "use strict";

  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };
  var ngettext = typeof window.ngettext === "function" ? window.ngettext
    : function (singular, plural, n) { return n === 1 ? singular : plural; };
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return String(values[key]); });
  }

  var PREFIX = "dudao.visit.";
  var MAX_PHOTO = 15 * 1024 * 1024;
  var PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
  var CACHE = "dudao-field-v1";

  // --- small helpers ------------------------------------------------------------------------------
  var storage = (function () {
    try {
      window.localStorage.setItem("dudao.probe", "1");
      window.localStorage.removeItem("dudao.probe");
      return window.localStorage;
    } catch (e) { return null; }
  })();

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function loadLocal(clientId) {
    if (!storage) { return null; }
    try { return JSON.parse(storage.getItem(PREFIX + clientId)); } catch (e) { return null; }
  }
  function storeLocal(state) {
    if (!storage) { return false; }
    try { storage.setItem(PREFIX + state.client_id, JSON.stringify(state)); return true; } catch (e) { return false; }
  }
  function dropLocal(clientId) { if (storage) { storage.removeItem(PREFIX + clientId); } }
  function localDrafts() {
    var out = [];
    if (!storage) { return out; }
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        try { out.push(JSON.parse(storage.getItem(key))); } catch (e) { /* ignore a broken entry */ }
      }
    }
    return out;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function isOnline() { return navigator.onLine !== false; }
  function clock(date) {
    var d = date ? new Date(date) : new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // One request: resolves {status, data} for any HTTP answer, rejects {network: true} when the
  // request never reached the server (offline, dropped, timed out).
  function send(method, url, body, onProgress, timeout) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.timeout = timeout || 30000;
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      var payload = body;
      if (body && !(body instanceof FormData)) {
        xhr.setRequestHeader("Content-Type", "application/json");
        payload = JSON.stringify(body);
      }
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded / e.total); } };
      }
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
          resolve({ status: 401, data: { error: gettext("登录已过期，请重新登录（填写内容已保存在本机）。") } });
          return;
        }
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        resolve({ status: xhr.status, data: data || {} });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { reject({ network: true }); };
      xhr.send(payload || null);
    });
  }

  function watchOnline(onChange) {
    function update() {
      document.querySelectorAll("[data-offline-banner]").forEach(function (b) { b.classList.toggle("d-none", isOnline()); });
      if (onChange) { onChange(isOnline()); }
    }
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    update();
  }

  function registerWorker(page) {
    var url = page.getAttribute("data-sw");
    if (url && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(url).catch(function () { /* the pages still work without it */ });
    }
  }

  // Photos chosen while offline wait in IndexedDB, so a reload does not lose them.
  var photoStore = (function () {
    var opened = null;
    function db() {
      if (!window.indexedDB) { return Promise.reject(new Error("no indexedDB")); }
      if (!opened) {
        opened = new Promise(function (resolve, reject) {
          var req = window.indexedDB.open("dudao-visits", 1);
          req.onupgradeneeded = function () { req.result.createObjectStore("photos", { keyPath: "client_id" }); };
          req.onsuccess = function () { resolve(req.result); };
          req.onerror = function () { reject(req.error); };
        });
      }
      return opened;
    }
    function run(mode, work) {
      return db().then(function (d) {
        return new Promise(function (resolve, reject) {
          var tx = d.transaction("photos", mode);
          var req = work(tx.objectStore("photos"));
          tx.oncomplete = function () { resolve(req ? req.result : undefined); };
          tx.onerror = function () { reject(tx.error); };
        });
      });
    }
    return {
      put: function (rec) { return run("readwrite", function (s) { return s.put(rec); }).catch(function () { return null; }); },
      remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }).catch(function () { return null; }); },
      all: function () { return run("readonly", function (s) { return s.getAll(); }).catch(function () { return []; }); }
    };
  })();

  // --- 我的督导: start buttons, drafts left on this phone --------------------------------------------
  function initHome(page) {
    registerWorker(page);
    watchOnline();
    var submitted = readJSON("visit-submitted-ids") || [];
    var start = page.querySelector("form[data-visit-start]");
    // drafts open in the visit form (/visits/field/<id>/), whichever page started them
    var base = page.getAttribute("data-form-base") || (start ? start.getAttribute("action").replace(/start\/$/, "") : "/visits/field/");
    var pending = localDrafts().filter(function (d) {
      if (!d || !d.client_id) { return false; }
      if (submitted.indexOf(d.client_id) !== -1 || d.status === "submitted") { dropLocal(d.client_id); return false; }
      return d.synced === false;
    });
    if (pending.length) {
      var card = page.querySelector("[data-local-drafts]");
      var list = page.querySelector("[data-local-drafts-list]");
      pending.forEach(function (d) {
        var a = el("a", { "class": "list-group-item list-group-item-action py-3", href: base + d.client_id + "/" });
        a.appendChild(el("div", { "class": "fw-bold" }, d.school_name || gettext("督导记录")));
        a.appendChild(el("div", { "class": "small text-secondary" },
          d.submit_requested ? gettext("已点提交，等待联网后自动提交，点击打开同步")
            : gettext("有修改尚未同步到服务器，点击打开同步")));
        list.appendChild(a);
      });
      card.classList.remove("d-none");
    }
    page.querySelectorAll("form[data-visit-start]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        if (form.getAttribute("data-busy")) { return; }
        if (!isOnline()) {
          window.alert(gettext("当前没有网络，开始督导需要联网。已打开的记录可离线填写。"));
          return;
        }
        form.setAttribute("data-busy", "1");
        button.disabled = true;
        button.textContent = gettext("正在定位…");
        form.elements.device_started_at.value = new Date().toISOString();
        var done = false;
        function go(status, position) {
          if (done) { return; }
          done = true;
          form.elements.location_status.value = status;
          if (position) {
            form.elements.latitude.value = position.coords.latitude.toFixed(6);
            form.elements.longitude.value = position.coords.longitude.toFixed(6);
            form.elements.accuracy.value = Math.round(position.coords.accuracy || 0);
          }
          button.textContent = gettext("正在开始…");
          form.submit();
        }
        if (!navigator.geolocation) { go("unavailable"); return; }
        setTimeout(function () { go("unavailable"); }, 12000);
        navigator.geolocation.getCurrentPosition(
          function (position) { go("ok", position); },
          function (error) { go(error && error.code === 1 ? "denied" : "unavailable"); },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    });
  }

  // --- the visit form ------------------------------------------------------------------------------
  function initForm(page) {
    registerWorker(page);
    var form = page.querySelector("[data-visit-form]");
    var urls = readJSON("visit-urls");
    var server = readJSON("visit-draft");
    var clientId = server.client_id;
    var status = page.querySelector("[data-save-status]");
    var submitButton = form.querySelector("[data-submit]");
    var problemList = form.querySelector("[data-problem-list]");
    var problemTemplate = form.querySelector("[data-problem-template]");
    var photoList = form.querySelector("[data-photo-list]");
    var photoInput = page.querySelector("[data-photo-input]");
    var blobs = {};
    var previews = {};
    var rev = 0;
    var savedRev = 0;
    var busy = false;
    var attempts = 0;
    var timer = null;
    var saveTimer = null;
    var stopped = false;
    var submitWanted = false;
    var lastErrors = null;
    var errorsFrom = "";

    // Edits made on this phone and not yet on the server win over the page the server sent; so does
    // the phone's copy of the very version the server holds (it keeps half-typed problems, which the
    // server stores only once they have a deadline).
    var local = loadLocal(clientId);
    var state = server;
    var unsynced = !!(local && local.synced === false && local.status !== "submitted");
    var same = !!(local && local.synced && local.saved_at && local.saved_at === server.saved_at);
    if (unsynced || same) {
      state = local;
      ["server_id", "started_at", "location_status", "distance_m", "school"].forEach(function (k) { state[k] = server[k]; });
    }
    state.school_name = document.querySelector(".page-title") ? document.querySelector(".page-title").textContent.trim() : "";
    state.photos = mergePhotos(server.photos || [], local ? local.photos || [] : []);
    tagFromAnswers();
    if (unsynced) { rev = 1; }
    submitWanted = !!(unsynced && state.submit_requested);

    function mergePhotos(fromServer, fromDevice) {
      var seen = {};
      var out = fromServer.map(function (p) { seen[p.client_id] = true; return p; });
      fromDevice.forEach(function (p) {
        if (!seen[p.client_id] && p.status !== "done") { out.push(p); }
      });
      return out;
    }

    // A campaign item's photos (taken from the item's block): the photo carries its item on this
    // phone, and the draft's answers name it ("answers.<item>.photos": client ids), so the tag
    // survives offline, a reload and the server's copy; the submission makes it the item's evidence.
    function tagFromAnswers() {
      var answers = state.answers || {};
      Object.keys(answers).forEach(function (item) {
        (answers[item].photos || []).forEach(function (id) {
          state.photos.forEach(function (p) { if (p.client_id === id && !p.item) { p.item = item; } });
        });
      });
    }

    function tagAnswers(out) {
      state.photos.forEach(function (p) {
        if (!p.item || p.status === "error" || p.status === "lost") { return; }
        out[p.item] = out[p.item] || {};
        out[p.item].photos = (out[p.item].photos || []).concat([p.client_id]);
      });
      return out;
    }

    // --- reading and writing the form ---
    function readForm() {
      var checked = function (name) {
        return Array.prototype.filter.call(form.querySelectorAll("input[name=" + name + "]"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
      };
      var mode = form.querySelector("input[name=mode]:checked");
      state.mode = mode ? mode.value : "announced";
      state.methods = checked("methods");
      state.topics = checked("topics");
      state.narrative = form.elements.narrative.value;
      state.opinions = form.elements.opinions.value;
      state.refused = form.elements.refused ? form.elements.refused.checked : false;
      state.refusal_note = form.elements.refusal_note ? form.elements.refusal_note.value : "";
      state.problems = problemList ? Array.prototype.map.call(problemList.querySelectorAll("[data-problem]"), function (fs) {
        var row = {};
        fs.querySelectorAll("[data-key]").forEach(function (input) { row[input.getAttribute("data-key")] = input.value; });
        row.photos = chosenPhotos(fs);
        return row;
      }) : [];
      state.answers = readAnswers();
    }

    // A campaign inspection's items (visits/bases.py): inputs named "answers.<item>.<value|choice|note>".
    function readAnswers() {
      var out = {};
      form.querySelectorAll("[data-answer]").forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
        var parts = input.name.split(".");
        if (parts.length !== 3 || input.value === "") { return; }
        out[parts[1]] = out[parts[1]] || {};
        out[parts[1]][parts[2]] = input.value;
      });
      return tagAnswers(out);
    }

    function fillAnswers() {
      var answers = state.answers || {};
      form.querySelectorAll("[data-answer]").forEach(function (input) {
        var parts = input.name.split(".");
        var value = (answers[parts[1]] || {})[parts[2]];
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = value !== undefined && String(value) === input.value;
        } else {
          input.value = value === undefined ? "" : value;
        }
      });
    }

    // A problem's photos: which of the visit's photos show it (they become the finding's evidence).
    function chosenPhotos(fs) {
      return Array.prototype.filter.call(fs.querySelectorAll("[data-photo-choice]"), function (i) { return i.checked; })
        .map(function (i) { return i.value.split(":").pop(); });
    }

    function offeredPhotos() {
      return state.photos.filter(function (p) { return p.status !== "error" && p.status !== "lost"; });
    }

    function renderProblemPhotos(fs, selected) {
      var box = fs.querySelector("[data-problem-photos]");
      box.innerHTML = "";
      var photos = offeredPhotos();
      if (!photos.length) {
        box.appendChild(el("div", { "class": "col-12 small text-secondary" },
          gettext("先在“现场照片”中拍照，再勾选反映该问题的照片；照片将作为问题的佐证材料。")));
        return;
      }
      photos.forEach(function (p) {
        var label = el("label", { "class": "col-4 problem-photo-choice" });
        var box2 = el("input", { type: "checkbox", "class": "form-check-input", value: p.client_id, "data-photo-choice": "" });
        box2.checked = selected.indexOf(p.client_id) !== -1;
        label.appendChild(box2);
        var src = p.url || previews[p.client_id];
        if (src) { label.appendChild(el("img", { "class": "img-fluid rounded", src: src, alt: p.name || gettext("督导照片") })); }
        box.appendChild(label);
      });
    }

    var offeredKey = "";
    function refreshProblemPhotos() {
      var key = offeredPhotos().map(function (p) { return p.client_id + (p.url ? "+" : ""); }).join(",");
      if (key === offeredKey) { return; }
      offeredKey = key;
      if (!problemList) { return; }
      problemList.querySelectorAll("[data-problem]").forEach(function (fs) { renderProblemPhotos(fs, chosenPhotos(fs)); });
    }

    function addProblem(problem) {
      var node = problemTemplate.content.firstElementChild.cloneNode(true);
      if (problem) {  // a new problem keeps the template's values: the proposed deadline among them
        node.querySelectorAll("[data-key]").forEach(function (input) {
          input.value = problem[input.getAttribute("data-key")] || "";
        });
      }
      renderProblemPhotos(node, problem && problem.photos ? problem.photos : []);
      node.querySelector("[data-remove-problem]").classList.remove("d-none");
      problemList.appendChild(node);
      return node;
    }

    function fillForm() {
      form.querySelectorAll("input[name=mode]").forEach(function (i) { i.checked = i.value === state.mode; });
      form.querySelectorAll("input[name=methods]").forEach(function (i) { i.checked = (state.methods || []).indexOf(i.value) !== -1; });
      form.querySelectorAll("input[name=topics]").forEach(function (i) { i.checked = (state.topics || []).indexOf(i.value) !== -1; });
      form.elements.narrative.value = state.narrative || "";
      form.elements.opinions.value = state.opinions || "";
      fillAnswers();
      if (form.elements.refused) {
        form.elements.refused.checked = !!state.refused;
        form.elements.refusal_note.value = state.refusal_note || "";
        toggleRefusal();
      }
      if (problemList) {
        problemList.innerHTML = "";
        (state.problems || []).forEach(function (p) { addProblem(p); });
      }
    }

    function toggleRefusal() {
      if (!form.elements.refused) { return; }
      page.querySelector("[data-refusal-note]").classList.toggle("d-none", !form.elements.refused.checked);
    }

    function persist() {
      state.synced = rev === savedRev;
      if (!storeLocal(state)) { showStatus(gettext("本机存储不可用：请保持联网，内容会直接保存到服务器。"), "warning"); }
    }

    function showStatus(text, tone) {
      status.textContent = text;
      status.className = "small mb-2 " + (tone === "warning" ? "text-warning" : tone === "danger" ? "text-danger" : "text-secondary");
    }

    function describe() {
      if (stopped) { return; }
      var waiting = state.photos.filter(function (p) { return p.status === "pending" || p.status === "failed" || p.status === "uploading"; }).length;
      if (!isOnline()) {
        showStatus(format(submitWanted ? gettext("已保存在本机 %(time)s；当前离线，联网后自动提交。")
          : gettext("已保存在本机 %(time)s；当前离线，联网后自动同步。"), { time: clock() }), "warning");
      } else if (submitWanted) {
        showStatus(waiting ? format(ngettext("正在上传照片（还剩 %(n)s 张），完成后自动提交…",
          "正在上传照片（还剩 %(n)s 张），完成后自动提交…", waiting), { n: waiting }) : gettext("正在提交…"));
      } else if (rev !== savedRev || waiting) {
        showStatus(gettext("已保存在本机，正在同步到服务器…"));
      } else if (lastErrors && Object.keys(lastErrors).length) {
        showStatus(gettext("已保存在服务器，但记录未能提交：请按上方提示修改后再提交。"), "danger");
      } else {
        showStatus(format(gettext("已同步到服务器 %(time)s。"), { time: clock(state.saved_at) }));
      }
    }

    function edited() {
      readForm();
      rev++;
      state.edited_at = new Date().toISOString();
      persist();
      describe();
      clearTimeout(saveTimer);
      saveTimer = setTimeout(pump, 1200);
    }

    // --- errors ---
    function showErrors(errors) {
      lastErrors = errors && Object.keys(errors).length ? errors : null;
      page.querySelectorAll("[data-error-for]").forEach(function (n) { n.textContent = ""; });
      var summary = page.querySelector("[data-error-summary]");
      summary.innerHTML = "";
      var keys = Object.keys(errors || {});
      if (!keys.length) { summary.classList.add("d-none"); return; }
      summary.appendChild(el("div", { "class": "fw-bold mb-1" }, gettext("记录未能提交，请修改以下内容：")));
      var ul = el("ul", { "class": "mb-0" });
      keys.forEach(function (key) {
        errors[key].forEach(function (m) { ul.appendChild(el("li", {}, m)); });
        var slot = page.querySelector("[data-error-for=" + key + "]");
        if (slot) { slot.textContent = errors[key].join(" "); }
      });
      summary.appendChild(ul);
      summary.classList.remove("d-none");
      summary.scrollIntoView({ behavior: "smooth", block: "start" });
    }

    function fatal(message) {
      stopped = true;
      var box = page.querySelector("[data-fatal]");
      box.textContent = message;
      box.classList.remove("d-none");
      showStatus(message, "danger");
      submitButton.disabled = false;
      submitWanted = false;
    }

    // --- photos ---
    function renderPhotos() {
      photoList.innerHTML = "";
      form.querySelectorAll("[data-item-photo-list]").forEach(function (list) { list.innerHTML = ""; });
      state.photos.forEach(function (p) {
        var col = el("div", { "class": "col-6", "data-photo": p.client_id });
        var src = p.url || previews[p.client_id];
        if (!src && blobs[p.client_id] && window.URL) {
          src = previews[p.client_id] = window.URL.createObjectURL(blobs[p.client_id]);
        }
        if (src) { col.appendChild(el("img", { "class": "img-fluid rounded", src: src, alt: p.name || gettext("督导照片") })); }
        var line = el("div", { "class": "small mt-1" });
        if (p.status === "done") {
          line.textContent = gettext("已上传");
          line.className += " text-success";
        } else if (p.status === "uploading") {
          line.textContent = format(gettext("上传中 %(p)s%"), { p: Math.round((p.progress || 0) * 100) });
          var bar = el("div", { "class": "progress progress-sm mt-1" });
          var fill = el("div", { "class": "progress-bar", style: "width:" + Math.round((p.progress || 0) * 100) + "%" });
          bar.appendChild(fill);
          col.appendChild(bar);
        } else if (p.status === "error") {
          line.textContent = p.error || gettext("无法上传");
          line.className += " text-danger";
        } else if (p.status === "lost") {
          line.textContent = gettext("照片未能保存在本机，请重新选择。");
          line.className += " text-danger";
        } else {
          line.textContent = isOnline() ? (p.status === "failed" ? gettext("上传失败，稍后自动重试") : gettext("等待上传"))
            : gettext("离线：联网后自动上传");
          line.className += " text-warning";
        }
        col.appendChild(line);
        if (p.status === "failed") {
          var retry = el("button", { type: "button", "class": "btn btn-sm btn-outline-primary mt-1 me-1" }, gettext("重试"));
          retry.addEventListener("click", function () { attempts = 0; pump(); });
          col.appendChild(retry);
        }
        if (p.status !== "uploading") {
          var remove = el("button", { type: "button", "class": "btn btn-sm btn-ghost-danger mt-1" }, gettext("删除"));
          remove.addEventListener("click", function () { removePhoto(p); });
          col.appendChild(remove);
        }
        var itemList = p.item ? form.querySelector("[data-item-photo-list=\"" + p.item + "\"]") : null;
        (itemList || photoList).appendChild(col);
      });
      refreshProblemPhotos();
    }

    function addPhotos(files, item) {
      Array.prototype.forEach.call(files, function (file) {
        var rec = { client_id: uuid4(), name: file.name, size: file.size, status: "pending", progress: 0 };
        if (item) { rec.item = item; }
        if (PHOTO_TYPES.indexOf((file.type || "").toLowerCase()) === -1) {
          rec.status = "error";
          rec.error = gettext("只支持 JPG、PNG、WebP 格式的照片（HEIC 请在相机设置中选择“兼容性最佳”）。");
        } else if (file.size > MAX_PHOTO) {
          rec.status = "error";
          rec.error = format(gettext("照片过大（%(mb)s MB），单张不超过 15 MB。"), { mb: (file.size / 1048576).toFixed(1) });
        } else {
          blobs[rec.client_id] = file;
          photoStore.put({ client_id: rec.client_id, visit: clientId, blob: file, name: file.name });
        }
        state.photos.push(rec);
      });
      if (item) { edited(); } else { persist(); }  // an item's photo is named in the draft's answers
      renderPhotos();
      describe();
      pump();
    }

    function removePhoto(p) {
      if (p.status !== "done") {
        state.photos = state.photos.filter(function (x) { return x !== p; });
        delete blobs[p.client_id];
        photoStore.remove(p.client_id);
        persist();
        renderPhotos();
        describe();
        return;
      }
      if (!isOnline()) { window.alert(gettext("删除已上传的照片需要联网。")); return; }
      send("POST", urls.photo_remove.replace("00000000-0000-0000-0000-000000000000", p.client_id), {}).then(function (r) {
        if (r.status === 200) {
          state.photos = state.photos.filter(function (x) { return x !== p; });
          persist();
          renderPhotos();
        } else {
          window.alert((r.data && r.data.error) || gettext("照片未能删除。"));
        }
      }, function () { window.alert(gettext("网络不稳定，照片未能删除，请稍后再试。")); });
    }

    function nextPhoto() {
      for (var i = 0; i < state.photos.length; i++) {
        var p = state.photos[i];
        if (p.status === "pending" || p.status === "failed") {
          if (blobs[p.client_id]) { return p; }
          p.status = "lost";
        }
      }
      return null;
    }

    function uploadPhoto(p) {
      var data = new FormData();
      data.append("client_id", p.client_id);
      data.append("caption", p.name || "");
      data.append("file", blobs[p.client_id], p.name || "photo.jpg");
      p.status = "uploading";
      p.progress = 0;
      renderPhotos();
      var lastDraw = 0;
      return send("POST", urls.photos, data, function (share) {
        p.progress = share;
        if (Date.now() - lastDraw > 200) { lastDraw = Date.now(); renderPhotos(); }
      }, 180000).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          p.status = "done";
          p.id = r.data.id;
          p.url = r.data.url;
          delete blobs[p.client_id];
          photoStore.remove(p.client_id);
        } else if (r.status === 401) {
          p.status = "failed";
          fatal(r.data.error);
        } else {
          p.status = "error";
          p.error = (r.data && r.data.error) || format(gettext("照片未能上传（%(status)s）。"), { status: r.status });
          photoStore.remove(p.client_id);
        }
        persist();
        renderPhotos();
      }, function (err) {
        p.status = "failed";
        persist();
        renderPhotos();
        throw err;
      });
    }

    // --- autosave and submit ---
    function payload() {
      var body = {};
      Object.keys(state).forEach(function (k) { if (k !== "photos") { body[k] = state[k]; } });
      return body;
    }

    function save() {
      var sending = rev;
      return send("POST", urls.autosave, payload()).then(function (r) {
        if (r.status === 200) {
          savedRev = sending;
          state.saved_at = r.data.saved_at;
          if (r.data.status === "submitted") { finished(r.data.url); return; }
          if (errorsFrom === "save") { showErrors(null); }  // the submission's messages stay until the next try
        } else if (r.status === 400) {
          savedRev = sending;  // nothing to retry until the next edit
          errorsFrom = "save";
          showErrors(r.data.errors || {});
        } else if (r.status === 401) {
          fatal(r.data.error);
        } else {
          fatal(gettext("这条草稿已不在服务器上（可能已在其他设备删除或提交）。本机内容仍保留。"));
        }
        persist();
        describe();
      });
    }

    function doSubmit() {
      readForm();
      state.device_ended_at = state.device_ended_at || new Date().toISOString();
      var sending = rev;
      return send("POST", urls.submit, payload()).then(function (r) {
        if (r.status === 200) {
          savedRev = sending;
          finished(r.data.url);
          return;
        }
        submitWanted = false;
        state.submit_requested = false;
        submitButton.disabled = false;
        if (r.status === 400) {
          savedRev = sending;
          errorsFrom = "submit";
          showErrors(r.data.errors || {});
          persist();
          showStatus(gettext("记录未能提交：请按提示修改后再提交。"), "danger");
        } else if (r.status === 401) {
          fatal(r.data.error);
        } else {
          fatal(format(gettext("记录未能提交（%(status)s）。本机内容仍保留，请刷新页面后重试。"), { status: r.status }));
        }
      });
    }

    function finished(url) {
      stopped = true;
      dropLocal(clientId);
      if (window.caches) { window.caches.open(CACHE).then(function (c) { c.delete(window.location.pathname); }).catch(function () {}); }
      showStatus(gettext("已提交。"), "");
      window.location.assign(url);
    }

    function schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(pump, delay);
    }

    function pump() {
      if (busy || stopped) { return; }
      if (!isOnline()) { describe(); renderPhotos(); return; }  // the online event starts it again
      var job = null;
      var photo = nextPhoto();
      if (photo) {
        job = uploadPhoto(photo);
      } else if (rev !== savedRev && !submitWanted) {
        job = save();
      } else if (submitWanted) {
        job = doSubmit();
      }
      if (!job) { describe(); return; }
      busy = true;
      describe();
      job.then(function () {
        busy = false;
        attempts = 0;
        pump();
      }, function (err) {
        busy = false;
        if (err && err.network) {
          attempts++;
          var delay = Math.min(60000, 1000 * Math.pow(2, attempts)) + Math.floor(Math.random() * 500);
          showStatus(format(gettext("网络不稳定，已保存在本机，%(s)s 秒后自动重试…"), { s: Math.round(delay / 1000) }), "warning");
          schedule(delay);
        } else {
          fatal(gettext("出现意外错误，本机内容仍保留，请刷新页面后重试。"));
        }
      });
    }

    // --- wiring ---
    fillForm();
    renderPhotos();
    if (problemList) {
      form.querySelector("[data-add-problem]").classList.remove("d-none");
      form.querySelector("[data-add-problem]").addEventListener("click", function () {
        var node = addProblem(null);
        node.querySelector("select").focus();
        edited();
      });
      problemList.addEventListener("click", function (event) {
        var button = event.target.closest("[data-remove-problem]");
        if (button) {
          button.closest("[data-problem]").remove();
          edited();
        }
      });
    }
    function itemPhotoInput(target) { return target && target.hasAttribute && target.hasAttribute("data-item-photo-input"); }
    form.addEventListener("input", function (event) {
      if (event.target === photoInput || itemPhotoInput(event.target)) { return; }
      edited();
    });
    form.addEventListener("change", function (event) {
      if (event.target === photoInput) { return; }
      if (itemPhotoInput(event.target)) {
        var input = event.target;
        if (input.files && input.files.length) { addPhotos(input.files, input.getAttribute("data-item-photo-input")); }
        input.value = "";
        return;
      }
      if (event.target === form.elements.refused) { toggleRefusal(); }
      edited();
    });
    photoInput.addEventListener("change", function () {
      if (photoInput.files && photoInput.files.length) { addPhotos(photoInput.files); }
      photoInput.value = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submitWanted || stopped) { return; }
      submitButton.disabled = true;
      readForm();
      rev++;
      submitWanted = true;
      state.submit_requested = true;
      state.device_ended_at = new Date().toISOString();
      persist();
      pump();
      describe();
    });
    var discard = page.querySelector("[data-discard]");
    discard.addEventListener("click", function (event) {
      if (!window.confirm(gettext("确定删除这份草稿吗？删除后不能恢复。"))) { event.preventDefault(); return; }
      stopped = true;
      dropLocal(clientId);
      state.photos.forEach(function (p) { photoStore.remove(p.client_id); });
    });
    watchOnline(function (online) {
      if (online) { attempts = 0; schedule(0); } else { describe(); renderPhotos(); }
    });
    if (submitWanted) { submitButton.disabled = true; }

    // Photos waiting from an earlier visit to this page come back from IndexedDB.
    photoStore.all().then(function (records) {
      (records || []).forEach(function (rec) {
        if (rec.visit !== clientId) { return; }
        var known = state.photos.filter(function (p) { return p.client_id === rec.client_id; })[0];
        if (!known) {
          photoStore.remove(rec.client_id);
          return;
        }
        if (known.status !== "done") {
          blobs[rec.client_id] = rec.blob;
          if (known.status === "lost" || known.status === "uploading") { known.status = "pending"; }
        }
      });
      state.photos.forEach(function (p) { if (p.status === "uploading") { p.status = "pending"; } });
      persist();
      renderPhotos();
      describe();
      pump();
    });
    describe();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var home = document.querySelector("[data-field-home]");
    if (home) { initHome(home); }
    var page = document.querySelector("[data-visit-page]");
    if (page) { initForm(page); }
  });
})();
