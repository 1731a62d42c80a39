/**
 * What Forge wraps every Custom UI resource in, so that a local test fails where Jira would refuse:
 * the Content-Security-Policy header (built from the manifest's `permissions.content` and
 * `permissions.external`) and the iframe's `sandbox` and `allow` attributes. Sources: Forge's
 * "Permissions" manifest reference (content, external) and "Custom UI iframe" page (sandbox, feature
 * policies); the choices the docs leave open are named in docs/local-site.md.
 */
import type { ManifestPermissions } from './manifest';

/** Forge's sandbox for every Custom UI iframe. No allow-popups or allow-top-navigation: the bridge opens and navigates. */
export const IFRAME_SANDBOX = ['allow-downloads', 'allow-forms', 'allow-modals', 'allow-pointer-lock', 'allow-same-origin', 'allow-scripts'] as const;

/** Forge's feature policies for the iframe. */
export const IFRAME_ALLOW = ['camera', 'clipboard-write', 'display-capture', 'fullscreen', 'microphone'] as const;

/** Extra sandbox tokens the manifest may ask for (`permissions.sandbox`); the schema allows only these. */
const GRANTABLE_SANDBOX = new Set(['allow-storage-access-by-user-activation']);

export function iframeSandbox(permissions: ManifestPermissions): string {
  return [...IFRAME_SANDBOX, ...(permissions.sandbox ?? []).filter((token) => GRANTABLE_SANDBOX.has(token))].join(' ');
}

/** CSP keywords are quoted, schemes and hosts are not: `unsafe-eval` -> `'unsafe-eval'`, `blob:` stays. */
function source(value: string): string | null {
  const trimmed = value.trim().replace(/^'(.*)'$/, '$1');
  if (trimmed === '' || /[\s;,]/.test(trimmed)) return null;
  if (/^(unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|strict-dynamic|none|self)$/.test(trimmed)) return `'${trimmed}'`;
  if (/^(sha256|sha384|sha512|nonce)-[A-Za-z0-9+/=_-]+$/.test(trimmed)) return `'${trimmed}'`;
  return trimmed;
}

type Egress = NonNullable<NonNullable<ManifestPermissions['external']>['images']>;

/** Addresses of `permissions.external` entries; a remote reference names no host for the browser. */
function addresses(list: Egress | undefined): string[] {
  const found: string[] = [];
  for (const entry of list ?? []) {
    const address: unknown = typeof entry === 'string' ? entry : entry.address;
    const parsed = typeof address === 'string' ? source(address) : null;
    if (parsed) found.push(parsed);
  }
  return found;
}

/**
 * The Content-Security-Policy of a Custom UI resource: `default-src 'self'`, each fetch directive
 * widened only by what the manifest declares, and framing only by the host's own pages.
 */
export function contentSecurityPolicy(permissions: ManifestPermissions): string {
  const content = permissions.content ?? {};
  const external = permissions.external ?? {};
  const scripts = (content.scripts ?? []).map(source).filter((value): value is string => value !== null);
  const styles = (content.styles ?? []).includes('unsafe-inline') ? ["'unsafe-inline'"] : [];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...scripts, ...addresses(external.scripts)]],
    ['style-src', ["'self'", ...styles, ...addresses(external.styles)]],
    // The docs name no data: or blob: images or fonts by default: the strict reading, so a local test errs towards failing.
    ['img-src', ["'self'", ...addresses(external.images)]],
    ['font-src', ["'self'", ...addresses(external.fonts)]],
    ['media-src', ["'self'", ...addresses(external.media)]],
    ['connect-src', ["'self'", ...addresses(external.fetch?.client)]],
    ['frame-src', ["'self'", ...addresses(external.frames)]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['frame-ancestors', ["'self'"]],
  ];
  return directives.map(([name, values]) => `${name} ${[...new Set(values)].join(' ')}`).join('; ');
}
