/*
 * The local site's stand-in for Jira's Custom UI bridge. @forge/bridge calls
 * globalThis.__bridge.callBridge(name, payload); Jira answers through its host frame, and here the
 * local site's server answers instead. Loaded before the app's bundle, as Jira injects its bridge.
 * The only thing it tells the site about where it runs is the opaque context id the site put on
 * <html> when it served this UI: the site, like Forge's platform, knows the module, project, issue
 * and user behind it.
 */
(function () {
  'use strict';
  var contextId = document.documentElement.getAttribute('data-forge-context') || '';
  // Atlaskit's token themes, served by the site from its own origin so they pass the app's CSP.
  var THEME_STYLESHEETS = ['atlassian-light', 'atlassian-dark', 'atlassian-shape', 'atlassian-spacing', 'atlassian-typography'];
  var DATA_THEME = 'dark:dark light:light shape:shape spacing:spacing typography:typography';

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer && answer.message ? answer.message : 'The local site failed (' + response.status + ').');
        return answer;
      });
    });
  }

  function toHost(message) {
    if (window.parent && window.parent !== window) window.parent.postMessage(Object.assign({ source: 'pmo-bridge' }, message), window.location.origin);
  }

  function loadStylesheet(name) {
    var present = document.querySelector('link[data-forge-theme="' + name + '"]');
    if (present) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/__host/themes/' + name + '.css';
      link.setAttribute('data-forge-theme', name);
      link.onload = function () { resolve(); };
      link.onerror = function () { reject(new Error('The theme ' + name + ' did not load.')); };
      document.head.appendChild(link);
    });
  }

  var handlers = {
    invoke: function (payload) {
      // The payload as the app gave it (absent stays absent): the app's resolver judges it, as on Forge.
      return post('/__host/invoke', { context: contextId, functionKey: payload.functionKey, payload: payload.payload });
    },
    getContext: function () {
      return post('/__host/context', { context: contextId });
    },
    enableTheming: function () {
      // The theme the host's header chose, not the browser's preference: Jira's setting wins there too.
      return post('/__host/context', { context: contextId }).then(function (context) {
        var mode = context.theme && context.theme.colorMode === 'dark' ? 'dark' : 'light';
        return Promise.all(THEME_STYLESHEETS.map(loadStylesheet)).then(function () {
          document.documentElement.setAttribute('data-color-mode', mode);
          document.documentElement.setAttribute('data-theme', DATA_THEME);
        });
      });
    },
    submit: function (payload) {
      return post('/__host/submit', { context: contextId, payload: payload }).then(function () {
        toHost({ type: 'submitted' });
      });
    },
    close: function () {
      toHost({ type: 'close' });
      return Promise.resolve();
    },
    // A URL or a NavigationLocation ({target: 'module' | 'issue', ...}); the host page resolves it.
    navigate: function (payload) {
      toHost({ type: 'navigate', location: payload, target: payload.type });
      return Promise.resolve();
    },
    open: function (payload) {
      toHost({ type: 'navigate', location: payload, target: 'new-tab' });
      return Promise.resolve();
    },
    showFlag: function (payload) {
      toHost({ type: 'flag', flag: payload });
      return Promise.resolve();
    },
    closeFlag: function () {
      return Promise.resolve();
    },
    refresh: function () {
      window.location.reload();
      return Promise.resolve();
    },
  };

  // An issue panel or a macro grows with its content, as the products size their frames to it.
  if (window.parent !== window && typeof ResizeObserver === 'function') {
    var lastHeight = 0;
    new ResizeObserver(function () {
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (height !== lastHeight) {
        lastHeight = height;
        toHost({ type: 'resize', height: height });
      }
    }).observe(document.documentElement);
  }

  globalThis.__bridge = {
    callBridge: function (name, payload) {
      var handler = handlers[name];
      if (!handler) return Promise.reject(new Error('The local site does not provide the bridge call "' + name + '".'));
      // A submitted field value may be 0, '' or null: it is passed as given.
      return handler(name === 'submit' ? payload : payload || {});
    },
  };
})();
