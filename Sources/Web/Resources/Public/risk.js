// The risk page: says, as the questions are answered, the level the answers give by the
// instrument's own rules (the first rule that holds), as the server will compute it on saving.
(function () {
  var form = document.getElementById('risk-form');
  var out = document.getElementById('risk-computed');
  if (!form || !out) return;
  var rules = JSON.parse(form.dataset.rules || '[]');
  var names = JSON.parse(form.dataset.levels || '{}');
  var words = form.dataset.words || '{level}';
  function yesAnswers() {
    var yes = [];
    form.querySelectorAll('input[type=radio][value=yes]:checked').forEach(function (input) {
      yes.push(input.name.replace(/^answer_/, ''));
    });
    return yes;
  }
  function level(yes) {
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i];
      if (rule.minYes !== undefined && yes.length < rule.minYes) continue;
      if (rule.allYes && !rule.allYes.every(function (id) { return yes.indexOf(id) >= 0; })) continue;
      if (rule.anyYes && !rule.anyYes.some(function (id) { return yes.indexOf(id) >= 0; })) continue;
      return rule.level;
    }
    return 'low';
  }
  var order = ['low', 'medium', 'high', 'extreme'];
  var select = document.getElementById('risk-level');
  function show() {
    var computed = level(yesAnswers());
    out.textContent = words.replace('{level}', names[computed] || '');
    out.hidden = false;
    // a level may be raised above the one the answers give, never lowered: lower ones are not offered
    if (!select) return;
    Array.prototype.forEach.call(select.options, function (option) {
      option.disabled = option.value !== '' && order.indexOf(option.value) < order.indexOf(computed);
      if (option.disabled && option.selected) select.value = '';
    });
  }
  form.addEventListener('change', show);
  show();
})();
