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
  /* Image report: each layer's file tree. The data (every layer's changed paths) is one JSON
     attribute; a layer's tree is put together when its button is first pressed, and a folder's
     list when that folder is first opened, so a layer of 100,000 files costs nothing until then. */
  var treeHolder = document.getElementById("file-tree-data");
  var treeData = null;
  var MARKS = ["", "+", "~", "-"];

  function formatSize(count) {
    if (Math.abs(count) < 1000) {
      return Math.trunc(count) + " B";
    }
    var units = ["kB", "MB", "GB", "TB", "PB"];
    for (var i = 0; i < units.length; i += 1) {
      count /= 1000;
      if (Math.abs(count) < 999.95 || i === units.length - 1) {
        return (Math.abs(count) >= 100 ? count.toFixed(0) : count.toFixed(1)) + " " + units[i];
      }
    }
    return String(count);
  }

  function layerTree(layer) {
    var values = treeData.layers[layer] || [];
    var children = {};
    var info = {};
    var totals = {};
    for (var i = 0; i < values.length; i += 4) {
      var node = values[i];
      info[node] = {change: values[i + 1], size: values[i + 2], hiddenBy: values[i + 3]};
      var size = values[i + 2];
      var current = node;
      totals[current] = (totals[current] || 0) + size;
      while (current !== 0) {
        var parent = treeData.parents[current];
        var known = children[parent];
        if (!known) {
          known = children[parent] = {};
        }
        known[current] = true;
        totals[parent] = (totals[parent] || 0) + size;
        current = parent;
      }
    }
    return {children: children, info: info, totals: totals};
  }

  function item(tree, node) {
    var li = document.createElement("li");
    var details = tree.info[node];
    var isDir = treeData.dirs.charAt(node) === "1";
    var mark = document.createElement("span");
    mark.className = "mark" + (details ? " mark-" + treeData.kinds[details.change - 1] : "");
    mark.textContent = details ? MARKS[details.change] : " ";
    var name = document.createElement(isDir ? "button" : "span");
    name.className = isDir ? "tree-dir" : "tree-file";
    name.textContent = treeData.names[node] + (isDir ? "/" : "");
    var size = document.createElement("span");
    size.className = "tree-size";
    size.textContent = formatSize(tree.totals[node] || 0);
    li.appendChild(mark);
    li.appendChild(name);
    li.appendChild(size);
    if (details && details.hiddenBy >= 0) {
      var hidden = document.createElement("em");
      hidden.className = "tree-hidden";
      hidden.textContent = "hidden by layer " + details.hiddenBy;
      li.appendChild(hidden);
    }
    if (isDir && tree.children[node]) {
      name.setAttribute("aria-expanded", "false");
      name.addEventListener("click", function () {
        var list = li.querySelector("ul");
        if (!list) {
          list = listOf(tree, node);
          li.appendChild(list);
        } else {
          list.hidden = !list.hidden;
        }
        name.setAttribute("aria-expanded", String(!list.hidden));
      });
    }
    return li;
  }

  function listOf(tree, node) {
    var list = document.createElement("ul");
    list.className = "tree";
    var names = treeData.names;
    Object.keys(tree.children[node] || {}).map(Number).sort(function (a, b) {
      return names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0;
    }).forEach(function (child) {
      list.appendChild(item(tree, child));
    });
    return list;
  }

  if (treeHolder) {
    Array.prototype.forEach.call(document.querySelectorAll(".file-tree"), function (box) {
      var button = box.querySelector(".tree-toggle");
      button.addEventListener("click", function () {
        var list = box.querySelector("ul");
        if (!list) {
          treeData = treeData || JSON.parse(treeHolder.dataset.tree);
          list = listOf(layerTree(box.dataset.layer), 0);
          box.appendChild(list);
        } else {
          list.hidden = !list.hidden;
        }
        button.setAttribute("aria-expanded", String(!list.hidden));
      });
    });
  }
  window.addEventListener("hashchange", openLinkedRule);
  openLinkedRule();
  document.documentElement.classList.add("js");
})();
