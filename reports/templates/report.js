/* imagelint HTML report: severity and family filters, and opening a rule's docs when linked to.
   The page works without this script; it only hides what the filters exclude. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.file"));

  function checkedValues(name) {
    var values = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=" + name + "]"), function (input) {
      if (input.checked) {
        values[input.value] = true;
      }
    });
    return values;
  }

  function applyFilters() {
    var severities = checkedValues("severity");
    var families = checkedValues("family");
    var shown = 0;
    findings.forEach(function (item) {
      var visible = Boolean(severities[item.dataset.severity] && families[item.dataset.family]);
      item.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    sections.forEach(function (section) {
      var hasFindings = section.querySelector(".finding") !== null;
      section.hidden = hasFindings && section.querySelector(".finding:not([hidden])") === null;
    });
    var counter = document.getElementById("shown");
    if (counter) {
      counter.textContent = "Showing " + shown + " of " + findings.length + " findings";
    }
  }

  function openLinkedRule() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }

  if (form) {
    form.hidden = false;
    form.addEventListener("change", applyFilters);
    applyFilters();
  }
  window.addEventListener("hashchange", openLinkedRule);
  openLinkedRule();
  document.documentElement.classList.add("js");
})();
