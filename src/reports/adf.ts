/**
 * A status report as an Atlassian Document Format document, for Confluence's PDF and Word export: headings,
 * text and tables (never an image), so the figures stay text in the exported file. Only the sections the
 * macro's config names, for the projects the viewer may browse (the report is already theirs).
 */
import type { Figure, PortfolioMetrics, ReportProjectPart, ReportSection, StatusReport } from '../shared/contract';

export type Mark = { type: 'strong' } | { type: 'em' };
export type Inline = { type: 'text'; text: string; marks?: Mark[] };
export type Paragraph = { type: 'paragraph'; content: Inline[] };
export type Block =
  | Paragraph
  | { type: 'heading'; attrs: { level: 1 | 2 | 3 }; content: Inline[] }
  | { type: 'bulletList'; content: { type: 'listItem'; content: Paragraph[] }[] }
  | { type: 'table'; attrs: { isNumberColumnEnabled: false; layout: 'default' }; content: TableRow[] }
  | { type: 'rule' };
export type TableRow = { type: 'tableRow'; content: { type: 'tableHeader' | 'tableCell'; attrs: Record<string, never>; content: Paragraph[] }[] };
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: Block[];
}

const text = (value: string, strong = false): Inline => (strong ? { type: 'text', text: value, marks: [{ type: 'strong' }] } : { type: 'text', text: value });
/** ADF refuses empty text nodes: an empty cell is an empty paragraph. */
const paragraph = (...parts: Inline[]): Paragraph => ({ type: 'paragraph', content: parts.filter((part) => part.text !== '') });
const heading = (level: 1 | 2 | 3, value: string): Block => ({ type: 'heading', attrs: { level }, content: [text(value)] });
const bullets = (items: string[]): Block => ({ type: 'bulletList', content: items.map((item) => ({ type: 'listItem', content: [paragraph(text(item))] })) });

function table(header: string[], rows: string[][]): Block {
  const row = (cells: string[], kind: 'tableHeader' | 'tableCell'): TableRow => ({
    type: 'tableRow',
    content: cells.map((cell) => ({ type: kind, attrs: {}, content: [paragraph(text(cell, kind === 'tableHeader'))] })),
  });
  return { type: 'table', attrs: { isNumberColumnEnabled: false, layout: 'default' }, content: [row(header, 'tableHeader'), ...rows.map((cells) => row(cells, 'tableCell'))] };
}

const amount = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = (figure: Figure, currency: string | null) => (figure.value === null ? `not available: ${figure.reason}` : `${amount.format(figure.value)}${currency ? ` ${currency}` : ''}`);
const index = (figure: Figure) => (figure.value === null ? `not available: ${figure.reason}` : (Math.trunc(figure.value * 100) / 100).toFixed(2));

const healthCounts = (totals: PortfolioMetrics) => `${totals.byHealth.red} red, ${totals.byHealth.amber} amber, ${totals.byHealth['not set up']} not set up, ${totals.byHealth.green} green`;

function isShown(part: StatusReport['projects'][number]): part is ReportProjectPart {
  return !('hidden' in part);
}

/** The report's sections for the projects shown, with a line in the place of each one the viewer may not see. */
export function reportToAdf(report: StatusReport): AdfDocument {
  const { currency } = report;
  const wants = (section: ReportSection) => report.config.sections.includes(section);
  const shown = report.projects.filter(isShown);
  const hidden = report.projects.length - shown.length;
  const content: Block[] = [
    heading(1, `Status report as of ${report.asOfDay}`),
    paragraph(
      text(report.record ? `Frozen record of ${report.record.frozenAt}. ` : 'Live report. '),
      text(`Figures computed ${report.generatedAt}; data synced from Jira ${report.dataSyncedAt ?? 'not yet'}.`),
      text(currency ? '' : ' Money is in the site currency (none is set up yet).'),
    ),
  ];
  if (hidden > 0) content.push(paragraph(text(`${hidden} ${hidden === 1 ? 'project is' : 'projects are'} not shown: you may not browse ${hidden === 1 ? 'it' : 'them'} in Jira.`, true)));

  content.push(heading(2, `Meeting agenda: exceptions since ${report.agendaSince.day} (${report.agendaSince.basis})`));
  content.push(report.agenda.length > 0 ? bullets(report.agenda.map((item) => item.text)) : paragraph(text('No exceptions.')));

  if (wants('summary')) {
    content.push(heading(2, 'Summary'));
    const totals = report.totals;
    content.push(
      paragraph(
        text('Totals: ', true),
        text(`${healthCounts(totals)}; BAC ${money(totals.bac, currency)}, AC ${money(totals.ac, currency)}, SPI ${index(totals.spi)}, CPI ${index(totals.cpi)}.`),
      ),
    );
    if (report.portfolios.length > 1) {
      content.push(
        table(
          ['Portfolio', 'Projects', 'Health', 'BAC', 'EV', 'AC', 'EAC', 'SPI', 'CPI'],
          report.portfolios.map((totals) => [
            totals.name ?? 'No portfolio',
            String(totals.projectKeys.length),
            healthCounts(totals),
            ...[totals.bac, totals.ev, totals.ac, totals.eac].map((figure) => money(figure, currency)),
            index(totals.spi),
            index(totals.cpi),
          ]),
        ),
      );
    }
    content.push(
      table(
        ['Project', 'Health', 'Why', '% done', 'SPI', 'CPI', 'Forecast P85'],
        shown.map((part) => [
          `${part.project.key} ${part.project.name}`,
          part.metrics.health.rag,
          part.metrics.health.criteria.join('; ') || 'every threshold is met',
          part.project.percentDone === null ? 'no issues' : `${part.project.percentDone.toFixed(1)}%`,
          index(part.metrics.earnedValue.spi),
          index(part.metrics.earnedValue.cpi),
          part.metrics.schedule.forecast?.p85 ?? `none: ${part.metrics.schedule.forecast?.reason ?? 'not computed'}`,
        ]),
      ),
    );
  }
  if (wants('summary') && report.totals.leftOutOfSums.length > 0) {
    content.push(paragraph(text('Left out of the sums: ', true), text(report.totals.leftOutOfSums.map((entry) => `${entry.projectKey} (${entry.reason})`).join('; '))));
  }
  if (wants('earnedValue')) {
    content.push(heading(2, 'Earned value'));
    content.push(
      table(
        ['Project', 'BAC', 'PV', 'EV', 'AC', 'CV', 'SPI', 'CPI', 'EAC'],
        shown.map(({ project, metrics: { earnedValue: ev } }) => [project.key, money(ev.bac, currency), money(ev.pv, currency), money(ev.ev, currency), money(ev.ac, currency), money(ev.cv, currency), index(ev.spi), index(ev.cpi), money(ev.eac.byCpi, currency)]),
      ),
    );
    for (const part of shown) {
      const points = part.trend.slice(-8);
      if (points.length === 0) continue;
      content.push(heading(3, `${part.project.key}: the trend`));
      content.push(table(['Day', 'PV', 'EV', 'AC', 'SPI', 'CPI'], points.map((point) => [`${point.day}${point.reconstructed ? ' (reconstructed)' : ''}`, ...[point.pv, point.ev, point.ac].map((value) => (value === null ? '—' : amount.format(value))), ...[point.spi, point.cpi].map((value) => (value === null ? '—' : (Math.trunc(value * 100) / 100).toFixed(2)))])));
    }
  }
  if (wants('milestones')) {
    content.push(heading(2, 'Milestones'));
    const rows = shown.flatMap((part) => part.milestones.map((milestone) => [part.project.key, milestone.name, milestone.releaseDate ?? 'no date', milestone.status, String(milestone.openItems), milestone.forecast?.p85 ?? '—']));
    content.push(rows.length > 0 ? table(['Project', 'Version', 'Release date', 'Status', 'Items left', 'Forecast P85'], rows) : paragraph(text('No versions.')));
  }
  if (wants('risks')) {
    content.push(heading(2, 'Risks'));
    const lines = shown.flatMap((part) => {
      const { risk } = part.metrics;
      const named = (keys: string[]) => keys.slice(0, 10).map((key) => `${key} ${part.items[key]?.summary ?? ''}`.trim()).join('; ');
      return [
        risk.blocked.length > 0 ? `${part.project.key} blocked (${risk.blocked.length}): ${named(risk.blocked)}` : null,
        risk.overdueHighPriority.length > 0 ? `${part.project.key} overdue, high priority (${risk.overdueHighPriority.length}): ${named(risk.overdueHighPriority)}` : null,
        risk.flagged.length > 0 ? `${part.project.key} flagged (${risk.flagged.length}): ${named(risk.flagged)}` : null,
      ].filter((line): line is string => line !== null);
    });
    content.push(lines.length > 0 ? bullets(lines) : paragraph(text('No blocked, flagged or overdue high-priority items.')));
  }
  if (wants('compliance')) {
    content.push(heading(2, 'Process compliance'));
    for (const part of shown) content.push(...complianceBlocks(part));
    if (shown.length === 0) content.push(paragraph(text('No project to show.')));
  }
  if (wants('budgetChanges')) {
    content.push(heading(2, 'Budget changes'));
    const changes = report.agenda.filter((item) => item.kind === 'budget change');
    content.push(changes.length > 0 ? bullets(changes.map((item) => item.text)) : paragraph(text(`No project's budget changed by more than ${(report.config.budgetChangeShare * 100).toFixed(0)}% since ${report.agendaSince.day}.`)));
    const edits = shown.flatMap((part) => (part.budgetChanges ?? []).map((change) => ({ projectKey: part.project.key, change })));
    content.push(
      edits.length > 0
        ? table(
            ['Project', 'Item', 'Field', 'Old', 'New', 'Who', 'When'],
            edits.map(({ projectKey, change }) => [projectKey, change.issueKey ?? '', change.field, budgetValue(change.oldValue, currency), budgetValue(change.newValue, currency), change.by.displayName, change.at]),
          )
        : paragraph(text(`No budget field was edited through the app since ${report.agendaSince.basis === 'previous record' ? 'the previous record' : 'a week before'}.`)),
    );
  }
  if (wants('activity')) {
    content.push(heading(2, `Activity of the last ${report.config.activityDays} days`));
    content.push(
      table(
        ['Project', 'Created', 'Resolved', 'Status moves', 'Due-date changes'],
        shown.map((part) => {
          const days = part.activity.byDay.slice(-report.config.activityDays);
          const sum = (pick: (day: (typeof days)[number]) => number) => String(days.reduce((total, day) => total + pick(day), 0));
          return [part.project.key, sum((day) => day.created), sum((day) => day.resolved), sum((day) => day.statusMoves), sum((day) => day.dueDateChanges)];
        }),
      ),
    );
  }
  return { type: 'doc', version: 1, content };
}

const share = (value: number) => `${(value * 100).toFixed(1)}%`;
const budgetValue = (value: number | null, currency: string | null) => (value === null ? 'empty' : `${amount.format(value)}${currency ? ` ${currency}` : ''}`);

/** One project's compliance: the score as of the report's day with its checks, the trend, violations by rule, this week's changes. */
export function complianceBlocks(part: ReportProjectPart): Block[] {
  const key = part.project.key;
  const compliance = part.metrics.compliance;
  if (compliance === null) return [heading(3, key), paragraph(text('No compliance rules are enabled for this project.'))];
  const { score } = compliance;
  const blocks: Block[] = [
    heading(3, `${key}: score ${score.value === null ? `not available: ${score.reason}` : share(score.value)}`),
    paragraph(text(`${compliance.passedChecks} of ${compliance.applicableChecks} checks passed, weighted by severity; ${compliance.violations.length} violations.`)),
  ];
  const points = part.trend.filter((point) => point.compliance !== null).slice(-8);
  if (points.length > 0) blocks.push(paragraph(text('Trend: ', true), text(points.map((point) => `${point.day} ${share(point.compliance!)}${point.reconstructed ? ' (reconstructed)' : ''}`).join(', '))));
  const broken = compliance.byRule.filter((rule) => rule.applicable > rule.passed);
  if (broken.length > 0) {
    blocks.push(
      table(
        ['Rule', 'Severity', 'Violations', 'Items', 'How to fix'],
        broken.map((rule) => {
          const keys = compliance.violations.filter((violation) => violation.ruleId === rule.ruleId).map((violation) => violation.key);
          return [rule.title, rule.severity, `${keys.length} of ${rule.applicable}`, `${keys.slice(0, 10).join(', ')}${keys.length > 10 ? `, and ${keys.length - 10} more` : ''}`, rule.howToFix];
        }),
      ),
    );
  } else blocks.push(paragraph(text('Every item follows every rule in force.')));
  const changes = part.complianceChanges;
  if (changes) {
    const named = (list: typeof changes.newlyBroken) => list.slice(0, 10).map((violation) => `${violation.key} ${violation.problem} (${violation.ruleId})`).join('; ');
    blocks.push(
      bullets([
        changes.newlyBroken.length > 0 ? `Newly broken since ${changes.since} (${changes.newlyBroken.length}): ${named(changes.newlyBroken)}` : `Nothing newly broken since ${changes.since}.`,
        changes.newlyFixed.length > 0 ? `Fixed since ${changes.since} (${changes.newlyFixed.length}): ${named(changes.newlyFixed)}` : `Nothing fixed since ${changes.since}.`,
      ]),
    );
  }
  return blocks;
}
