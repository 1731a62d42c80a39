#!/usr/bin/env node
// The pmo command: runs the TypeScript CLI through tsx so no separate build step is needed.
require('tsx/cjs');
require('../local/cli/main.ts').main(process.argv).catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
