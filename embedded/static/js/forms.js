// gongkai: staff forms. Progressive enhancement only: without this file every form works as
// before, and typed text is still kept server-side when a session ends (src/http/kept.rs).
//  1. A form kept when its session or page ran out (#kept-form) is put back into the form it
//     was posted from.
//  2. Forms marked data-guard warn before the page is left with unsaved changes.
//  3. A form with data-autosave="URL" sends its unsaved text there 15 seconds after a change
//     and once more when the page is hidden; each send also counts as activity, so typing
//     keeps the session alive (within its absolute limit).
(function () {
  "use strict";
  if (!document.querySelector || !window.FormData || !window.URLSearchParams) { return; }

  var AUTOSAVE_MS = 15000;
  var dirty = false;

  function formFor(action) {
    for (var i = 0; i < document.forms.length; i++) {
      if (document.forms[i].getAttribute("action") === action) { return document.forms[i]; }
    }
    return null;
  }

  function fill(form, fields) {
    var byName = {};
    fields.forEach(function (kv) { (byName[kv[0]] = byName[kv[0]] || []).push(kv[1]); });
    Object.keys(byName).forEach(function (name) {
      var values = byName[name];
      var next = 0;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name || el.name === "csrf" || /^(file|password|submit|button)$/.test(el.type)) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) >= 0;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
        } else if (next < values.length) {
          el.value = values[next++];
        }
      });
    });
  }

  function restoreKept() {
    var data = document.getElementById("kept-form");
    if (!data) { return; }
    try {
      var kept = JSON.parse(data.textContent);
      var form = formFor(kept.action);
      if (form) { fill(form, kept.fields); dirty = true; }
    } catch (e) { /* a page without the form: the message still says what happened */ }
  }

  function guard() {
    var forms = document.querySelectorAll("form[data-guard]");
    if (!forms.length) { return; }
    Array.prototype.forEach.call(forms, function (f) {
      f.addEventListener("input", function () { dirty = true; });
      f.addEventListener("change", function () { dirty = true; });
      f.addEventListener("submit", function () { dirty = false; });
    });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  function fields(form) {
    var p = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") { p.append(k, v); } });
    return p;
  }

  function autosave() {
    var form = document.querySelector("form[data-autosave]");
    if (!form) { return; }
    var url = form.getAttribute("data-autosave");
    var last = fields(form).toString();
    var timer = null;
    var status = document.createElement("p");
    status.className = "hint autosave-status";
    status.setAttribute("role", "status");
    form.appendChild(status);

    function send(leaving) {
      timer = null;
      var body = fields(form);
      var text = body.toString();
      if (text === last) { return; }
      last = text;
      if (leaving && navigator.sendBeacon) { navigator.sendBeacon(url, body); return; }
      fetch(url, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
        var t = new Date();
        var hm = ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2);
        status.textContent = r.ok && !r.redirected
          ? "已自动保存（" + hm + "），尚未正式保存。"
          : "自动保存未成功：登录可能已过期。点击保存时内容会保留，重新登录后即可继续。";
      }).catch(function () {
        status.textContent = "自动保存未成功：网络连接中断。请不要关闭本页。";
      });
    }

    form.addEventListener("input", function () {
      if (!timer) { timer = window.setTimeout(function () { send(false); }, AUTOSAVE_MS); }
    });
    form.addEventListener("submit", function () {
      if (timer) { window.clearTimeout(timer); timer = null; }
      last = fields(form).toString();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) { send(true); }
    });
  }

  function start() { restoreKept(); guard(); autosave(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
