/**
 * Reads manifest.yml the way the Forge platform does for the local site: which UI surfaces exist,
 * which resource folder each loads, which exported function answers each function key, and which
 * functions consume queues, run on a schedule or answer product events.
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
    function: z.array(z.object({ key: z.string(), handler: z.string(), timeoutSeconds: z.number().optional() })).default([]),
    consumer: z
      .array(
        z.union([
          z.object({ key: z.string(), queue: z.string(), resolver: z.object({ function: z.string(), method: z.string() }) }),
          z.object({ key: z.string(), queue: z.string(), function: z.string() }),
        ]),
      )
      .default([]),
    scheduledTrigger: z
      .array(z.object({ key: z.string(), function: z.string(), interval: z.enum(['fiveMinute', 'hour', 'day', 'week']) }))
      .default([]),
    trigger: z.array(z.object({ key: z.string(), function: z.string(), events: z.array(z.string()) })).default([]),
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

export function readManifest(appRoot = PROJECT_ROOT): Manifest {
  return manifestSchema.parse(parse(fs.readFileSync(path.join(appRoot, 'manifest.yml'), 'utf8')));
}

export function listSurfaces(manifest: Manifest, appRoot = PROJECT_ROOT): Surface[] {
  const resources = new Map(manifest.resources.map((resource) => [resource.key, resource.path]));
  return (manifest.modules['jira:globalPage'] ?? []).map((module) => {
    const resourcePath = resources.get(module.resource);
    if (!resourcePath) throw new Error(`manifest.yml: module ${module.key} names resource ${module.resource}, which is not declared.`);
    return {
      moduleType: 'jira:globalPage' as const,
      moduleKey: module.key,
      title: module.title,
      resourceKey: module.resource,
      resourceDir: path.join(appRoot, resourcePath),
      resolverFunctionKey: module.resolver?.function ?? null,
    };
  });
}

/** Handler names are `file.export`, relative to src/ as Forge bundles them. */
export type FunctionHandler = (...args: never[]) => unknown;

export interface AppFunction {
  handler: FunctionHandler;
  timeoutSeconds?: number;
}

export function loadFunctionHandlers(manifest: Manifest, appRoot = PROJECT_ROOT): Map<string, AppFunction> {
  const functions = new Map<string, AppFunction>();
  for (const fn of manifest.modules.function) {
    const [file, exportName] = fn.handler.split('.');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: Record<string, unknown> = require(path.join(appRoot, 'src', file));
    const handler = exported[exportName];
    if (typeof handler !== 'function') {
      throw new Error(`manifest.yml: function ${fn.key} names handler ${fn.handler}, but src/${file}.ts does not export ${exportName}.`);
    }
    functions.set(fn.key, { handler: handler as FunctionHandler, timeoutSeconds: fn.timeoutSeconds });
  }
  return functions;
}
