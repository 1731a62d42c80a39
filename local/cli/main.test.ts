/** `pmo serve`'s flags for the simulated Jira's knobs (the action is replaced: no site is started). */
import type { Command } from 'commander';
import { buildProgram, serveKnobs, type ServeOptions } from './main';

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
