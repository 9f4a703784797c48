// A form that came back with problems, or that asks to confirm what will be recorded, is
// brought into view and focused: the first field marked invalid, else the confirmation, else a
// form's own error. Without scripts, a notice at the top of the page says where to look.
(function () {
  function land() {
    var target = document.querySelector('[aria-invalid="true"]') || document.querySelector('.confirm') ||
      document.querySelector('form p.error[role=alert]');
    if (!target) return;
    var folded = target.closest('details');
    if (folded) folded.open = true;
    target.scrollIntoView({ block: 'center' });
    var focusable = target.matches('input, select, textarea') ? target : target.querySelector('input:not([type=hidden]), select, textarea, button');
    if (focusable) focusable.focus({ preventScroll: true });
  }
  // a save that lands on a section (…?saved=1#persons) says so there too, not only at the top;
  // a row it lands on is marked
  function confirmHere() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var saved = document.querySelector('main p.notice[role=status]');
    if (!target || !saved || !/[?&]saved=/.test(location.search)) return;
    if (target.tagName === 'TR') { target.classList.add('just-saved'); return; }
    if (target.contains(saved)) return;
    var copy = saved.cloneNode(true);
    copy.removeAttribute('role');
    copy.setAttribute('aria-hidden', 'true'); // a screen reader hears it once, at the top
    target.insertAdjacentElement(target.matches('h1, h2, h3') ? 'afterend' : 'afterbegin', copy);
  }
  function ready() { confirmHere(); land(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
  // a form whose action cannot be undone asks first (data-confirm holds the question)
  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
    // nothing to confirm while a required field is empty: the server's answer says what is missing
    var missing = question && Array.prototype.some.call(event.target.querySelectorAll('[required]'), function (field) {
      return !String(field.value || '').trim();
    });
    if (question && !missing && !window.confirm(question)) event.preventDefault();
  }, true);
})();
