/** The CSP and sandbox the host wraps Custom UI in, from the manifest's permissions. */
import { contentSecurityPolicy, iframeSandbox } from './csp';

const directive = (policy: string, name: string) => policy.split('; ').find((part) => part.startsWith(`${name} `));

test("with no permissions every fetch directive is 'self' only: no eval, no inline script or style, no other host", () => {
  const policy = contentSecurityPolicy({});
  expect(policy.startsWith("default-src 'self'; ")).toBe(true);
  for (const name of ['script-src', 'style-src', 'img-src', 'font-src', 'media-src', 'connect-src', 'frame-src']) expect(directive(policy, name)).toBe(`${name} 'self'`);
  expect(directive(policy, 'object-src')).toBe("object-src 'none'");
  expect(directive(policy, 'frame-ancestors')).toBe("frame-ancestors 'self'");
});

test('permissions.content widens script-src and style-src, keywords quoted, and nothing else', () => {
  const policy = contentSecurityPolicy({ content: { scripts: ['unsafe-eval', "'unsafe-hashes'", 'blob:', 'sha256-abc+/='], styles: ['unsafe-inline'] } });
  expect(directive(policy, 'script-src')).toBe("script-src 'self' 'unsafe-eval' 'unsafe-hashes' blob: 'sha256-abc+/='");
  expect(directive(policy, 'style-src')).toBe("style-src 'self' 'unsafe-inline'");
  expect(directive(policy, 'connect-src')).toBe("connect-src 'self'");
  // Only unsafe-inline may widen styles; a value that would end the directive is dropped.
  expect(directive(contentSecurityPolicy({ content: { styles: ['unsafe-eval'], scripts: ["'self'; script-src *"] } }), 'style-src')).toBe("style-src 'self'");
  expect(directive(contentSecurityPolicy({ content: { scripts: ["x; script-src *"] } }), 'script-src')).toBe("script-src 'self'");
});

test('permissions.external adds its hosts to the matching directive only; fetch.backend is not the browser’s', () => {
  const policy = contentSecurityPolicy({
    external: {
      scripts: ['https://cdn.example.com'],
      styles: [{ address: 'https://fonts.example.com' }],
      images: ['https://*.example.org', { remote: 'my-remote' }],
      fonts: ['https://fonts.example.com'],
      media: ['https://video.example.com'],
      frames: ['https://embed.example.com'],
      fetch: { client: ['https://api.example.com'], backend: ['https://internal.example.com'] },
    },
  });
  expect(directive(policy, 'script-src')).toBe("script-src 'self' https://cdn.example.com");
  expect(directive(policy, 'style-src')).toBe("style-src 'self' https://fonts.example.com");
  expect(directive(policy, 'img-src')).toBe("img-src 'self' https://*.example.org");
  expect(directive(policy, 'font-src')).toBe("font-src 'self' https://fonts.example.com");
  expect(directive(policy, 'media-src')).toBe("media-src 'self' https://video.example.com");
  expect(directive(policy, 'frame-src')).toBe("frame-src 'self' https://embed.example.com");
  expect(directive(policy, 'connect-src')).toBe("connect-src 'self' https://api.example.com");
  expect(policy).not.toContain('internal.example.com');
});

test("the sandbox is Forge's, downloads included, plus only the token the manifest may add", () => {
  expect(iframeSandbox({})).toBe('allow-downloads allow-forms allow-modals allow-pointer-lock allow-same-origin allow-scripts');
  expect(iframeSandbox({ sandbox: ['allow-storage-access-by-user-activation', 'allow-popups', 'allow-top-navigation'] })).toBe(
    'allow-downloads allow-forms allow-modals allow-pointer-lock allow-same-origin allow-scripts allow-storage-access-by-user-activation',
  );
});
