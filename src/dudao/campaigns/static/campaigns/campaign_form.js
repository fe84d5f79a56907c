// The plan form: a 督政 campaign takes only the frameworks for governments, the other kinds only the
// school ones. The server checks it again; this only hides the group that does not apply.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=campaign-form]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  var version = form.querySelector("select[name=framework_version]");
  if (!kind || !version) { return; }
  var groups = version.querySelectorAll("optgroup");
  function apply() {
    var government = kind.value === "government";
    groups.forEach(function (group, index) {
      var show = (index === 1) === government;
      group.hidden = !show;
      group.disabled = !show;
      if (!show && group.contains(version.selectedOptions[0] || null)) { version.value = ""; }
    });
  }
  kind.addEventListener("change", apply);
  apply();
})();
