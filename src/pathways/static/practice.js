// Optional: a running clock on the practice desk. The page works without it.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer || !timer.dataset.started) { return; }
  var started = new Date(timer.dataset.started);
  if (isNaN(started.getTime())) { return; }
  function tick() {
    var seconds = Math.max(0, Math.floor((Date.now() - started.getTime()) / 1000));
    timer.textContent = "Time on this case: " + Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }
  tick();
  window.setInterval(tick, 1000);
}());
