// gongkai: progressive enhancement only; every page works without this file.
// Moves focus to the first invalid field so keyboard and screen-reader users land on the problem.
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector('[aria-invalid="true"]');
  if (bad) { bad.focus(); }
});
