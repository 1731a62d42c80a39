import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT, readManifest } from './manifest';

/** `npm start` builds what is missing: each resource folder the manifest names needs an index.html. */
export async function buildUiIfMissing(appRoot: string, log: (line: string) => void): Promise<void> {
  const missing = readManifest(appRoot).resources.filter((resource) => !fs.existsSync(path.join(appRoot, resource.path, 'index.html')));
  if (missing.length === 0) return;
  log(`Building the Custom UI (${missing.map((resource) => resource.key).join(', ')})…`);
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'static', 'build.mjs')], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Building the Custom UI failed; run npm run build:ui to see why.');
}
