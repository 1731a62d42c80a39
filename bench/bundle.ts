/**
 * Bundle-size benchmark of the Custom UI: `npm run bench:bundle` (also part of `npm run bench`).
 * For each surface folder in static/ (a folder with an index.html), the JavaScript it loads: the sum
 * of every .js file in static/<surface>/build, raw and gzipped (node's zlib at its default level, each
 * file on its own, as a CDN serves them), and its largest chunk. The target is at most 350 kB gzipped
 * per surface (kB = 1,000 bytes, as Vite reports sizes); a surface over it is marked. Prints figures,
 * it is not a test.
 *
 * Builds first (static/build.mjs) any surface whose build is missing or older than its inputs (its
 * own folder, static/shared, the build script, the backend contract the UI imports, the installed
 * packages); `--rebuild` builds every surface.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..');
const STATIC = path.join(ROOT, 'static');
const TARGET_GZIP_BYTES = 350_000;

interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

/** Every file under `dir` (recursively), skipping the folders named in `skip`. */
function filesUnder(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : filesUnder(full, skip);
    return entry.isFile() ? [full] : [];
  });
}

function newestMtime(files: string[]): number {
  return files.reduce((newest, file) => Math.max(newest, fs.statSync(file).mtimeMs), 0);
}

/** Surface folders: static/<name>/index.html. */
function surfaces(): string[] {
  return fs
    .readdirSync(STATIC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(STATIC, entry.name, 'index.html')))
    .map((entry) => entry.name)
    .sort();
}

/** A build is fresh when it exists and is newer than every file it is built from. */
function isFresh(surface: string): boolean {
  const built = path.join(STATIC, surface, 'build', 'index.html');
  if (!fs.existsSync(built)) return false;
  const inputs = [
    ...filesUnder(path.join(STATIC, surface), new Set(['build', 'node_modules'])),
    ...filesUnder(path.join(STATIC, 'shared')),
    path.join(STATIC, 'build.mjs'),
    path.join(STATIC, 'vite-env.d.ts'),
    path.join(ROOT, 'src', 'shared', 'contract.ts'),
    path.join(ROOT, 'package.json'),
    path.join(ROOT, 'package-lock.json'),
    // Rewritten by every npm install / npm ci: a change of installed packages.
    path.join(ROOT, 'node_modules', '.package-lock.json'),
  ].filter((file) => fs.existsSync(file));
  return newestMtime(inputs) <= fs.statSync(built).mtimeMs;
}

function build(names: string[]): void {
  console.log(`Building static/{${names.join(',')}}/build…`);
  const result = spawnSync(process.execPath, [path.join(STATIC, 'build.mjs'), ...names], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('Building the Custom UI failed; run npm run build:ui to see why.');
    process.exit(1);
  }
}

function jsSizes(buildDir: string): FileSize[] {
  return filesUnder(buildDir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const content = fs.readFileSync(file);
      return { file: path.relative(buildDir, file), raw: content.length, gzip: zlib.gzipSync(content).length };
    });
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

function main(): void {
  const all = surfaces();
  const stale = process.argv.includes('--rebuild') ? all : all.filter((surface) => !isFresh(surface));
  if (stale.length > 0) build(stale);

  console.log(`\nCustom UI bundle sizes: JavaScript per surface, gzipped with zlib at its default level (6), target <= ${kB(TARGET_GZIP_BYTES)} gzipped\n`);
  const rows = [['surface', 'files', 'total', 'gzipped', 'largest chunk', 'its size', 'gzipped', '']];
  for (const surface of all) {
    const sizes = jsSizes(path.join(STATIC, surface, 'build'));
    if (sizes.length === 0) {
      rows.push([surface, '0', '-', '-', '(no build)', '-', '-', '']);
      continue;
    }
    const raw = sizes.reduce((sum, size) => sum + size.raw, 0);
    const gzip = sizes.reduce((sum, size) => sum + size.gzip, 0);
    const largest = sizes.reduce((max, size) => (size.raw > max.raw ? size : max));
    const verdict = gzip > TARGET_GZIP_BYTES ? `OVER TARGET by ${kB(gzip - TARGET_GZIP_BYTES)}` : 'OK';
    rows.push([surface, String(sizes.length), kB(raw), kB(gzip), largest.file, kB(largest.raw), kB(largest.gzip), verdict]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    console.log(
      `  ${row
        .map((cell, column) => (column === 0 || column === 4 || column === 7 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  ')
        .trimEnd()}`,
    );
  }
}

main();
