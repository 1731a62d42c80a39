/* The host page's own behaviour: the acting-user switch, flags and navigation asked for by the app. */
(function () {
  'use strict';
  var select = document.getElementById('acting-user');
  if (select) {
    select.addEventListener('change', function () {
      fetch('/__host/user', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ accountId: select.value }),
      }).then(function () {
        window.location.reload();
      });
    });
  }

  var flags = document.getElementById('flags');
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || !event.data || event.data.source !== 'pmo-bridge') return;
    var message = event.data;
    if (message.type === 'flag' && flags) {
      var flag = document.createElement('div');
      flag.className = 'flag flag-' + (message.flag.type || 'info');
      flag.setAttribute('role', 'status');
      flag.textContent = (message.flag.title || '') + (message.flag.description ? ' — ' + message.flag.description : '');
      flags.appendChild(flag);
      setTimeout(function () { flag.remove(); }, 8000);
    }
    if (message.type === 'navigate' && typeof message.url === 'string') {
      if (message.target === 'new-tab') window.open(message.url, '_blank', 'noopener');
      else window.location.assign(message.url);
    }
  });
})();
