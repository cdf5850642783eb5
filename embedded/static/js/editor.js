// gongkai: the staff rich-text editor. Progressive enhancement only: every
// textarea[data-rich] is an ordinary form field without this file; with it, Jodit 4
// (vendored in /static/…/vendor/jodit/) edits the same field and keeps it in step.
// Whatever is posted is cleaned again on the server (src/portal/sanitize.rs).
//
// Attributes on the textarea:
//   data-rich          attach the editor
//   data-upload="URL"  picture upload (POST multipart: csrf first, then revision, then
//                      the files; JSON answer in Jodit's shape). Without it (an unsaved
//                      article) pictures are inserted by address only.
//   data-csrf="TOKEN"  the session's CSRF token (else the form's csrf field is used)
(function () {
  "use strict";
  var Jodit = window.Jodit;
  if (!Jodit || !window.FormData || !document.querySelectorAll) { return; }

  var IMAGE_TYPES = ["jpg", "jpeg", "png", "gif", "webp"];
  var MAX_IMAGE = 10 * 1024 * 1024;

  // ---- clean paste (Word, WPS, web pages): keep structure, drop formatting

  var BLOCK_MAP = { P: "p", DIV: "p", H1: "h2", H2: "h2", H3: "h3", H4: "h4", H5: "h4", H6: "h4",
    BLOCKQUOTE: "blockquote", ADDRESS: "p", PRE: "p", ARTICLE: "p", SECTION: "p", HEADER: "p", FOOTER: "p" };
  var KEEP = { UL: "ul", OL: "ol", LI: "li", TABLE: "table", CAPTION: "caption", THEAD: "thead",
    TBODY: "tbody", TFOOT: "tfoot", TR: "tr", TH: "th", TD: "td", STRONG: "strong", B: "strong",
    EM: "em", I: "em", U: "u", SUB: "sub", SUP: "sup", BR: "br", HR: "hr" };
  var DROP = { STYLE: 1, SCRIPT: 1, META: 1, LINK: 1, TITLE: 1, XML: 1, TEMPLATE: 1, NOSCRIPT: 1,
    IFRAME: 1, OBJECT: 1, EMBED: 1, SVG: 1, MATH: 1, BUTTON: 1, INPUT: 1, SELECT: 1, TEXTAREA: 1,
    COLGROUP: 1, COL: 1, HEAD: 1, "O:P": 1, "V:SHAPETYPE": 1, "V:SHAPE": 1, "W:SDTPR": 1 };
  var BLOCKS = /^(p|h2|h3|h4|blockquote|ul|ol|li|table|caption|thead|tbody|tfoot|tr|th|td|hr)$/;
  var CJK = "[\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f]";
  var CJK_BREAK = new RegExp("(" + CJK + ")[ \\t]*[\\r\\n]+[ \\t]*(?=" + CJK + ")", "g");

  function styleOf(el) { return (el.getAttribute && el.getAttribute("style")) || ""; }

  function alignOf(el) {
    var m = /(?:^|;)\s*text-align\s*:\s*(left|center|right|justify)/i.exec(styleOf(el));
    var a = m ? m[1] : (el.getAttribute("align") || "");
    a = a.toLowerCase();
    return /^(center|right|justify)$/.test(a) ? a : "";
  }

  function textOf(s) {
    return s.replace(CJK_BREAK, "$1").replace(/[\r\n]+/g, " ");
  }

  function isBlank(node) {
    return !node.querySelector("img,br,hr,table") &&
      !/[^\s\u00a0]/.test(node.textContent || "");
  }

  function safeHref(h) {
    h = (h || "").trim();
    return /^(https?:|mailto:|\/(?!\/)|#)/i.test(h) ? h : "";
  }

  function safeSrc(s) {
    s = (s || "").trim();
    return /^(https?:\/\/|\/files\/)/i.test(s) ? s : "";
  }

  // Word list paragraphs: <p style="mso-list:l0 level1 lfo1"><span style="mso-list:Ignore">1.</span>…
  function wordList(el) {
    var m = /mso-list\s*:\s*(l\d+)\s+level(\d+)/i.exec(styleOf(el));
    if (!m) { return null; }
    var marker = "";
    var ign = el.querySelector("[style*='mso-list']");
    if (ign && /mso-list\s*:\s*ignore/i.test(styleOf(ign))) { marker = (ign.textContent || "").trim(); }
    var ordered = /^[(（]?([0-9]+|[a-zA-Z]{1,3}|[ivxlcIVXLC]+|[一二三四五六七八九十百]+)[.)、．）]?$/.test(marker);
    return { id: m[1], level: parseInt(m[2], 10) || 1, ordered: ordered };
  }

  function Cleaner(doc, root) {
    this.doc = doc;
    this.root = root;
    this.droppedImages = 0;
  }

  Cleaner.prototype.el = function (name) { return this.doc.createElement(name); };

  // Appends the cleaned children of `src` to `dst`.
  Cleaner.prototype.children = function (src, dst) {
    var kids = Array.prototype.slice.call(src.childNodes);
    for (var i = 0; i < kids.length; i++) {
      var n = kids[i];
      var list = n.nodeType === 1 ? wordList(n) : null;
      if (list) {
        // A run of Word list paragraphs (white space between them allowed).
        var run = [];
        while (i < kids.length) {
          var k = kids[i];
          var l = k.nodeType === 1 ? wordList(k) : null;
          if (l) { run.push([k, l]); i++; continue; }
          if (k.nodeType === 3 && !/\S/.test(k.nodeValue)) { i++; continue; }
          if (k.nodeType === 8) { i++; continue; }
          break;
        }
        i--;
        this.list(run, dst);
        continue;
      }
      this.node(n, dst);
    }
  };

  Cleaner.prototype.list = function (run, dst) {
    var stack = [];
    for (var i = 0; i < run.length; i++) {
      var p = run[i][0], info = run[i][1];
      while (stack.length > info.level) { stack.pop(); }
      while (stack.length < info.level) {
        var lst = this.el(info.ordered ? "ol" : "ul");
        if (stack.length === 0) {
          dst.appendChild(lst);
        } else {
          var top = stack[stack.length - 1];
          var host = top.lastChild || top.appendChild(this.el("li"));
          host.appendChild(lst);
        }
        stack.push(lst);
      }
      var li = this.el("li");
      this.children(p, li);
      stack[stack.length - 1].appendChild(li);
    }
  };

  Cleaner.prototype.node = function (n, dst) {
    if (n.nodeType === 3) {
      var t = textOf(n.nodeValue);
      var parentName = dst.nodeName.toLowerCase();
      if (!/\S/.test(t) && (dst === this.root || /^(ul|ol|table|thead|tbody|tfoot|tr)$/.test(parentName))) { return; }
      dst.appendChild(this.doc.createTextNode(t));
      return;
    }
    if (n.nodeType !== 1) { return; } // comments, Word's <![if …]> and the like
    var name = n.nodeName.toUpperCase();
    var style = styleOf(n);
    if (DROP[name] || /mso-list\s*:\s*ignore/i.test(style) || /display\s*:\s*none/i.test(style)) { return; }
    if (name.indexOf(":") > 0) { this.children(n, dst); return; } // w:…, st1:… wrappers
    var out = null;
    if (BLOCK_MAP[name]) {
      // A div that holds blocks is only a wrapper (Word's <div class=WordSection1>).
      if ((name === "DIV" || name === "SECTION" || name === "ARTICLE") &&
          n.querySelector("p,div,h1,h2,h3,h4,h5,h6,table,ul,ol,blockquote")) {
        this.children(n, dst);
        return;
      }
      out = this.el(BLOCK_MAP[name]);
    } else if (name === "B" && /font-weight\s*:\s*(normal|400)/i.test(style)) {
      this.children(n, dst); // Google Docs' wrapper
      return;
    } else if (KEEP[name]) {
      out = this.el(KEEP[name]);
      if (name === "TD" || name === "TH") {
        ["colspan", "rowspan"].forEach(function (a) {
          var v = parseInt(n.getAttribute(a) || "", 10);
          if (v > 1 && v < 1000) { out.setAttribute(a, String(v)); }
        });
        var scope = (n.getAttribute("scope") || "").toLowerCase();
        if (name === "TH" && /^(row|col|rowgroup|colgroup)$/.test(scope)) { out.setAttribute("scope", scope); }
      }
      if (name === "OL") {
        var start = parseInt(n.getAttribute("start") || "", 10);
        if (start > 1) { out.setAttribute("start", String(start)); }
      }
    } else if (name === "A") {
      var href = safeHref(n.getAttribute("href"));
      if (!href || href.charAt(0) === "#") { this.children(n, dst); return; }
      out = this.el("a");
      out.setAttribute("href", href);
    } else if (name === "IMG") {
      var src = safeSrc(n.getAttribute("src"));
      if (!src) { this.droppedImages++; return; }
      out = this.el("img");
      out.setAttribute("src", src);
      out.setAttribute("alt", n.getAttribute("alt") || "");
      dst.appendChild(out);
      return;
    } else if (name === "SPAN" || name === "FONT") {
      // Formatting that carries meaning survives as tags; the rest of the span goes.
      var wrap = dst;
      if (/font-weight\s*:\s*(bold|[6-9]00)/i.test(style)) { wrap = wrap.appendChild(this.el("strong")); }
      if (/font-style\s*:\s*italic/i.test(style)) { wrap = wrap.appendChild(this.el("em")); }
      if (/text-decoration[^;]*underline/i.test(style)) { wrap = wrap.appendChild(this.el("u")); }
      this.children(n, wrap);
      return;
    } else {
      this.children(n, dst); // anything else: keep the text, lose the tag
      return;
    }
    var align = alignOf(n);
    if (align && /^(p|h2|h3|h4|td|th|caption|li|blockquote)$/.test(out.nodeName.toLowerCase())) {
      out.style.textAlign = align; // CSSOM, not markup: allowed by the CSP; a class on the server
    }
    if (out.nodeName !== "BR" && out.nodeName !== "HR") { this.children(n, out); }
    // A block inside a paragraph is not allowed: put it after the paragraph instead.
    if (BLOCKS.test(out.nodeName.toLowerCase()) && dst.nodeName === "P") {
      dst.parentNode ? dst.parentNode.appendChild(out) : dst.appendChild(out);
      return;
    }
    dst.appendChild(out);
  };

  // Removes what is left empty, tidies cells that hold one paragraph, and puts loose
  // inline content between blocks into paragraphs.
  function tidy(root) {
    Array.prototype.slice.call(root.querySelectorAll("p,h2,h3,h4,strong,em,u,sub,sup,li,ul,ol,blockquote"))
      .reverse()
      .forEach(function (el) {
        if (!el.parentNode || !isBlank(el)) { return; }
        if (/^(STRONG|EM|U|SUB|SUP)$/.test(el.nodeName) && /\s/.test(el.textContent)) {
          el.parentNode.replaceChild(el.ownerDocument.createTextNode(" "), el);
        } else {
          el.parentNode.removeChild(el);
        }
      });
    Array.prototype.forEach.call(root.querySelectorAll("td,th"), function (cell) {
      var ps = cell.querySelectorAll(":scope > p");
      if (ps.length === 1 && cell.children.length === 1 && !ps[0].style.textAlign) {
        while (ps[0].firstChild) { cell.insertBefore(ps[0].firstChild, ps[0]); }
        cell.removeChild(ps[0]);
      }
    });
    Array.prototype.forEach.call(root.querySelectorAll("p,li,td,th,h2,h3,h4,caption"), function (el) {
      // Trim the white space Word leaves at both ends of a block.
      var f = el.firstChild, l = el.lastChild;
      if (f && f.nodeType === 3) { f.nodeValue = f.nodeValue.replace(/^[\s\u00a0]+/, ""); }
      if (l && l.nodeType === 3) { l.nodeValue = l.nodeValue.replace(/[\s\u00a0]+$/, ""); }
    });
    var hasBlock = Array.prototype.some.call(root.children, function (el) {
      return BLOCKS.test(el.nodeName.toLowerCase());
    });
    if (hasBlock) {
      var run = null;
      Array.prototype.slice.call(root.childNodes).forEach(function (n) {
        var inline = n.nodeType === 3 || !BLOCKS.test(n.nodeName.toLowerCase());
        if (!inline) { run = null; return; }
        if (n.nodeType === 3 && !/[^\s\u00a0]/.test(n.nodeValue)) { root.removeChild(n); return; }
        if (!run) { run = root.ownerDocument.createElement("p"); root.insertBefore(run, n); }
        run.appendChild(n);
      });
    }
    return hasBlock;
  }

  // Cleans a pasted HTML fragment: { root, blocks, droppedImages }.
  function cleanPaste(html) {
    var src = new DOMParser().parseFromString(html, "text/html");
    var doc = document.implementation.createHTMLDocument("");
    var root = doc.createElement("div");
    var c = new Cleaner(doc, root);
    c.children(src.body, root);
    var blocks = tidy(root);
    // One plain paragraph is a phrase: it goes in where the cursor is.
    var only = root.children.length === 1 && root.childNodes.length === 1 ? root.firstElementChild : null;
    if (only && only.nodeName === "P" && !only.style.textAlign) {
      while (only.firstChild) { root.insertBefore(only.firstChild, only); }
      root.removeChild(only);
      blocks = false;
    }
    return { root: root, blocks: blocks, droppedImages: c.droppedImages };
  }

  // Inserts cleaned content: blocks go after the current paragraph (replacing it when
  // it is empty), never inside it; inline content goes where the cursor is.
  function insertClean(editor, root, blocks) {
    var html = root.innerHTML;
    if (!html) { return; }
    if (!blocks) { editor.s.insertHTML(html); return; }
    var cur = editor.s.current();
    var el = cur && (cur.nodeType === 1 ? cur : cur.parentNode);
    var block = el && el.closest ? el.closest("p,h1,h2,h3,h4,h5,h6,blockquote,pre,li") : null;
    if (block && !editor.editor.contains(block)) { block = null; }
    var empty = block && !/[^\s\u00a0\u200b\ufeff]/.test(block.textContent || "") && !block.querySelector("img,table");
    if (block) { editor.s.setCursorAfter(block); }
    editor.s.insertHTML(html);
    if (empty && block.parentNode) {
      block.parentNode.removeChild(block);
      editor.synchronizeValues();
    }
  }

  function escapeText(t) {
    return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Plain text: paragraphs at blank lines, line breaks within.
  function textToHtml(t) {
    return t.replace(/\r\n?/g, "\n").split(/\n\s*\n/).filter(function (p) { return /\S/.test(p); })
      .map(function (p) { return "<p>" + escapeText(p.trim()).replace(/\n/g, "<br>") + "</p>"; })
      .join("");
  }

  window.gongkaiCleanPaste = function (html) { return cleanPaste(html).root.innerHTML; };

  // ---- the editor

  function labelFor(ta) {
    return ta.id ? document.querySelector("label[for='" + ta.id + "']") : null;
  }

  function attach(ta) {
    var form = ta.form;
    var uploadUrl = ta.getAttribute("data-upload") || "";
    var csrfInput = form ? form.querySelector("input[name='csrf']") : null;
    var csrf = ta.getAttribute("data-csrf") || (csrfInput ? csrfInput.value : "");
    var label = labelFor(ta);

    var buttons = [
      "paragraph", "|", "bold", "italic", "underline", "|", "ul", "ol", "outdent", "indent", "align",
      "|", "table", "link", "image", "hr", "|", "eraser", "undo", "redo", "|", "source", "fullsize"
    ];
    var options = {
      language: "zh_cn",
      i18n: {
        zh_cn: {
          "Alternative text": "替代文字（图片说明）",
          "Alternative": "替代文字",
          "Insert Image": "插入图片",
          "Upload": "上传图片",
          "URL": "网址",
          "Src": "图片地址",
          "Drop image": "将图片拖到这里",
          "or click": "或点击选择（jpg、png、gif、webp，不超过 10 MB）"
        }
      },
      theme: "default",
      toolbarAdaptive: false,
      toolbarSticky: true,
      buttons: buttons,
      buttonsMD: buttons,
      buttonsSM: buttons,
      buttonsXS: buttons,
      controls: {
        paragraph: {
          list: Jodit.atom({ p: "正文", h2: "一级标题", h3: "二级标题", h4: "三级标题" })
        },
        ul: { list: null },
        ol: { list: null }
      },
      height: 520,
      minHeight: 300,
      enter: "p",
      spellcheck: false,
      showCharsCounter: true,
      showWordsCounter: false,
      showXPathInStatusbar: false,
      hidePoweredByJodit: true,
      showPlaceholder: false,
      disablePlugins: ["ai-assistant", "speech-recognize", "about", "print", "preview", "video",
        "media", "file", "paste-storage", "spellcheck", "search"],
      // Nothing from a CDN: the source view is a plain textarea, no beautifier.
      sourceEditor: "area",
      beautifyHTML: false,
      // Paste: our own cleaner below, never a question.
      processPasteHTML: false,
      askBeforePasteHTML: false,
      askBeforePasteFromWord: false,
      processPasteFromWord: false,
      defaultActionOnPaste: "insert_as_html",
      nl2brInPlainText: true,
      link: { noFollowCheckbox: false, openInNewTabCheckbox: false, modeClassName: "" },
      imageDefaultWidth: null,
      image: { editSrc: true, editTitle: false, editAlign: false, editMargins: false,
        editClass: false, editStyle: false, editId: false, editBorderRadius: false,
        editLink: false, showPreview: true, useImageEditor: false },
      table: { selectCells: true },
      // Cell and picture tools that would only set styles the server drops anyway.
      popup: {
        cells: Jodit.atom((Jodit.defaultOptions.popup.cells || []).filter(function (b) {
          var n = typeof b === "string" ? b : b.name;
          return n !== "brushCell" && n !== "valign";
        })),
        img: Jodit.atom((Jodit.defaultOptions.popup.img || []).filter(function (b) {
          var n = typeof b === "string" ? b : b.name;
          return n === "delete" || n === "pencil";
        }))
      },
      enableDragAndDropFileToEditor: !!uploadUrl,
      uploader: uploaderOptions(uploadUrl, csrf, form)
    };
    var editor = Jodit.make(ta, options);

    // Paste: clean every HTML fragment (Word, WPS, web pages) without asking; plain
    // text becomes paragraphs. Files (a picture from the clipboard) go to the uploader.
    editor.e.on("beforePaste", function (e) {
      var dt = e && (e.clipboardData || (e.originalEvent && e.originalEvent.clipboardData));
      if (!dt) { return; }
      var html = dt.getData("text/html");
      var text = dt.getData("text/plain");
      if (html && /\S/.test(html)) {
        var r = cleanPaste(html);
        insertClean(editor, r.root, r.blocks);
        if (r.droppedImages) {
          editor.message.info("粘贴内容中有 " + r.droppedImages + " 张图片无法直接带入，请用“插入图片”上传。", 6000);
        }
        return false;
      }
      if (text && /\S/.test(text)) {
        var p = cleanPaste(textToHtml(text));
        insertClean(editor, p.root, p.blocks);
        return false;
      }
    });

    // The label names the editing area, and clicking it goes there.
    var area = editor.editor;
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    if (label) {
      area.setAttribute("aria-label", (label.textContent || "").trim());
      label.addEventListener("click", function (ev) { ev.preventDefault(); editor.s.focus(); });
    }
    var hint = ta.getAttribute("aria-describedby");
    if (hint) { area.setAttribute("aria-describedby", hint); }

    // Saved alignment comes back as classes; the editor works with text-align.
    Array.prototype.forEach.call(area.querySelectorAll("[class*='align-']"), function (el) {
      var m = /(?:^|\s)align-(left|center|right|justify)(?:\s|$)/.exec(el.className);
      if (m) {
        el.classList.remove("align-" + m[1]);
        if (!el.className) { el.removeAttribute("class"); }
        el.style.textAlign = m[1];
      }
    });
    editor.synchronizeValues();

    // The textarea is the form field: make sure it holds the latest text on submit.
    if (form) {
      form.addEventListener("submit", function () {
        if (editor.getMode && editor.getMode() === Jodit.constants.MODE_SOURCE) {
          editor.setMode(Jodit.constants.MODE_WYSIWYG);
        }
        ta.value = editor.value;
      });
    }
    ta.gongkaiEditor = editor;
    ta.setAttribute("data-rich-ready", "1");
    return editor;
  }

  function uploaderOptions(url, csrf, form) {
    if (!url) {
      // An unsaved article: no upload tab, pictures by address only.
      return { url: "", insertImageAsBase64URI: false, imagesExtensions: IMAGE_TYPES };
    }
    return {
      url: url,
      insertImageAsBase64URI: false,
      imagesExtensions: IMAGE_TYPES,
      format: "json",
      filesVariableName: function (i) { return "image" + (i ? i : ""); },
      // Our server reads the csrf field first, before any file.
      buildData: function (data) {
        var fd = new FormData();
        fd.append("csrf", csrf);
        var rev = form && form.querySelector("input[name='revision']");
        if (rev) { fd.append("revision", rev.value); }
        data.forEach(function (v, k) {
          if (typeof v !== "string") { fd.append(k, v, v.name); }
        });
        return fd;
      },
      beforeUpload: function (files) {
        for (var i = 0; i < files.length; i++) {
          var f = files[i];
          if (f && f.size > MAX_IMAGE) {
            this.j.message.error("“" + f.name + "”超过 10 MB，未上传。请压缩后再试", 6000);
            return false;
          }
        }
        return true;
      },
      // fetch, so an error status still gives us the server's JSON message.
      customUploadFunction: function (fd, showProgress) {
        showProgress(10);
        return fetch(url, {
          method: "POST",
          body: fd,
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (r) {
          showProgress(100);
          return r.json().catch(function () {
            var why = r.status === 413 ? "图片过大" : "服务器未能处理";
            return { success: false, data: { messages: ["上传失败（" + r.status + "）：" + why] } };
          });
        }, function () {
          showProgress(100);
          return { success: false, data: { messages: ["上传失败：网络连接中断，请重试"] } };
        });
      },
      isSuccess: function (resp) { return !!(resp && resp.success); },
      getMessage: function (resp) {
        var m = resp && resp.data && resp.data.messages;
        return m && m.length ? m.join("；") : "上传失败";
      },
      process: function (resp) {
        var d = resp.data || {};
        // The upload saved the item (its picture list) as a new revision: every form on
        // the page that was at the revision before it moves on with it. A form at an
        // older revision keeps it, so a real edit conflict is still reported on save.
        if (d.revision !== undefined && d.base !== undefined) {
          Array.prototype.forEach.call(document.querySelectorAll("input[name='revision']"), function (rev) {
            if (rev.value === String(d.base)) { rev.value = String(d.revision); }
          });
        }
        return { files: d.files || [], isImages: d.isImages || [], baseurl: d.baseurl || "",
          messages: d.messages || [], code: d.code };
      },
      defaultHandlerSuccess: function (resp) {
        var j = this.j || this;
        (resp.files || []).forEach(function (file) {
          j.s.insertImage((resp.baseurl || "") + file, null, null);
        });
      },
      error: function (e) { this.j.message.error(e.message, 6000); },
      defaultHandlerError: function (e) { this.j.message.error(e.message, 6000); }
    };
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich]"), function (ta) {
      if (!ta.getAttribute("data-rich-ready")) {
        try { attach(ta); } catch (e) { if (window.console) { console.error(e); } }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
