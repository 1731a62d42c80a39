/**
 * The compliance rules: each on or off, its severity, whether the workflow gate enforces it, and its
 * parameters, for the site, overridden per portfolio (Jira category) and per project (the project
 * wins over its portfolio, which wins over the site). The server validates the whole section.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { Section, numberOrText, type SectionProps } from './common';

type Rule = { enabled: boolean; severity: string; enforceAtGate: boolean; appliesTo: Record<string, unknown>; params: Record<string, unknown> };
type Override = Partial<Omit<Rule, 'params'>> & { params?: Record<string, unknown> };
type Compliance = { site: Record<string, Rule>; portfolios: Record<string, Record<string, Override>>; projects: Record<string, Record<string, Override>> };
type Scope = { kind: 'site' } | { kind: 'portfolios' | 'projects'; name: string };

const SEVERITIES = ['low', 'medium', 'high'];
/** Which items a rule checks, as comma-separated lists (status categories: new, indeterminate, done). */
const APPLIES_TO = [
  { key: 'projectKeys', label: 'projects', none: 'every project' },
  { key: 'issueTypes', label: 'issue types', none: "the rule's types" },
  { key: 'statusCategories', label: 'status categories', none: "the rule's categories" },
];

/** A parameter typed as its site value is: numbers, switches, lists (comma-separated) or text. */
function ParamInput({ label, site, value, onChange, disabled, inherit }: { label: string; site: unknown; value: unknown; onChange: (next: unknown) => void; disabled: boolean; inherit: boolean }) {
  if (typeof site === 'boolean') {
    return (
      <select aria-label={label} disabled={disabled} value={value === undefined ? '' : String(value)} onChange={(event) => onChange(event.currentTarget.value === '' ? undefined : event.currentTarget.value === 'true')}>
        {inherit ? <option value="">inherit</option> : null}
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  }
  const text = value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  return (
    <input
      aria-label={label}
      disabled={disabled}
      placeholder={inherit ? `inherit (${Array.isArray(site) ? site.join(', ') : String(site)})` : ''}
      defaultValue={text}
      onChange={(event) => {
        const typed = event.currentTarget.value;
        if (inherit && typed.trim() === '') return onChange(undefined);
        if (typeof site === 'number') return onChange(numberOrText(typed));
        if (Array.isArray(site)) return onChange(typed.split(',').map((part) => part.trim()).filter((part) => part !== ''));
        onChange(typed);
      }}
    />
  );
}

function triState(value: boolean | undefined): string {
  return value === undefined ? '' : String(value);
}

export function ComplianceSection({ document, update, disabled, problems, view }: SectionProps) {
  const stored = document.compliance as Partial<Compliance>;
  const compliance = (Object.keys(stored).length > 0 ? stored : (view.complianceDefaults ?? {})) as Compliance;
  const [scope, setScope] = useState<Scope>({ kind: 'site' });
  const [newPortfolio, setNewPortfolio] = useState('');
  const set = (next: Compliance) => update({ ...document, compliance: next as unknown as Record<string, unknown> });
  if (!compliance.site) {
    return (
      <Section title="Compliance rules" testId="section-compliance" problems={problems} prefixes={['compliance']}>
        <Text>The rules are not known to this page.</Text>
      </Section>
    );
  }
  const ruleIds = Object.keys(compliance.site);
  const overrides = scope.kind === 'site' ? null : (compliance[scope.kind][scope.name] ?? {});
  const setOverride = (ruleId: string, patch: Override) => {
    if (scope.kind === 'site') return;
    const current = { ...(overrides ?? {}) };
    const merged: Override = { ...(current[ruleId] ?? {}), ...patch };
    for (const key of Object.keys(merged) as (keyof Override)[]) if (merged[key] === undefined) delete merged[key];
    current[ruleId] = merged;
    set({ ...compliance, [scope.kind]: { ...compliance[scope.kind], [scope.name]: current } });
  };
  const setSite = (ruleId: string, patch: Partial<Rule>) => set({ ...compliance, site: { ...compliance.site, [ruleId]: { ...compliance.site[ruleId], ...patch } } });
  const scopeValue = scope.kind === 'site' ? 'site' : `${scope.kind}:${scope.name}`;
  return (
    <Section title="Compliance rules" testId="section-compliance" problems={problems} prefixes={['compliance']}>
      <Text>Set the site&apos;s rules, then override them for a portfolio or a project: a project&apos;s setting wins over its portfolio&apos;s, which wins over the site&apos;s.</Text>
      <Inline space="space.100" alignBlock="center">
        <select
          aria-label="Rules of"
          data-testid="compliance-scope"
          value={scopeValue}
          onChange={(event) => {
            const value = event.currentTarget.value;
            if (value === 'site') return setScope({ kind: 'site' });
            const [kind, ...name] = value.split(':');
            setScope({ kind: kind as 'portfolios' | 'projects', name: name.join(':') });
          }}
        >
          <option value="site">The site</option>
          {Object.keys(compliance.portfolios).map((name) => (
            <option key={`p-${name}`} value={`portfolios:${name}`}>
              Portfolio {name}
            </option>
          ))}
          {view.projects.map((project) => (
            <option key={`j-${project.key}`} value={`projects:${project.key}`}>
              Project {project.key}
              {compliance.projects[project.key] ? ' (overridden)' : ''}
            </option>
          ))}
        </select>
        <input aria-label="New portfolio override" data-testid="compliance-new-portfolio" placeholder="portfolio (Jira category) name" disabled={disabled} value={newPortfolio} onChange={(event) => setNewPortfolio(event.currentTarget.value)} />
        <Button
          testId="compliance-add-portfolio"
          isDisabled={disabled || newPortfolio.trim() === ''}
          onClick={() => {
            const name = newPortfolio.trim();
            set({ ...compliance, portfolios: { ...compliance.portfolios, [name]: compliance.portfolios[name] ?? {} } });
            setScope({ kind: 'portfolios', name });
            setNewPortfolio('');
          }}
        >
          Override for a portfolio
        </Button>
        {scope.kind !== 'site' ? (
          <Button
            testId="compliance-remove-scope"
            isDisabled={disabled}
            onClick={() => {
              set({ ...compliance, [scope.kind]: Object.fromEntries(Object.entries(compliance[scope.kind]).filter(([name]) => name !== scope.name)) });
              setScope({ kind: 'site' });
            }}
          >
            Remove these overrides
          </Button>
        ) : null}
      </Inline>
      <table data-testid="compliance-rules" key={scopeValue}>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">On</th>
            <th scope="col">Severity</th>
            <th scope="col">Enforced at the gate</th>
            <th scope="col">Parameters</th>
            <th scope="col">Applies to</th>
          </tr>
        </thead>
        <tbody>
          {ruleIds.map((ruleId) => {
            const site = compliance.site[ruleId];
            const layer = overrides?.[ruleId] ?? {};
            const inherit = overrides !== null;
            return (
              <tr key={ruleId} data-testid={`rule-${ruleId}`}>
                <td>{ruleId}</td>
                <td>
                  {inherit ? (
                    <select aria-label={`${ruleId} on`} disabled={disabled} value={triState(layer.enabled)} onChange={(event) => setOverride(ruleId, { enabled: event.currentTarget.value === '' ? undefined : event.currentTarget.value === 'true' })}>
                      <option value="">inherit ({site.enabled ? 'on' : 'off'})</option>
                      <option value="true">on</option>
                      <option value="false">off</option>
                    </select>
                  ) : (
                    <input type="checkbox" aria-label={`${ruleId} on`} data-testid={`rule-enabled-${ruleId}`} disabled={disabled} checked={site.enabled} onChange={(event) => setSite(ruleId, { enabled: event.currentTarget.checked })} />
                  )}
                </td>
                <td>
                  <select
                    aria-label={`${ruleId} severity`}
                    data-testid={`rule-severity-${ruleId}`}
                    disabled={disabled}
                    value={inherit ? (layer.severity ?? '') : site.severity}
                    onChange={(event) => (inherit ? setOverride(ruleId, { severity: event.currentTarget.value || undefined }) : setSite(ruleId, { severity: event.currentTarget.value }))}
                  >
                    {inherit ? <option value="">inherit ({site.severity})</option> : null}
                    {SEVERITIES.map((severity) => (
                      <option key={severity} value={severity}>
                        {severity}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {inherit ? (
                    <select aria-label={`${ruleId} enforced at the gate`} disabled={disabled} value={triState(layer.enforceAtGate)} onChange={(event) => setOverride(ruleId, { enforceAtGate: event.currentTarget.value === '' ? undefined : event.currentTarget.value === 'true' })}>
                      <option value="">inherit ({site.enforceAtGate ? 'yes' : 'no'})</option>
                      <option value="true">yes</option>
                      <option value="false">no</option>
                    </select>
                  ) : (
                    <input type="checkbox" aria-label={`${ruleId} enforced at the gate`} data-testid={`rule-gate-${ruleId}`} disabled={disabled} checked={site.enforceAtGate} onChange={(event) => setSite(ruleId, { enforceAtGate: event.currentTarget.checked })} />
                  )}
                </td>
                <td>
                  <Stack space="space.050">
                    {Object.entries(site.params).map(([param, siteValue]) => (
                      <label key={param}>
                        {param}{' '}
                        <ParamInput
                          label={`${ruleId} ${param}`}
                          site={siteValue}
                          inherit={inherit}
                          disabled={disabled}
                          value={inherit ? layer.params?.[param] : siteValue}
                          onChange={(next) => (inherit ? setOverride(ruleId, { params: { ...(layer.params ?? {}), [param]: next } }) : setSite(ruleId, { params: { ...site.params, [param]: next } }))}
                        />
                      </label>
                    ))}
                  </Stack>
                </td>
                <td>
                  <Stack space="space.050">
                    {APPLIES_TO.map((field) => {
                      const own = inherit ? (layer.appliesTo as Record<string, unknown> | undefined)?.[field.key] : site.appliesTo[field.key];
                      const siteList = site.appliesTo[field.key] as string[] | null;
                      return (
                        <label key={field.key}>
                          {field.label}{' '}
                          <input
                            aria-label={`${ruleId} ${field.label}`}
                            data-testid={`rule-${field.key}-${ruleId}`}
                            disabled={disabled}
                            placeholder={inherit && own === undefined ? `inherit (${siteList === null ? field.none : siteList.join(', ')})` : field.none}
                            defaultValue={Array.isArray(own) ? own.join(', ') : ''}
                            onChange={(event) => {
                              const list = event.currentTarget.value.split(',').map((part) => part.trim()).filter((part) => part !== '');
                              // Empty: the rule's default (on the site) or the site's setting (in an override).
                              const value = list.length === 0 ? (inherit ? undefined : null) : list;
                              if (inherit) setOverride(ruleId, { appliesTo: { ...(layer.appliesTo ?? {}), [field.key]: value } });
                              else setSite(ruleId, { appliesTo: { ...site.appliesTo, [field.key]: value } });
                            }}
                          />
                        </label>
                      );
                    })}
                  </Stack>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}
