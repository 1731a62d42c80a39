/** How tests reach the host's pages: the route of each UI module's page, and what its iframes carry. */
import { ACTING_USER_COOKIE, CONFLUENCE_PAGE } from '../local/site/host';
import type { UiModule } from '../local/site/manifest';

export const actingAs = (accountId: string): Record<string, string> => ({ Cookie: `${ACTING_USER_COOKIE}=${encodeURIComponent(accountId)}` });

/** The page a module appears on, as docs/local-site.md lists the routes. */
export function pagePathOf(module: UiModule, modules: readonly UiModule[], where: { projectKey: string; issueKey: string }): string {
  switch (module.placement) {
    case 'global':
      return modules.find((candidate) => candidate.placement === 'global') === module ? '/' : `/apps/${module.moduleKey}`;
    case 'project':
      return `/projects/${where.projectKey}/apps/${module.moduleKey}`;
    case 'admin':
      return `/settings/apps/${module.moduleKey}`;
    case 'issue':
      return `/browse/${where.issueKey}`;
    case 'confluence':
      return CONFLUENCE_PAGE.path;
  }
}

export interface RenderedFrame {
  id: string;
  moduleKey: string;
  entryPoint: string;
  src: string;
  contextId: string;
  sandbox: string;
  allow: string;
}

const attribute = (tag: string, name: string): string => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? '';

/** The app iframes of a host page, and the edit or config UIs its buttons switch them to. */
export function framesOf(html: string): RenderedFrame[] {
  return [...html.matchAll(/<iframe\s[^>]*>/g)].map(([tag]) => {
    const src = attribute(tag, 'src').replace(/&#38;/g, '&');
    return {
      id: attribute(tag, 'id'),
      moduleKey: attribute(tag, 'data-module-key'),
      entryPoint: attribute(tag, 'data-entry-point'),
      src,
      contextId: /[?&]context=([0-9a-f]+)/.exec(src)?.[1] ?? '',
      sandbox: attribute(tag, 'sandbox'),
      allow: attribute(tag, 'allow'),
    };
  });
}

/** The sources the page's Edit buttons load into a frame: {frame id, entry point, src}. */
export function switchesOf(html: string): { frame: string; entryPoint: string; src: string; contextId: string }[] {
  return [...html.matchAll(/<button\s[^>]*class="switch-frame"[^>]*>/g)].map(([tag]) => {
    const src = attribute(tag, 'data-src').replace(/&#38;/g, '&');
    return { frame: attribute(tag, 'data-frame'), entryPoint: attribute(tag, 'data-entry-point'), src, contextId: /[?&]context=([0-9a-f]+)/.exec(src)?.[1] ?? '' };
  });
}

/**
 * Saves a macro's config through its config dialog, as a person does: opens the page with the dialog of
 * the macro `localId` (the first on the page when not given) and submits `config` from it.
 */
export async function configureMacro(siteUrl: string, accountId: string, moduleKey: string, config: object, localId?: string): Promise<string> {
  const page = await (await fetch(`${siteUrl}${CONFLUENCE_PAGE.path}`, { headers: actingAs(accountId) })).text();
  const ids = [...page.matchAll(new RegExp(`data-testid="macro-${moduleKey}" data-local-id="([^"]+)"`, 'g'))].map((match) => match[1]);
  const target = localId ?? ids[0];
  if (!target) throw new Error(`No ${moduleKey} macro on the page`);
  const dialog = framesOf(await (await fetch(`${siteUrl}${CONFLUENCE_PAGE.path}?configure=${target}`, { headers: actingAs(accountId) })).text()).find(
    (frame) => frame.moduleKey === moduleKey && frame.entryPoint === 'config',
  );
  if (!dialog) throw new Error(`The page shows no config dialog of ${moduleKey} ${target}`);
  const saved = await fetch(`${siteUrl}/__host/submit`, {
    method: 'POST',
    headers: { ...actingAs(accountId), 'Content-Type': 'application/json' },
    body: JSON.stringify({ context: dialog.contextId, payload: { config } }),
  });
  if (saved.status !== 200) throw new Error(`Saving the config of ${moduleKey} answered ${saved.status}: ${await saved.text()}`);
  return target;
}
