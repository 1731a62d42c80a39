/**
 * Reads manifest.yml the way the Forge platform does for the local site: which UI surfaces exist,
 * which resource folder each loads, and which exported function answers each function key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const functionRef = z.object({ function: z.string() });
const uiModule = z.object({ key: z.string(), resource: z.string(), title: z.string(), resolver: functionRef.optional() });

const manifestSchema = z.object({
  modules: z.looseObject({
    'jira:globalPage': z.array(uiModule).optional(),
    function: z.array(z.object({ key: z.string(), handler: z.string() })).default([]),
    consumer: z.array(z.object({ key: z.string(), queue: z.string(), resolver: z.object({ function: z.string(), method: z.string() }) })).optional(),
    scheduledTrigger: z.array(z.object({ key: z.string(), function: z.string(), interval: z.string() })).optional(),
    trigger: z.array(z.object({ key: z.string(), function: z.string(), events: z.array(z.string()) })).optional(),
  }),
  resources: z.array(z.object({ key: z.string(), path: z.string() })),
  app: z.looseObject({
    storage: z.looseObject({ entities: z.array(z.unknown()).optional() }).optional(),
  }),
});
export type Manifest = z.output<typeof manifestSchema>;

/** A page of the app as the host shows it. */
export interface Surface {
  moduleType: 'jira:globalPage';
  moduleKey: string;
  title: string;
  resourceKey: string;
  /** Absolute folder of the built resource. */
  resourceDir: string;
  /** The function that answers this surface's invoke calls. */
  resolverFunctionKey: string | null;
}

export function readManifest(file = path.join(PROJECT_ROOT, 'manifest.yml')): Manifest {
  return manifestSchema.parse(parse(fs.readFileSync(file, 'utf8')));
}

export function listSurfaces(manifest: Manifest): Surface[] {
  const resources = new Map(manifest.resources.map((resource) => [resource.key, resource.path]));
  return (manifest.modules['jira:globalPage'] ?? []).map((module) => {
    const resourcePath = resources.get(module.resource);
    if (!resourcePath) throw new Error(`manifest.yml: module ${module.key} names resource ${module.resource}, which is not declared.`);
    return {
      moduleType: 'jira:globalPage' as const,
      moduleKey: module.key,
      title: module.title,
      resourceKey: module.resource,
      resourceDir: path.join(PROJECT_ROOT, resourcePath),
      resolverFunctionKey: module.resolver?.function ?? null,
    };
  });
}

/** Handler names are `file.export`, relative to src/ as Forge bundles them. */
export type FunctionHandler = (...args: never[]) => unknown;

export function loadFunctionHandlers(manifest: Manifest): Map<string, FunctionHandler> {
  const handlers = new Map<string, FunctionHandler>();
  for (const fn of manifest.modules.function) {
    const [file, exportName] = fn.handler.split('.');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: Record<string, unknown> = require(path.join(PROJECT_ROOT, 'src', file));
    const handler = exported[exportName];
    if (typeof handler !== 'function') {
      throw new Error(`manifest.yml: function ${fn.key} names handler ${fn.handler}, but src/${file}.ts does not export ${exportName}.`);
    }
    handlers.set(fn.key, handler as FunctionHandler);
  }
  return handlers;
}
