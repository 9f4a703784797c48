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
  function show() {
    out.textContent = words.replace('{level}', names[level(yesAnswers())] || '');
    out.hidden = false;
  }
  form.addEventListener('change', show);
  show();
})();
