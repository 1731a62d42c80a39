/**
 * Resolver of the settings admin page (jira:adminPage, the app's configuration page): the PMO's
 * settings and the audit log. Every write is checked on the server (src/resolvers/settings/settings.ts).
 */
import { z } from 'zod';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import { accountIdSchema, daySchema } from '../../settings/schema';
import { searchUsers } from '../../jira/users';
import type { AuditFilter, AuditQueryRequest, BudgetImportRequest, PeopleSearchRequest, SettingsImportRequest, SettingsResolvers, SettingsSaveRequest } from '../../shared/contract';
import { answered, ResolverFailure, type Caller } from '../envelope';
import { moneyPermission } from '../pmoEditors';
import { getSettings } from '../../settings/store';
import { surfaceResolver, type SurfaceHandlers } from '../surface';
import { importBudgetsAs, previewBudgetImport } from './budgets';
import { exportAuditCsv, exportSettings, importSettingsAs, readAudit, readSettingsView, saveSettingsAs } from './settings';

const nothing: z.ZodType<Record<string, never>> = z.strictObject({});
const expectedVersion = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The document itself is validated whole by the settings schema, which names each wrong path. */
const saveSchema: z.ZodType<SettingsSaveRequest> = z.strictObject({ expectedVersion, document: z.unknown() });
const importSchema: z.ZodType<SettingsImportRequest> = z.strictObject({ expectedVersion, json: z.string().max(190_000, 'the file is larger than settings can hold') });

/** A file of at most 10,000 rows fits well inside this; its rows are checked by src/budgets/csvImport.ts. */
const budgetImportSchema: z.ZodType<BudgetImportRequest> = z.strictObject({ csv: z.string().max(2_000_000, 'the file is larger than 2 MB') });

const filterShape = {
  accountId: accountIdSchema.optional(),
  projectKey: projectKeySchema.optional(),
  fromDay: daySchema.optional(),
  toDay: daySchema.optional(),
};
const inOrder = (filter: AuditFilter) => filter.fromDay === undefined || filter.toDay === undefined || filter.fromDay <= filter.toDay;
const auditFilterSchema: z.ZodType<AuditFilter> = z.strictObject(filterShape).refine(inOrder, { message: 'fromDay must not be after toDay', path: ['toDay'] });
const auditQuerySchema: z.ZodType<AuditQueryRequest> = z
  .strictObject({ ...filterShape, cursor: z.string().min(1).max(2000).optional(), limit: z.number().int().min(1).max(100).optional() })
  .refine(inOrder, { message: 'fromDay must not be after toDay', path: ['toDay'] });

const peopleSchema: z.ZodType<PeopleSearchRequest> = z.strictObject({ query: z.string().trim().min(1, 'type the start of a name').max(100, 'must be at most 100 characters') });

const deps = () => ({ user: jiraAsUser() });

/**
 * Refuses the caller before a settings key runs. The admin page needs none (only Jira administrators
 * open it); the portfolio page's Settings view, which everyone can open, admits only PMO editors, since
 * the settings hold people's rates.
 */
type SettingsGuard = (caller: Caller) => Promise<void>;

const anyone: SettingsGuard = async () => {};

export const pmoEditorsOnly: SettingsGuard = async (caller) => {
  const { document } = await getSettings();
  const permission = await moneyPermission(caller.accountId, document);
  if (!permission.allowed) throw new ResolverFailure('FORBIDDEN', `${permission.reason} Ask a Jira administrator to add you to the PMO editor group.`);
};

/** The settings page's keys, each checked by `guard` first and by its own write checks after. */
export function settingsHandlers(guard: SettingsGuard): SurfaceHandlers<SettingsResolvers> {
  const checked =
    <P, T>(fn: (payload: P, caller: Caller) => Promise<T>) =>
    async (payload: P, caller: Caller): Promise<T> => {
      await guard(caller);
      return fn(payload, caller);
    };
  return {
    'settings/get': answered(nothing, checked((_payload, caller) => readSettingsView(deps(), caller.accountId))),
    'settings/save': answered(saveSchema, checked((payload, caller) => saveSettingsAs(deps(), caller.accountId, payload, Date.now()))),
    'settings/export': answered(nothing, checked(() => exportSettings(deps()))),
    'settings/import': answered(importSchema, checked((payload, caller) => importSettingsAs(deps(), caller.accountId, payload, Date.now()))),
    'audit/query': answered(auditQuerySchema, checked((payload, caller) => readAudit(deps(), caller.accountId, payload))),
    'audit/csv': answered(auditFilterSchema, checked((payload, caller) => exportAuditCsv(deps(), caller.accountId, payload, Date.now()))),
    // Asked of Jira as the viewer: they find only the people Jira lets them look up.
    'settings/people': answered(
      peopleSchema,
      checked(async (payload) => ({
        people: (await searchUsers(jiraAsUser(), payload.query)).filter((user) => user.displayName !== '').map((user) => ({ accountId: user.accountId, displayName: user.displayName })),
      })),
    ),
    'budgets/preview': answered(budgetImportSchema, checked((payload, caller) => previewBudgetImport(deps(), caller.accountId, payload.csv))),
    'budgets/import': answered(budgetImportSchema, checked((payload, caller) => importBudgetsAs(deps(), caller.accountId, payload.csv, Date.now()))),
  };
}

export const settingsPage = surfaceResolver<SettingsResolvers>(settingsHandlers(anyone));

export const handler = settingsPage.handler;
