/*
 * The host page's own behaviour: the acting-user and theme switches, flags and navigation asked for
 * by the app, and the edit and config UIs of custom fields and macros (shown in place of the view).
 */
(function () {
  'use strict';
  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  }

  var select = document.getElementById('acting-user');
  if (select) {
    select.addEventListener('change', function () {
      post('/__host/user', { accountId: select.value }).then(function () {
        window.location.reload();
      });
    });
  }

  // The theme applies to the chrome at once and to each UI when it reloads, as Jira re-themes its apps.
  var colorMode = document.getElementById('color-mode');
  if (colorMode) {
    colorMode.addEventListener('change', function () {
      post('/__host/theme', { colorMode: colorMode.value }).then(function () {
        document.documentElement.setAttribute('data-color-mode', colorMode.value);
        document.querySelectorAll('iframe[data-module-key]').forEach(function (frame) {
          frame.contentWindow.location.reload();
        });
      });
    });
  }

  // The simulated Confluence page: insert a macro (its config dialog opens, as on insert in Confluence), or remove one.
  document.querySelectorAll('button.insert-macro').forEach(function (button) {
    button.addEventListener('click', function () {
      post('/__host/confluence/macros', { moduleKey: button.getAttribute('data-module-key') })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          window.location.assign(window.location.pathname + '?configure=' + encodeURIComponent(answer.localId));
        });
    });
  });
  document.querySelectorAll('button.remove-macro').forEach(function (button) {
    button.addEventListener('click', function () {
      post('/__host/confluence/macros/remove', { localId: button.getAttribute('data-local-id') }).then(function () {
        window.location.reload();
      });
    });
  });

  // An Edit button shows the edit (or config) UI in the frame of the view; close or submit shows the view again.
  document.querySelectorAll('button.switch-frame').forEach(function (button) {
    button.addEventListener('click', function () {
      var frame = document.getElementById(button.getAttribute('data-frame'));
      if (!frame) return;
      if (!frame.hasAttribute('data-view-src')) frame.setAttribute('data-view-src', frame.getAttribute('src'));
      frame.setAttribute('src', button.getAttribute('data-src'));
      frame.setAttribute('data-entry-point', button.getAttribute('data-entry-point'));
      button.hidden = true;
    });
  });

  function frameOf(source) {
    var frames = document.querySelectorAll('iframe[data-module-key]');
    for (var index = 0; index < frames.length; index++) if (frames[index].contentWindow === source) return frames[index];
    return null;
  }

  var flags = document.getElementById('flags');
  function showFlag(shown) {
    if (!flags) return;
    var flag = document.createElement('div');
    flag.className = 'flag flag-' + (shown.type || 'info');
    flag.setAttribute('role', 'status');
    flag.textContent = (shown.title || '') + (shown.description ? ' — ' + shown.description : '');
    flags.appendChild(flag);
    setTimeout(function () { flag.remove(); }, 8000);
  }

  // Where router.navigate/open goes: a URL as given, or a NavigationLocation as Jira resolves it.
  var moduleRoutes = JSON.parse(document.body.getAttribute('data-module-routes') || '{}');
  function urlOf(location) {
    if (typeof location.url === 'string') return location.url;
    if (location.target === 'issue' && typeof location.issueKey === 'string') return '/browse/' + encodeURIComponent(location.issueKey);
    if (location.target === 'module' && typeof location.moduleKey === 'string' && Object.prototype.hasOwnProperty.call(moduleRoutes, location.moduleKey)) {
      var route = moduleRoutes[location.moduleKey];
      if (route.indexOf('{projectKey}') < 0) return route;
      return typeof location.projectKey === 'string' ? route.replace('{projectKey}', encodeURIComponent(location.projectKey)) : null;
    }
    return null;
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || !event.data || event.data.source !== 'pmo-bridge') return;
    var message = event.data;
    if (message.type === 'flag') showFlag(message.flag);
    if (message.type === 'resize' && typeof message.height === 'number') {
      var sized = frameOf(event.source);
      // Pages fill the window already; panels and macros take the height of what they show.
      if (sized && (sized.classList.contains('macro-frame') || sized.classList.contains('issue-panel-frame'))) sized.style.height = Math.min(Math.max(message.height, 80), 20000) + 'px';
    }
    if (message.type === 'navigate') {
      var url = urlOf(message.location || {});
      if (url === null) {
        showFlag({ type: 'error', title: 'The local site cannot open that', description: JSON.stringify(message.location || {}).slice(0, 200) });
      } else if (message.target === 'new-tab') window.open(url, '_blank', 'noopener');
      else window.location.assign(url);
    }
    // The product shows what was saved: the page is read again.
    // Back to the page's views (a dialog opened on insert is the page's ?configure=…).
    var showViews = function () {
      if (/[?&]configure=/.test(window.location.search)) window.location.assign(window.location.pathname);
      else window.location.reload();
    };
    if (message.type === 'submitted') showViews();
    if (message.type === 'close') {
      var frame = frameOf(event.source);
      if (frame && frame.hasAttribute('data-view-src')) showViews();
    }
  });
})();
