// Job page: poll the job's status and move the progress bar; reload when the job has finished,
// so the page shows its result (or the result page it leads to).
(function () {
  "use strict";
  var bar = document.querySelector("[data-job-progress]");
  if (!bar) { return; }
  var url = bar.getAttribute("data-status-url");
  var percent = document.querySelector("[data-job-percent]");
  var text = document.querySelector("[data-job-text]");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 3000); return; }
        if (job.finished) { window.location.reload(); return; }
        bar.value = job.progress;
        bar.textContent = job.percent;
        if (percent) { percent.textContent = job.percent; }
        if (text) { text.textContent = job.text; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
