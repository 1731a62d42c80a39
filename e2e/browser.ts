/**
 * The system Chromium driven by playwright-core, with the flags a closed-network machine needs, and
 * a watch that makes a browser test fail on what Jira would show as a broken app: a Content-Security-
 * Policy violation, an uncaught error or an error logged to the console, in any frame of the page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../local/chromium';

export { CHROMIUM_PATH };

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** Something a page did that Jira's users would see as a broken app. */
export interface PageProblem {
  kind: 'csp' | 'pageerror' | 'console';
  /** The URL of the frame it happened in. */
  frame: string;
  text: string;
  /** For a CSP violation: the directive that refused it and what it refused (`eval`, `inline`, a URL). */
  directive?: string;
  blocked?: string;
}

export interface ProblemWatch {
  /** Everything seen so far. */
  all(): PageProblem[];
  /** Removes and returns the problems a test expects (a probe that is meant to be refused). */
  take(expected: (problem: PageProblem) => boolean): PageProblem[];
  /** Throws, listing them, if anything was seen that no test took. */
  expectNone(): void;
}

const BINDING = '__pmoReportProblem';

interface ReportedProblem {
  kind: 'csp' | 'pageerror';
  text: string;
  directive?: string;
  blocked?: string;
}

/**
 * Watches every page and frame of `context` from now on. Install it before the first navigation:
 * the listeners go into each frame before its own scripts run, so nothing a UI does early is missed.
 */
export async function watchForProblems(context: BrowserContext): Promise<ProblemWatch> {
  let problems: PageProblem[] = [];
  await context.exposeBinding(BINDING, (source, reported: ReportedProblem) => {
    problems.push({ ...reported, frame: source.frame.url() });
  });
  // Plain JavaScript, as it runs in each frame before the frame's own scripts.
  await context.addInitScript({
    content: `(() => {
      const report = (problem) => window[${JSON.stringify(BINDING)}] && window[${JSON.stringify(BINDING)}](problem);
      document.addEventListener('securitypolicyviolation', (event) => report({
        kind: 'csp',
        text: event.effectiveDirective + ' refused ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')',
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
      }), true);
      // Errors of every frame, not only the top one's (which pageerror reports).
      if (window !== window.top) {
        window.addEventListener('error', (event) => report({ kind: 'pageerror', text: String(event.message) }));
        window.addEventListener('unhandledrejection', (event) => report({ kind: 'pageerror', text: 'Unhandled rejection: ' + String(event.reason && event.reason.message ? event.reason.message : event.reason) }));
      }
    })();`,
  });
  const watchPage = (page: Page) => {
    page.on('pageerror', (error) => problems.push({ kind: 'pageerror', frame: page.url(), text: error.message }));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push({ kind: 'console', frame: message.location().url || page.url(), text: message.text() });
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return {
    all: () => [...problems],
    take(expected) {
      const taken = problems.filter(expected);
      problems = problems.filter((problem) => !expected(problem));
      return taken;
    },
    expectNone() {
      if (problems.length === 0) return;
      const list = problems.map((problem) => `- ${problem.kind} in ${problem.frame}: ${problem.text}`).join('\n');
      problems = [];
      throw new Error(`The page reported ${list.split('\n').length} problem(s):\n${list}`);
    },
  };
}

/** A page in a context of its own (signed in as nobody yet), watched for problems from its first navigation. */
export async function openWatchedPage(browser: Browser): Promise<{ page: Page; problems: ProblemWatch }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems = await watchForProblems(context);
  return { page: await context.newPage(), problems };
}

/** Fails the test on anything the page did wrong, and closes its context whatever happens. */
export async function closeWatchedPage(page: Page, problems: ProblemWatch): Promise<void> {
  try {
    problems.expectNone();
  } finally {
    await page.context().close();
  }
}
