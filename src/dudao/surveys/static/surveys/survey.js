// Skip logic on the public survey page: a question with data-show-q / data-show-in is shown when
// that earlier question is shown and one of its chosen answers is listed. Hidden questions have
// their inputs disabled, so nothing of theirs is sent (the server re-applies the same rule).
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }
  var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));

  function chosen(code) {
    var inputs = form.querySelectorAll('[name="q-' + code + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      var choice = input.type === "radio" || input.type === "checkbox";
      if (choice && !input.disabled && input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function apply() {
    var shown = {};
    blocks.forEach(function (block) {
      var code = block.getAttribute("data-question");
      var q = block.getAttribute("data-show-q");
      var visible = true;
      if (q) {
        var wanted = JSON.parse(block.getAttribute("data-show-in") || "[]");
        visible = !!shown[q] && chosen(q).some(function (v) { return wanted.indexOf(v) !== -1; });
      }
      block.hidden = !visible;
      Array.prototype.forEach.call(block.querySelectorAll("input, textarea, select"), function (input) {
        input.disabled = !visible;
      });
      if (visible) { shown[code] = true; }
    });
  }

  form.addEventListener("change", apply);
  apply();
})();
