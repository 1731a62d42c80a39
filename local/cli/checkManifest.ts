/**
 * The offline stand-in for `forge lint`: the manifest validated by @forge/manifest (the package the
 * Forge CLI uses), every function handler exported by src/index.ts and every resource folder built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validate } from '@forge/manifest';
import { loadFunctionHandlers, PROJECT_ROOT, readManifest } from '../site/manifest';

export async function checkManifest(file = path.join(PROJECT_ROOT, 'manifest.yml')): Promise<string[]> {
  const problems: string[] = [];
  const result = await validate(false, file);
  for (const error of result.errors ?? []) {
    problems.push(`manifest.yml:${error.line ?? '?'}:${error.column ?? '?'} ${error.message}`);
  }
  if (!result.success && problems.length === 0) problems.push('manifest.yml did not validate.');
  if (problems.length > 0) return problems;

  const manifest = readManifest(path.dirname(file));
  try {
    loadFunctionHandlers(manifest, path.dirname(file));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const functionKeys = new Set(manifest.modules.function.map((fn) => fn.key));
  for (const validator of manifest.modules['jira:workflowValidator']) {
    if ((validator.function === undefined) === (validator.expression === undefined)) {
      problems.push(`jira:workflowValidator ${validator.key}: give exactly one of function and expression.`);
    } else if (validator.function !== undefined && !functionKeys.has(validator.function)) {
      problems.push(`jira:workflowValidator ${validator.key}: names function ${validator.function}, which is not declared.`);
    }
  }
  for (const resource of manifest.resources) {
    const index = path.join(path.dirname(file), resource.path, 'index.html');
    if (!fs.existsSync(index)) problems.push(`resource ${resource.key}: ${resource.path}/index.html does not exist (run npm run build:ui).`);
  }
  return problems;
}
