/**
 * Reads manifest.yml the way the Forge platform does for the local site: which UI modules exist (of
 * every type the host serves), which resource folder each entry point loads, which exported function
 * answers each function key, which functions consume queues, run on a schedule or answer product
 * events, and which content and egress permissions shape the Custom UI's Content-Security-Policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Every UI module type the host serves, in the order its header lists them. */
export const UI_MODULE_TYPES = ['jira:globalPage', 'jira:projectPage', 'jira:adminPage', 'jira:issuePanel', 'jira:customField', 'macro'] as const;
export type UiModuleType = (typeof UI_MODULE_TYPES)[number];

/** The product page a module type appears on, which decides its route and its context. */
export type Placement = 'global' | 'project' | 'admin' | 'issue' | 'confluence';
export const PLACEMENT: Record<UiModuleType, Placement> = {
  'jira:globalPage': 'global',
  'jira:projectPage': 'project',
  'jira:adminPage': 'admin',
  'jira:issuePanel': 'issue',
  'jira:customField': 'issue',
  macro: 'confluence',
};

const entryPoint = z.looseObject({
  resource: z.string().optional(),
  render: z.string().optional(),
  // jira:customField view: the value function that computes the field on the issue view.
  value: z.looseObject({ function: z.string() }).optional(),
});
const i18nText = z.union([z.string(), z.looseObject({ i18n: z.string() })]);
// Loose: the platform's schema has many more keys, and a key the host does not read must not stop it.
const uiModuleEntry = z.looseObject({
  key: z.string(),
  title: i18nText.optional(),
  name: i18nText.optional(),
  resource: z.string().optional(),
  render: z.string().optional(),
  // `{endpoint}` (Forge remote) has no function: such a module has no resolver here.
  resolver: z.looseObject({ function: z.string().optional() }).optional(),
  view: entryPoint.optional(),
  edit: entryPoint.optional(),
  config: z.union([z.boolean(), entryPoint]).optional(),
  adfExport: z.looseObject({ function: z.string().optional() }).optional(),
  type: z.string().optional(),
  readOnly: z.boolean().optional(),
});

const egressEntry = z.union([z.string(), z.looseObject({ address: z.string() }), z.looseObject({ remote: z.string() })]);
const egressList = z.array(egressEntry).optional();
const permissionsSchema = z.looseObject({
  scopes: z.unknown().optional(),
  content: z.looseObject({ scripts: z.array(z.string()).optional(), styles: z.array(z.string()).optional() }).optional(),
  external: z
    .looseObject({
      fetch: z.looseObject({ client: egressList, backend: egressList }).optional(),
      images: egressList,
      media: egressList,
      scripts: egressList,
      styles: egressList,
      fonts: egressList,
      frames: egressList,
    })
    .optional(),
  sandbox: z.array(z.string()).optional(),
});
export type ManifestPermissions = z.output<typeof permissionsSchema>;

const uiModuleLists = Object.fromEntries(UI_MODULE_TYPES.map((type) => [type, z.array(uiModuleEntry).optional()])) as Record<
  UiModuleType,
  z.ZodOptional<z.ZodArray<typeof uiModuleEntry>>
>;

const manifestSchema = z.object({
  modules: z.looseObject({
    ...uiModuleLists,
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
    // Either a Jira expression or an app function; the simulated Jira runs the functions on transitions.
    'jira:workflowValidator': z
      .array(
        z.looseObject({
          key: z.string(),
          name: z.string(),
          description: z.string().optional(),
          function: z.string().optional(),
          expression: z.string().optional(),
          errorMessage: z.unknown().optional(),
        }),
      )
      .default([]),
  }),
  resources: z.array(z.object({ key: z.string(), path: z.string() })),
  permissions: permissionsSchema.default({}),
  app: z.looseObject({
    id: z.string().optional(),
    storage: z.looseObject({ entities: z.array(z.unknown()).optional() }).optional(),
  }),
});
export type Manifest = z.output<typeof manifestSchema>;

/** A Custom UI resource: the folder the manifest names, served under /__ui/<key>/. */
export interface UiResource {
  key: string;
  /** Absolute folder of the built resource. */
  dir: string;
}

/** The UIs one module has: every module a main view; a custom field an edit UI, a macro a config UI. */
export type EntryPointName = 'view' | 'edit' | 'config';

/** A UI module of the manifest as the host shows it. */
export interface UiModule {
  moduleType: UiModuleType;
  moduleKey: string;
  title: string;
  placement: Placement;
  /**
   * Custom UI entry points. Absent when the module has none the host can serve: a custom field shown
   * by its formatter, or a UI Kit entry (`render: native`), which is not Custom UI.
   */
  entryPoints: Partial<Record<EntryPointName, UiResource>>;
  /** The function that answers this module's invoke calls. */
  resolverFunctionKey: string | null;
  /** jira:customField: the data type (number, string, ...). */
  fieldType?: string;
  /** jira:customField: only the app sets it (no one edits it in Jira's UI or REST API). */
  readOnly?: boolean;
  /** jira:customField: the function that computes its value on the issue view, which Jira then stores. */
  valueFunctionKey?: string;
  /** macro: the function that gives the macro's ADF for the page's PDF and Word export. */
  adfExportFunctionKey?: string;
}

export function readManifest(appRoot = PROJECT_ROOT): Manifest {
  return manifestSchema.parse(parse(fs.readFileSync(path.join(appRoot, 'manifest.yml'), 'utf8')));
}

const textOf = (value: z.output<typeof i18nText> | undefined): string | undefined => (typeof value === 'string' ? value : value?.i18n);

/** Every UI module of the manifest, of every type in UI_MODULE_TYPES, in that order. */
export function listUiModules(manifest: Manifest, appRoot = PROJECT_ROOT): UiModule[] {
  const resources = new Map(manifest.resources.map((resource) => [resource.key, resource.path]));
  const resourceOf = (moduleKey: string, key: string | undefined, render: string | undefined): UiResource | undefined => {
    if (key === undefined || render === 'native') return undefined;
    const resourcePath = resources.get(key);
    if (!resourcePath) throw new Error(`manifest.yml: module ${moduleKey} names resource ${key}, which is not declared.`);
    return { key, dir: path.join(appRoot, resourcePath) };
  };
  const modules: UiModule[] = [];
  for (const moduleType of UI_MODULE_TYPES) {
    for (const entry of manifest.modules[moduleType] ?? []) {
      const entryPoints: UiModule['entryPoints'] = {};
      // A custom field names its UIs under view and edit; every other module names its main one at the top.
      const view = moduleType === 'jira:customField' ? resourceOf(entry.key, entry.view?.resource, entry.view?.render) : resourceOf(entry.key, entry.resource, entry.render);
      if (view) entryPoints.view = view;
      const edit = moduleType === 'jira:customField' ? resourceOf(entry.key, entry.edit?.resource, entry.edit?.render) : undefined;
      if (edit) entryPoints.edit = edit;
      const config = moduleType === 'macro' && typeof entry.config === 'object' ? resourceOf(entry.key, entry.config.resource, entry.config.render) : undefined;
      if (config) entryPoints.config = config;
      modules.push({
        moduleType,
        moduleKey: entry.key,
        title: textOf(entry.title) ?? textOf(entry.name) ?? entry.key,
        placement: PLACEMENT[moduleType],
        entryPoints,
        resolverFunctionKey: entry.resolver?.function ?? null,
        ...(moduleType === 'jira:customField' && entry.type ? { fieldType: entry.type } : {}),
        ...(moduleType === 'jira:customField' && entry.readOnly === true ? { readOnly: true } : {}),
        ...(moduleType === 'jira:customField' && entry.view?.value ? { valueFunctionKey: entry.view.value.function } : {}),
        ...(moduleType === 'macro' && entry.adfExport?.function ? { adfExportFunctionKey: entry.adfExport.function } : {}),
      });
    }
  }
  return modules;
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
