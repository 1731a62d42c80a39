/**
 * Recharts under Forge's Content-Security-Policy: the chart fixture (e2e/fixtures/charts, the kinds of
 * chart the project health view will draw), built with Vite as a Custom UI surface is, is served with
 * the CSP a Custom UI gets once the manifest allows inline styles, and loaded in Chromium. No CSP
 * violation and no page error may happen while the charts render, animate and show a tooltip.
 * (Tried by hand: it draws with no violation even without 'unsafe-inline' styles, since React sets
 * style props through the CSSOM, which CSP does not govern; and it needs no data: or blob: images.)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';

/** Forge's default `default-src 'self'`, plus the inline styles `permissions.content.styles` allows. */
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-charts-'));
let server: http.Server;
let baseUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cspConsole: string[] = [];

beforeAll(async () => {
  const built = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'charts', 'build.mjs'), outDir], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`Building the chart fixture failed:\n${built.stdout}${built.stderr}`);
  server = http.createServer((request, response) => {
    const file = path.join(outDir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html'));
    if (!file.startsWith(outDir) || !fs.existsSync(file)) {
      response.writeHead(404, { 'Content-Security-Policy': CSP }).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP });
    response.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 900, height: 1200 } })).newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspConsole.push(message.text());
  });
  // Injected by the browser, not by the page: the CSP does not apply to it. (Strings: the page's code
  // runs in the browser, and this project's Node tsconfig has no DOM types.)
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample }));
  `);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(outDir, { recursive: true, force: true });
});

const violations = () => page.evaluate<Violation[]>('window.__violations');

test('Recharts draws line and bar charts with tooltips under the Forge CSP, with no violation', async () => {
  const response = await page.goto(`${baseUrl}/`);
  expect(response?.headers()['content-security-policy']).toBe(CSP);

  for (const chart of ['earned-value', 'indices']) {
    await page.locator(`[data-chart="${chart}"] path.recharts-line-curve`).first().waitFor({ timeout: 5_000 });
  }
  await page.locator('[data-chart="forecast"] .recharts-bar-rectangle path').first().waitFor({ timeout: 5_000 });
  await page.locator('[data-chart="throughput"] .recharts-bar-rectangle path').first().waitFor({ timeout: 5_000 });
  expect(await page.locator('[data-chart="earned-value"] path.recharts-line-curve').count()).toBe(3);
  expect(await page.locator('[data-chart="forecast"] .recharts-bar-rectangle').count()).toBe(20);
  expect(await page.locator('[data-chart="throughput"] .recharts-bar-rectangle').count()).toBe(16);

  // The tooltip is a div positioned with inline styles, drawn on hover.
  const box = await page.locator('[data-chart="earned-value"] .recharts-wrapper').boundingBox();
  if (!box) throw new Error('the earned value chart has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('[data-chart="earned-value"] .recharts-tooltip-wrapper .recharts-default-tooltip').waitFor({ timeout: 5_000 });
  // Let the line and bar animations (requestAnimationFrame, attribute updates) run to the end.
  await page.waitForTimeout(1_800);

  expect(await violations()).toEqual([]);
  expect(cspConsole).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 30_000);

test('the same page does report a violation: an inline script is refused', async () => {
  // The control: the listener and the header work, so the empty list above means something.
  await page.evaluate(`{
    const script = document.createElement('script');
    script.textContent = 'window.__ran = true';
    document.body.append(script);
  }`);
  const deadline = Date.now() + 5_000;
  while ((await violations()).length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
  expect((await violations()).map((violation) => violation.directive)).toEqual(['script-src-elem']);
  expect(await page.evaluate('window.__ran')).toBeUndefined();
}, 10_000);
