/*
 * The local site's stand-in for Jira's Custom UI bridge. @forge/bridge calls
 * globalThis.__bridge.callBridge(name, payload); Jira answers through its host frame, and here the
 * local site's server answers instead. Loaded before the app's bundle, as Jira injects its bridge.
 */
(function () {
  'use strict';
  var surface = document.documentElement.getAttribute('data-pmo-surface') || '';
  var extension = JSON.parse(document.documentElement.getAttribute('data-pmo-extension') || '{}');

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

  var handlers = {
    invoke: function (payload) {
      // The payload as the app gave it (absent stays absent): the app's resolver judges it, as on Forge.
      return post('/__host/invoke', { surface: surface, extension: extension, functionKey: payload.functionKey, payload: payload.payload });
    },
    getContext: function () {
      return post('/__host/context', { surface: surface, extension: extension });
    },
    enableTheming: function () {
      var mode = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
      document.documentElement.setAttribute('data-color-mode', mode);
      document.documentElement.setAttribute('data-theme', mode + ':' + mode + ' light:light dark:dark spacing:spacing typography:typography');
      return Promise.resolve();
    },
    navigate: function (payload) {
      toHost({ type: 'navigate', url: payload.url, target: payload.type });
      return Promise.resolve();
    },
    open: function (payload) {
      toHost({ type: 'navigate', url: payload.url, target: 'new-tab' });
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

  globalThis.__bridge = {
    callBridge: function (name, payload) {
      var handler = handlers[name];
      if (!handler) return Promise.reject(new Error('The local site does not provide the bridge call "' + name + '".'));
      return handler(payload || {});
    },
  };
})();
