/**
 * Identities the local site gives the app, as Forge would on a real installation.
 * The app id is the one `forge register` wrote into manifest.yml.
 */
export const LOCAL_APP_ID = '5a1d8b52-7f3c-4c3e-9f0e-2b8f6e0c4a11';
export const LOCAL_ENVIRONMENT_ID = '0d6b0c8e-3b7a-4c1e-8f65-7c2d1a9e4b30';
export const LOCAL_INSTALLATION_ID = 'c3f1e2d4-5b6a-4789-9abc-def012345678';
export const LOCAL_CLOUD_ID = '8f3e2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/** How Jira names a Forge custom field in `schema.custom`: the app's extension ARI. */
export function forgeFieldExtensionAri(moduleKey: string): string {
  return `ari:cloud:ecosystem::extension/${LOCAL_APP_ID}/${LOCAL_ENVIRONMENT_ID}/static/${moduleKey}`;
}
