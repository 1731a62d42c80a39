// Builds every Custom UI surface into the folder manifest.yml names for it (static/<surface>/build).
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SURFACES = ['portfolio', 'project', 'report', 'report-config', 'panel', 'settings'];

for (const surface of process.argv.slice(2).length ? process.argv.slice(2) : SURFACES) {
  const root = path.join(here, surface);
  await build({
    root,
    // Relative asset URLs: Forge serves each resource from its own CDN path.
    base: './',
    logLevel: 'warn',
    resolve: { alias: { '@pmo/contract': path.join(here, '..', 'src', 'shared', 'contract.ts') } },
    oxc: { jsx: { runtime: 'automatic' } },
    build: { outDir: path.join(root, 'build'), emptyOutDir: true, chunkSizeWarningLimit: 2000, reportCompressedSize: false },
  });
  console.log(`built static/${surface}/build`);
}
