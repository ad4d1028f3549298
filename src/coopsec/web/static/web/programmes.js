/* coopsec — the programme page's small enhancement: drag an activity from the menu search
   onto an objective to plan it. The drop fills in the row's own "Plan for objective" form and
   submits it, so the page works the same without JavaScript (pick, then press "Plan"). */
(function () {
  "use strict";

  document.documentElement.classList.add("has-js");

  var DRAG_TYPE = "text/x-coopsec-activity";

  function rowOf(id) {
    return document.querySelector(".menu-result[data-activity='" + id + "']");
  }

  function targets() {
    return document.querySelectorAll("[data-objective-drop]");
  }

  function showTargets(on) {
    targets().forEach(function (target) {
      var hint = target.querySelector(".drop-hint");
      if (hint) {
        hint.hidden = !on;
      }
      if (!on) {
        target.classList.remove("is-drop-target");
      }
    });
  }

  document.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest(".menu-result[data-activity]");
    if (!row || !event.dataTransfer) {
      return;
    }
    event.dataTransfer.setData(DRAG_TYPE, row.getAttribute("data-activity"));
    event.dataTransfer.setData("text/plain", row.getAttribute("data-activity"));
    event.dataTransfer.effectAllowed = "copy";
    row.classList.add("is-dragging");
    showTargets(true);
  });

  document.addEventListener("dragend", function (event) {
    var row = event.target.closest && event.target.closest(".menu-result");
    if (row) {
      row.classList.remove("is-dragging");
    }
    showTargets(false);
  });

  function dropTarget(event) {
    return event.target.closest && event.target.closest("[data-objective-drop]");
  }

  document.addEventListener("dragover", function (event) {
    var target = dropTarget(event);
    if (target) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      target.classList.add("is-drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var target = dropTarget(event);
    if (target && !target.contains(event.relatedTarget)) {
      target.classList.remove("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var target = dropTarget(event);
    if (!target || !event.dataTransfer) {
      return;
    }
    event.preventDefault();
    showTargets(false);
    var row = rowOf(event.dataTransfer.getData(DRAG_TYPE) || event.dataTransfer.getData("text/plain"));
    var form = row && row.querySelector("form.pick-form");
    var select = form && form.querySelector("select[name='objective']");
    if (!select) {
      return;
    }
    select.value = target.getAttribute("data-objective-drop");
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();
