(function () {
  "use strict";
  var box = document.getElementById("filters");
  if (!box) { return; }
  var boxes = Array.prototype.slice.call(box.querySelectorAll("input[name=verdict]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.ref"));
  var shown = document.getElementById("shown");
  var fine = { "ok": true, "no-url": true, "excluded": true };
  function apply(fromHash) {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var n = 0;
    rows.forEach(function (r) {
      var show = on[r.getAttribute("data-verdict")] !== false;
      r.hidden = !show;
      if (show) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " references shown";
    if (!fromHash && window.history && history.replaceState) {
      var picked = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      var hash = picked.length === boxes.length ? "" : "#verdicts=" + picked.join(",");
      try { history.replaceState(null, "", location.pathname + location.search + hash); } catch (e) { /* file: URLs may refuse */ }
    }
  }
  function fromHash() {
    var m = /^#verdicts=([a-z0-9,-]*)$/.exec(location.hash);
    if (!m) { return; }
    var want = {};
    m[1].split(",").forEach(function (v) { want[v] = true; });
    boxes.forEach(function (b) { b.checked = !!want[b.value]; });
  }
  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(false); }); });
  Array.prototype.slice.call(box.querySelectorAll("button[data-preset]")).forEach(function (btn) {
    btn.addEventListener("click", function () {
      var preset = btn.getAttribute("data-preset");
      boxes.forEach(function (b) { b.checked = preset === "all" || (preset === "problems" && !fine[b.value]); });
      apply(false);
    });
  });
  fromHash();
  apply(true);
  box.hidden = false;
})();
