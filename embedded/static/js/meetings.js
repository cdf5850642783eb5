// 会议通知: the sender's table of replies refreshes itself every 15 seconds from
// data-live-src (an HTML fragment of this site). Without scripts the 刷新 link does it.
(function () {
  'use strict';
  var box = document.querySelector('[data-live-src]');
  if (!box || !window.fetch) return;
  var src = box.getAttribute('data-live-src');
  var last = null;
  if (!src || src.charAt(0) !== '/' || src.charAt(1) === '/') return;
  function refresh() {
    if (document.hidden) return;
    fetch(src, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        // Only a change is put in (nothing flickers or is read out again for nothing).
        if (html !== null && html !== last) { last = html; box.innerHTML = html; }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 15000);
})();
