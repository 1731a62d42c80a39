/**
 * The host pages' HTML: Jira's (or Confluence's) chrome around the app's iframes. Pure functions of
 * what the router decided; every value that reaches the markup is escaped here.
 */
import type { HostUser } from './host';

export type ColorMode = 'light' | 'dark';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Atlaskit's `data-theme` for a color mode: the themes the stylesheets under /__host/themes/ answer to. */
export const THEME_IDS = { dark: 'dark', light: 'light', shape: 'shape', spacing: 'spacing', typography: 'typography' } as const;
export const DATA_THEME = Object.entries(THEME_IDS)
  .map(([kind, id]) => `${kind}:${id}`)
  .join(' ');
/** The stylesheets that hold those themes' token values, as @atlaskit/tokens names them. */
export const THEME_STYLESHEETS = ['atlassian-light', 'atlassian-dark', 'atlassian-shape', 'atlassian-spacing', 'atlassian-typography'] as const;

export interface NavLink {
  href: string;
  label: string;
  current: boolean;
}

export interface FrameSpec {
  /** Element id; page modules use "app-frame", as Jira has one app per page. */
  id: string;
  title: string;
  src: string;
  moduleKey: string;
  entryPoint: string;
  sandbox: string;
  allow: string;
  className: string;
}

export function frameHtml(frame: FrameSpec): string {
  return `<iframe id="${escapeHtml(frame.id)}" title="${escapeHtml(frame.title)}" class="${escapeHtml(frame.className)}" src="${escapeHtml(frame.src)}" data-module-key="${escapeHtml(frame.moduleKey)}" data-entry-point="${escapeHtml(frame.entryPoint)}" sandbox="${escapeHtml(frame.sandbox)}" allow="${escapeHtml(frame.allow)}"></iframe>`;
}

export interface LayoutOptions {
  title: string;
  product: 'Jira' | 'Confluence';
  nav: NavLink[];
  users: HostUser[];
  user: HostUser | null;
  colorMode: ColorMode;
  notice?: string;
  /** The page's own markup, already escaped. */
  main: string;
  /** Where each page module is, for the bridge's navigation to `{target: 'module', moduleKey}`. */
  moduleRoutes: Record<string, string>;
}

export function layout(options: LayoutOptions): string {
  const nav = options.nav.map((link) => `<a href="${escapeHtml(link.href)}"${link.current ? ' aria-current="page"' : ''}>${escapeHtml(link.label)}</a>`).join('');
  const userOptions = options.users
    .map((candidate) => `<option value="${escapeHtml(candidate.accountId)}"${candidate.accountId === options.user?.accountId ? ' selected' : ''}>${escapeHtml(candidate.displayName)} (${escapeHtml(candidate.emailAddress)})</option>`)
    .join('');
  const choose = options.user ? '' : '<option value="" selected disabled>Choose a user</option>';
  const modes = (['light', 'dark'] as const).map((mode) => `<option value="${mode}"${mode === options.colorMode ? ' selected' : ''}>${mode === 'light' ? 'Light' : 'Dark'}</option>`).join('');
  const stylesheets = THEME_STYLESHEETS.map((name) => `<link rel="stylesheet" href="/__host/themes/${name}.css">`).join('');
  return `<!doctype html>
<html lang="en" data-color-mode="${options.colorMode}" data-theme="${DATA_THEME}"><head><meta charset="utf-8"><title>${escapeHtml(options.title)} · ${options.product} (local site)</title>
<link rel="icon" href="/__host/favicon.svg">${stylesheets}<link rel="stylesheet" href="/__host/host.css"></head>
<body data-module-routes="${escapeHtml(JSON.stringify(options.moduleRoutes))}">
<header><span class="product">${options.product} · local site</span><nav>${nav}</nav><span class="spacer"></span>
<label>Theme<select id="color-mode" data-testid="color-mode">${modes}</select></label>
<label>Acting as<select id="acting-user" data-testid="acting-user">${choose}${userOptions}</select></label></header>
${options.notice ? `<div class="notice">${escapeHtml(options.notice)}</div>` : ''}
${options.main}
<div id="flags" aria-live="polite"></div>
<script src="/__host/host.js"></script>
</body></html>`;
}

/** A page the host refuses or cannot find: the same chrome, a message, no app. */
export function messageMain(testId: string, heading: string, text: string): string {
  return `<main class="refused" role="alert" data-testid="${escapeHtml(testId)}"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p></main>`;
}
