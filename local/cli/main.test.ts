/** `pmo serve`'s flags for the simulated Jira's knobs (the action is replaced: no site is started). */
import type { Command } from 'commander';
import { buildProgram, oneLineValueError, serveKnobs, type ServeOptions } from './main';

function parseServe(args: string[]): ServeOptions {
  const program = buildProgram();
  const serve = program.commands.find((command) => command.name() === 'serve') as Command;
  let seen: ServeOptions | undefined;
  serve.action((options: ServeOptions) => {
    seen = options;
  });
  for (const command of [program, serve]) {
    command.exitOverride();
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  }
  program.parse(['serve', ...args], { from: 'user' });
  if (!seen) throw new Error('serve did not run');
  return seen;
}

describe('pmo serve knobs', () => {
  it('--jira-max-concurrent sets maxConcurrent', () => {
    const options = parseServe(['--jira-max-concurrent', '10', '--latency', '150']);
    expect(options.jiraMaxConcurrent).toBe(10);
    expect(serveKnobs(options)).toEqual({ latencyMs: 150, maxConcurrent: 10 });
  });

  it('leaves maxConcurrent unlimited without the flag', () => {
    expect(serveKnobs(parseServe([]))).toEqual({});
  });

  it('refuses a limit that is not a whole number of 1 or more', () => {
    for (const bad of ['0', '-2', '1.5', 'many']) expect(() => parseServe(['--jira-max-concurrent', bad])).toThrow(/whole number of 1 or more/);
  });
});

describe('pmo errors', () => {
  /** What `pmo <args>` writes to stderr, with the exit taken over. */
  function stderrOf(args: string[]): string {
    const program = buildProgram();
    let written = '';
    const commands = [program, ...program.commands];
    for (const command of commands) {
      command.exitOverride();
      command.configureOutput({ writeErr: (text) => (written += text), writeOut: () => undefined });
      command.action(() => undefined);
    }
    expect(() => program.parse(args, { from: 'user' })).toThrow();
    return written;
  }

  it('prints one line, without the help, for a value an option refuses', () => {
    expect(stderrOf(['serve', '--data', '/nope.json'])).toBe("error: option '--data <file>': no file at /nope.json\n");
    expect(stderrOf(['report', '--data', '/nope.json'])).toBe("error: option '--data <file>': no file at /nope.json\n");
    expect(stderrOf(['serve', '--jira-max-concurrent', '0'])).toBe("error: option '--jira-max-concurrent <n>': expected a whole number of 1 or more, not 0\n");
    expect(stderrOf(['serve', '--size', 'huge'])).toBe("error: option '--size <size>': 'huge' is invalid. Allowed choices are demo, large.\n");
  });

  it('keeps the help after a usage mistake: an unknown command or option, a missing value', () => {
    for (const args of [['nope'], ['report', '--port', '5'], ['serve', '--data']]) {
      const written = stderrOf(args);
      expect(written).toMatch(/^error: /);
      expect(written).toContain('Usage: pmo');
    }
  });

  it('rewords commander’s message for a refused value, and leaves other messages alone', () => {
    expect(oneLineValueError("error: option '--port <port>' argument 'x' is invalid. a port is a whole number from 0 to 65535, not x")).toBe(
      "error: option '--port <port>': a port is a whole number from 0 to 65535, not x",
    );
    expect(oneLineValueError("error: unknown option '--nope'")).toBe("error: unknown option '--nope'");
  });
});
