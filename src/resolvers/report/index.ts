/**
 * Resolver of the status report macro (Confluence `macro`) and its config dialog, and the macro's export
 * to PDF and Word (`adfExport`). The macro's config and its id come from the platform's context, never the
 * payload. A live report is today's figures; a frozen one a record stored under the macro's id, never
 * changed afterwards. Every answer shows the viewer only the projects they may browse in Jira: the others
 * keep their place with a message, and nothing of them reaches the totals, the agenda or the export.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import type { JiraClient } from '../../jira/client';
import { jiraAsUser } from '../../jira/forge';
import { browsableProjectIds } from '../../jira/permissions';
import { dayOfInstant, isoDay } from '../../metrics/model';
import { assembleReport } from '../../reports/assemble';
import { reportToAdf, type AdfDocument } from '../../reports/adf';
import { buildParts } from '../../reports/build';
import {
  REPORT_SECTIONS,
  type FreezeReportRequest,
  type ReportChoices,
  type ReportProjectPart,
  type StatusReportConfig,
  type StatusReportRequest,
  type StatusReportResolvers,
  type StatusReportView,
} from '../../shared/contract';
import { listSnapshots } from '../../store/snapshots';
import { listRecords, localIdSchemaPattern, readRecord, saveRecord } from '../../store/statusReports';
import { answered, ResolverFailure } from '../envelope';
import { surfaceResolver } from '../surface';

const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'a Jira project key');
const isoDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'not a real calendar date');

/** The macro's config as Confluence keeps it: checked whole, every time, since a page can hold anything. */
export const reportConfigSchema: z.ZodType<StatusReportConfig> = z
  .strictObject({
    scope: z.enum(['projects', 'portfolio']),
    projectKeys: z.array(projectKey).max(100),
    portfolio: z.string().max(255),
    sections: z.array(z.enum(REPORT_SECTIONS)).min(1, 'choose at least one section').max(REPORT_SECTIONS.length),
    mode: z.enum(['live', 'frozen']),
    activityDays: z.number().int().min(1).max(90),
    budgetChangeShare: z.number().min(0).max(10),
  })
  .refine((config) => config.scope !== 'projects' || config.projectKeys.length > 0, { message: 'choose at least one project', path: ['projectKeys'] })
  .refine((config) => new Set(config.sections).size === config.sections.length, { message: 'a section is named twice', path: ['sections'] });

export const DEFAULT_REPORT_CONFIG: StatusReportConfig = {
  scope: 'portfolio',
  projectKeys: [],
  portfolio: '',
  sections: [...REPORT_SECTIONS],
  mode: 'live',
  activityDays: 14,
  budgetChangeShare: 0.05,
};

const viewSchema: z.ZodType<StatusReportRequest> = z.strictObject({ recordId: z.string().regex(/^[0-9a-f-]{36}$/, 'a record id').optional() });
const freezeSchema: z.ZodType<FreezeReportRequest> = z.strictObject({ asOfDay: isoDaySchema.optional() });
const choicesSchema: z.ZodType<Record<string, never>> = z.strictObject({});

/** Where the macro is: its id and its saved config (or why it has none), from the platform's context. */
function macroOf(context: unknown): { localId: string; config: StatusReportConfig | null; problem: string | null } {
  const { localId, extension } = (context ?? {}) as { localId?: unknown; extension?: { config?: unknown } };
  if (typeof localId !== 'string' || !localIdSchemaPattern.test(localId)) throw new ResolverFailure('INVALID_PAYLOAD', 'This report is not in a Confluence page the app knows.');
  const saved = extension?.config;
  if (saved === undefined || saved === null) return { localId, config: null, problem: 'This report is not configured yet: edit the macro to choose its projects and sections.' };
  const parsed = reportConfigSchema.safeParse(saved);
  if (!parsed.success) {
    return { localId, config: null, problem: `This report's configuration is not valid (${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ')}): edit the macro to fix it.` };
  }
  return { localId, config: parsed.data, problem: null };
}

/** Which of the parts' projects the viewer may browse, asked of Jira as the viewer. */
async function browseCheck(client: JiraClient, parts: readonly ReportProjectPart[]): Promise<(projectId: string) => boolean> {
  const ids = parts.map((part) => part.project.id);
  const browsable = ids.length === 0 ? new Set<string>() : await browsableProjectIds(client, ids);
  return (projectId) => browsable.has(projectId);
}

/** The report to show: live from today's figures, or a frozen record (the latest, or the one asked for). */
export async function readReport(client: JiraClient, context: unknown, request: StatusReportRequest, nowMs: number): Promise<StatusReportView> {
  const macro = macroOf(context);
  const records = await listRecords(macro.localId);
  if (!macro.config) return { configured: false, report: null, reason: macro.problem, records };
  const config = macro.config;
  const wanted = request.recordId ?? (config.mode === 'frozen' ? records[0]?.id : undefined);
  if (request.recordId !== undefined && !records.some((record) => record.id === request.recordId)) throw new ResolverFailure('NOT_FOUND', 'This report has no record with that id.');
  if (config.mode === 'frozen' && wanted === undefined) return { configured: true, report: null, reason: 'This report is frozen but has no record yet: freeze it to keep today’s status as a record.', records };

  if (wanted === undefined) {
    // Budget edits since the latest record's day (the agenda compares with it too).
    const built = await buildParts(client, config, isoDay(dayOfInstant(nowMs)), nowMs, records[0] ?? null);
    const previous = records[0] ? await readRecord(macro.localId, records[0].id) : undefined;
    const report = assembleReport({
      config,
      asOfDay: built.asOfDay,
      generatedAtMs: nowMs,
      parts: built.parts,
      mayBrowse: await browseCheck(client, built.parts),
      previous: previous ? { asOfDay: previous.asOfDay, parts: previous.parts } : null,
      record: null,
      currency: built.currency,
    });
    return { configured: true, report, reason: null, records };
  }

  const index = records.findIndex((record) => record.id === wanted);
  const content = await readRecord(macro.localId, wanted);
  if (!content) throw new ResolverFailure('NOT_FOUND', 'This report has no record with that id.');
  const earlier = records[index + 1] ? await readRecord(macro.localId, records[index + 1].id) : undefined;
  const report = assembleReport({
    // The record as it was frozen: its own config, parts and day; only the viewer's permissions are today's.
    config: content.config,
    asOfDay: content.asOfDay,
    generatedAtMs: content.generatedAtMs,
    parts: content.parts,
    mayBrowse: await browseCheck(client, content.parts),
    previous: earlier ? { asOfDay: earlier.asOfDay, parts: earlier.parts } : null,
    record: records[index],
    currency: content.currency,
  });
  return { configured: true, report, reason: null, records };
}

/**
 * Freezes the report as of a day (today, or one before): the whole report as it is, every project of its
 * scope, stored under the macro's id. The person freezing must be able to browse at least one of them.
 */
export async function freezeReport(client: JiraClient, context: unknown, request: FreezeReportRequest, accountId: string, nowMs: number): Promise<StatusReportView> {
  const macro = macroOf(context);
  if (!macro.config) throw new ResolverFailure('INVALID_PAYLOAD', macro.problem ?? 'This report is not configured yet.');
  const today = isoDay(dayOfInstant(nowMs));
  const asOfDay = request.asOfDay ?? today;
  if (asOfDay > today) throw new ResolverFailure('INVALID_PAYLOAD', `A report can be frozen as of today (${today}) or a day before, not ${asOfDay}.`);
  // Budget edits since the latest record of this day or before; a week without one.
  const earlier = (await listRecords(macro.localId)).find((record) => record.asOfDay <= asOfDay);
  const built = await buildParts(client, macro.config, asOfDay, nowMs, earlier ?? null);
  const mayBrowse = await browseCheck(client, built.parts);
  if (!built.parts.some((part) => mayBrowse(part.project.id))) throw new ResolverFailure('FORBIDDEN', 'You may not browse any project of this report, so you cannot freeze it.');
  const recordId = randomUUID();
  await saveRecord(macro.localId, recordId, { asOfDay: built.asOfDay, generatedAtMs: nowMs, config: macro.config, parts: built.parts, currency: built.currency }, accountId, nowMs);
  return readReport(client, context, { recordId }, nowMs);
}

/** The config dialog's choices: the synced projects and portfolios the viewer may browse. */
export async function reportChoices(client: JiraClient, context: unknown): Promise<ReportChoices> {
  const { extension } = (context ?? {}) as { extension?: { config?: unknown } };
  const parsed = reportConfigSchema.safeParse(extension?.config);
  const snapshots = await listSnapshots();
  const browsable = snapshots.length === 0 ? new Set<string>() : await browsableProjectIds(client, snapshots.map((snapshot) => snapshot.projectId));
  const visible = snapshots.filter((snapshot) => browsable.has(snapshot.projectId)).sort((a, b) => a.projectKey.localeCompare(b.projectKey));
  const portfolios = [...new Set(visible.map((snapshot) => snapshot.row.portfolio?.name ?? null))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  return {
    projects: visible.map((snapshot) => ({ key: snapshot.projectKey, name: snapshot.row.name, portfolio: snapshot.row.portfolio?.name ?? null })),
    portfolios,
    // A new macro starts with the viewer's first portfolio.
    config: parsed.success ? parsed.data : { ...DEFAULT_REPORT_CONFIG, portfolio: portfolios[0] ?? '' },
  };
}

export const statusReport = surfaceResolver<StatusReportResolvers>({
  'report/view': (request: Request) => answered(viewSchema, (payload) => readReport(jiraAsUser(), request.context, payload, Date.now()))(request),
  'report/freeze': (request: Request) => answered(freezeSchema, (payload, caller) => freezeReport(jiraAsUser(), request.context, payload, caller.accountId, Date.now()))(request),
  'report/choices': (request: Request) => answered(choicesSchema, () => reportChoices(jiraAsUser(), request.context))(request),
});

export const handler = statusReport.handler;

const exportSchema = z.object({
  exportType: z.enum(['pdf', 'word', 'other']).optional(),
  context: z.object({ localId: z.string(), accountId: z.string().optional(), extension: z.object({ config: z.unknown().optional() }).passthrough().optional() }).passthrough(),
});

/** An empty document with one line, for an export that cannot show the report. */
const sayOnly = (line: string): AdfDocument => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: line }] }] });

/**
 * The macro in a PDF or Word export of its page: the report the exporting person sees, as ADF text and
 * tables. A page the app cannot read the macro of exports a line saying so, never a failed export.
 */
export async function adfExport(payload: unknown): Promise<AdfDocument> {
  const parsed = exportSchema.safeParse(payload);
  if (!parsed.success) return sayOnly('The PMO status report could not be exported: the export did not say which report.');
  try {
    const view = await readReport(jiraAsUser(), parsed.data.context, {}, Date.now());
    return view.report ? reportToAdf(view.report) : sayOnly(view.reason ?? 'This report has nothing to show.');
  } catch (error) {
    console.error('status report export failed', error);
    return sayOnly('The PMO status report could not be read for the export. Try again, or open the page to see why.');
  }
}

