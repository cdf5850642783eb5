// gongkai: 文件传输's uploader, a small tus 1.0.0 client (src/intranet/files/tus.rs is the
// server). Progressive enhancement: without this file the form posts the file as multipart
// (up to 64 MB). With it:
//  - the file goes in chunks (data-chunk bytes, one PATCH each) to data-tus, with the
//    session's CSRF token (data-csrf) in X-CSRF-Token;
//  - a <progress> bar and a percentage show how far it is (the status line is announced);
//  - the upload's address is kept in localStorage under the file's name, size and date, so
//    choosing the same file again after a broken connection or a reload asks the server how
//    much it has (HEAD) and continues from there;
//  - a failed chunk is retried with growing pauses; the page reloads when the file is in.
(function () {
  "use strict";
  var form = document.getElementById("oa-upload");
  if (!form || !window.XMLHttpRequest || !window.localStorage || !window.Blob ||
      !window.TextEncoder || !form.getAttribute("data-tus")) { return; }

  var endpoint = form.getAttribute("data-tus");
  var csrf = form.getAttribute("data-csrf") || "";
  var chunk = parseInt(form.getAttribute("data-chunk"), 10) || 8388608;
  var max = parseInt(form.getAttribute("data-max"), 10) || 0;
  var input = form.querySelector("input[type=file]");
  var button = document.getElementById("oa-upload-go");
  var box = document.getElementById("oa-progress-box");
  var bar = document.getElementById("oa-progress");
  var pct = document.getElementById("oa-progress-text");
  var status = document.getElementById("oa-upload-status");
  var MAX_TRIES = 8;

  function say(text) { status.textContent = text; }

  function show(done, total) {
    var p = total > 0 ? Math.floor(done * 100 / total) : 100;
    bar.value = p;
    bar.textContent = p + "%";
    pct.textContent = p + "%";
  }

  function b64(text) {
    var bytes = new TextEncoder().encode(text);
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return window.btoa(s);
  }

  function keyOf(file) {
    return "oa-upload:" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  // One request; calls back with the XHR (status 0 on a network error).
  function send(method, url, headers, body, onProgress, done) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    x.setRequestHeader("Tus-Resumable", "1.0.0");
    if (method !== "HEAD") { x.setRequestHeader("X-CSRF-Token", csrf); }
    Object.keys(headers).forEach(function (k) { x.setRequestHeader(k, headers[k]); });
    if (onProgress && x.upload) {
      x.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded); } };
    }
    x.onload = function () { done(x); };
    x.onerror = x.onabort = x.ontimeout = function () { done({ status: 0, getResponseHeader: function () { return null; }, responseText: "" }); };
    x.send(body || null);
  }

  function message(x, fallback) {
    try {
      var j = JSON.parse(x.responseText);
      if (j && j.error) { return j.error; }
    } catch (e) { /* not JSON */ }
    return fallback;
  }

  function finish(ok, text) {
    button.disabled = false;
    input.disabled = false;
    say(text);
    if (ok) {
      window.setTimeout(function () { window.location.assign(window.location.pathname + "?done=upload"); }, 600);
    }
  }

  function upload(file) {
    var key = keyOf(file);
    var url = null;
    var offset = 0;
    var tries = 0;

    function retry(why) {
      tries += 1;
      if (tries > MAX_TRIES) {
        finish(false, "上传中断（" + why + "）。已上传的部分会保留，重新选择同一文件即可从断点继续。");
        return;
      }
      var wait = Math.min(30000, 1000 * Math.pow(2, tries - 1));
      say("网络中断，" + Math.round(wait / 1000) + " 秒后第 " + tries + " 次重试……");
      window.setTimeout(function () { resume(); }, wait);
    }

    // Asks the server how far it is, then goes on.
    function resume() {
      send("HEAD", url, {}, null, null, function (x) {
        if (x.status === 200) {
          offset = parseInt(x.getResponseHeader("Upload-Offset"), 10) || 0;
          show(offset, file.size);
          next();
        } else if (x.status === 404 || x.status === 410) {
          window.localStorage.removeItem(key);
          url = null;
          create();
        } else if (x.status === 0 || x.status >= 500) {
          retry("无法连接服务器");
        } else {
          finish(false, message(x, "无法继续上传（" + x.status + "）"));
        }
      });
    }

    function create() {
      var meta = "filename " + b64(file.name) + ",filetype " + b64(file.type || "application/octet-stream");
      send("POST", endpoint, { "Upload-Length": String(file.size), "Upload-Metadata": meta }, null, null, function (x) {
        if (x.status === 201) {
          url = x.getResponseHeader("Location");
          window.localStorage.setItem(key, url);
          offset = 0;
          tries = 0;
          next();
        } else if (x.status === 0 || x.status >= 500) {
          tries += 1;
          if (tries > MAX_TRIES) { finish(false, "无法连接服务器，请稍后再试。"); return; }
          window.setTimeout(create, Math.min(30000, 1000 * Math.pow(2, tries - 1)));
        } else {
          finish(false, message(x, "上传被拒绝（" + x.status + "）"));
        }
      });
    }

    function next() {
      if (offset >= file.size) {
        window.localStorage.removeItem(key);
        show(file.size, file.size);
        finish(true, "上传完成：" + file.name + "。正在刷新文件列表……");
        return;
      }
      var end = Math.min(file.size, offset + chunk);
      var start = offset;
      say("正在上传 " + file.name + "……");
      send("PATCH", url, {
        "Upload-Offset": String(start),
        "Content-Type": "application/offset+octet-stream"
      }, file.slice(start, end), function (loaded) { show(start + loaded, file.size); }, function (x) {
        if (x.status === 204) {
          offset = parseInt(x.getResponseHeader("Upload-Offset"), 10) || end;
          tries = 0;
          show(offset, file.size);
          if (offset >= file.size) { window.localStorage.removeItem(key); }
          next();
        } else if (x.status === 409 || x.status === 423 || x.status === 0 || x.status >= 500) {
          retry(x.status === 0 ? "网络错误" : "服务器返回 " + x.status);
        } else if (x.status === 404 || x.status === 410) {
          window.localStorage.removeItem(key);
          finish(false, message(x, "上传已过期，请重新选择文件上传。"));
        } else {
          finish(false, message(x, "上传失败（" + x.status + "）"));
        }
      });
    }

    button.disabled = true;
    input.disabled = true;
    box.hidden = false;
    show(0, file.size);
    url = window.localStorage.getItem(key);
    if (url) {
      say("发现未完成的上传，正在从断点继续……");
      resume();
    } else {
      create();
    }
  }

  form.addEventListener("submit", function (e) {
    var file = input && input.files && input.files[0];
    if (!file) { return; } // the server says what is missing
    e.preventDefault();
    if (max && file.size > max) {
      say("文件超过单个文件上限，不能上传。");
      return;
    }
    upload(file);
  });
})();
