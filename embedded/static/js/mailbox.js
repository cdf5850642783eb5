// gongkai: the letter form (区长信箱). Progressive enhancement only: without this file the
// form still works (the server takes it once the page has been open a short while).
//  1. Fields with data-max show how many characters are typed, against their limits.
//  2. The form's proof of work: find a number n such that SHA-256(challenge + ":" + n) starts
//     with data-pow-bits zero bits, in small slices so the page stays responsive; put it in
//     pow_nonce. A submit before it is found waits for it, then sends the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow-bits]");
  if (!form) { return; }

  Array.prototype.forEach.call(form.querySelectorAll("[data-max]"), function (el) {
    var out = document.getElementById(el.getAttribute("data-count"));
    if (!out) { return; }
    var min = +el.getAttribute("data-min"), max = +el.getAttribute("data-max");
    function show() {
      var n = Array.from(el.value.trim()).length;
      out.textContent = "已输入 " + n + " 字（" + min + "–" + max + " 字）" +
        (n > max ? "，超出 " + (n - max) + " 字" : n < min && n > 0 ? "，还差 " + (min - n) + " 字" : "");
      out.className = "hint counter" + (n > max || (n > 0 && n < min) ? " over" : "");
    }
    el.addEventListener("input", show);
    show();
  });

  // SHA-256 of an ASCII string, as 32 bytes (FIPS 180-4).
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  var W = new Array(64);
  function sha256(s) {
    var len = s.length, nblocks = ((len + 8) >> 6) + 1, words = new Array(nblocks * 16), i, j;
    for (i = 0; i < words.length; i++) { words[i] = 0; }
    for (i = 0; i < len; i++) { words[i >> 2] |= (s.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8); }
    words[len >> 2] |= 0x80 << (24 - (len & 3) * 8);
    words[words.length - 1] = len * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
      h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (j = 0; j < words.length; j += 16) {
      for (i = 0; i < 64; i++) {
        if (i < 16) { W[i] = words[j + i]; } else {
          var a = W[i - 15], b = W[i - 2];
          var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
          var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
          W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
        }
      }
      var A = h0, B = h1, C = h2, D = h3, E = h4, F = h5, G = h6, H = h7;
      for (i = 0; i < 64; i++) {
        var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
        var t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[i] + W[i]) | 0;
        var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
        var t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
        H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
      }
      h0 = (h0 + A) | 0; h1 = (h1 + B) | 0; h2 = (h2 + C) | 0; h3 = (h3 + D) | 0;
      h4 = (h4 + E) | 0; h5 = (h5 + F) | 0; h6 = (h6 + G) | 0; h7 = (h7 + H) | 0;
    }
    return [h0, h1, h2, h3, h4, h5, h6, h7];
  }
  function zeroBits(words) {
    var n = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i] === 0) { n += 32; continue; }
      return n + Math.clz32(words[i]);
    }
    return n;
  }

  var bits = +form.getAttribute("data-pow-bits");
  var challenge = form.elements.pow_challenge.value;
  var nonceField = form.elements.pow_nonce;
  var status = document.getElementById("pow-status");
  var found = bits === 0, waiting = false, n = 0;
  if (found) { nonceField.value = "0"; }
  function slice() {
    var end = n + 4000;
    for (; n < end; n++) {
      if (zeroBits(sha256(challenge + ":" + n)) >= bits) {
        found = true;
        nonceField.value = String(n);
        if (status) { status.textContent = "安全验证已完成，可以提交。"; }
        if (waiting) { form.submit(); }
        return;
      }
    }
    setTimeout(slice, 0);
  }
  if (!found) { setTimeout(slice, 0); }
  form.addEventListener("submit", function (e) {
    if (found) { return; }
    e.preventDefault();
    waiting = true;
    if (status) { status.textContent = "正在完成安全验证，完成后将自动提交，请稍候…"; }
  });
})();
