/** Health thresholds (red and amber) and the forecast and capacity figures. */
import { Inline, Text } from '@atlaskit/primitives';
import type { SettingsDocumentJson } from '@pmo/contract';
import { PersonPicker } from './PersonPicker';
import { Section, nameOf, numberOrText, type SectionProps } from './common';

type Thresholds = SettingsDocumentJson['thresholds'];
const FIELDS: { level: 'red' | 'amber'; key: string; label: string }[] = [
  { level: 'red', key: 'spiBelow', label: 'Red when SPI is below' },
  { level: 'red', key: 'cpiBelow', label: 'Red when CPI is below' },
  { level: 'red', key: 'overdueShareAbove', label: 'Red when the overdue share is above (0..1)' },
  { level: 'amber', key: 'spiBelow', label: 'Amber when SPI is below' },
  { level: 'amber', key: 'cpiBelow', label: 'Amber when CPI is below' },
  { level: 'amber', key: 'overdueShareAbove', label: 'Amber when the overdue share is above (0..1)' },
  { level: 'amber', key: 'complianceBelow', label: 'Amber when compliance is below (0..1)' },
];

function NumberField({ label, value, onChange, disabled, testId }: { label: string; value: number; onChange: (next: number) => void; disabled: boolean; testId: string }) {
  return (
    <label>
      {label}{' '}
      <input aria-label={label} data-testid={testId} disabled={disabled} inputMode="decimal" defaultValue={Number.isFinite(value) ? String(value) : ''} onChange={(event) => onChange(numberOrText(event.currentTarget.value))} />
    </label>
  );
}

export function ThresholdsSection({ document, update, disabled, problems }: SectionProps) {
  const thresholds = document.thresholds;
  const set = (level: 'red' | 'amber', key: string, value: number) => update({ ...document, thresholds: { ...thresholds, [level]: { ...thresholds[level], [key]: value } } as Thresholds });
  return (
    <Section title="Health thresholds" testId="section-thresholds" problems={problems} prefixes={['thresholds']}>
      <Text>Amber starts before red: its SPI and CPI limits are at least red&apos;s, its overdue share at most red&apos;s.</Text>
      {FIELDS.map((field) => (
        <NumberField
          key={`${field.level}.${field.key}`}
          label={field.label}
          testId={`threshold-${field.level}-${field.key}`}
          disabled={disabled}
          value={(thresholds[field.level] as Record<string, number>)[field.key]}
          onChange={(value) => set(field.level, field.key, value)}
        />
      ))}
    </Section>
  );
}

export function ForecastCapacitySection({ document, update, disabled, problems, view, addPerson }: SectionProps) {
  const capacity = document.capacity;
  return (
    <Section title="Forecast and capacity" testId="section-capacity" problems={problems} prefixes={['forecast', 'capacity']}>
      <NumberField label="Forecast history (weeks of throughput)" testId="forecast-weeks" disabled={disabled} value={document.forecast.historyWeeks} onChange={(historyWeeks) => update({ ...document, forecast: { historyWeeks } })} />
      <NumberField label="Weekly capacity of a person (hours)" testId="capacity-default" disabled={disabled} value={capacity.defaultHoursPerWeek} onChange={(defaultHoursPerWeek) => update({ ...document, capacity: { ...capacity, defaultHoursPerWeek } })} />
      <NumberField label="Workload horizon (weeks)" testId="capacity-weeks" disabled={disabled} value={capacity.workloadWeeks} onChange={(workloadWeeks) => update({ ...document, capacity: { ...capacity, workloadWeeks } })} />
      {Object.entries(capacity.byPerson).map(([accountId, hours]) => (
        <Inline key={accountId} space="space.100" alignBlock="center">
          <NumberField
            label={`Weekly capacity of ${nameOf(view, accountId)} (hours)`}
            testId={`capacity-${accountId}`}
            disabled={disabled}
            value={hours}
            onChange={(next) => update({ ...document, capacity: { ...capacity, byPerson: { ...capacity.byPerson, [accountId]: next } } })}
          />
          <button type="button" disabled={disabled} onClick={() => update({ ...document, capacity: { ...capacity, byPerson: Object.fromEntries(Object.entries(capacity.byPerson).filter(([id]) => id !== accountId)) } })}>
            Remove
          </button>
        </Inline>
      ))}
      <PersonPicker
        label="Give a person their own weekly capacity"
        testId="capacity-person"
        disabled={disabled}
        onPick={(picked) => {
          addPerson(picked);
          if (!Object.hasOwn(capacity.byPerson, picked.accountId)) update({ ...document, capacity: { ...capacity, byPerson: { ...capacity.byPerson, [picked.accountId]: capacity.defaultHoursPerWeek } } });
        }}
      />
    </Section>
  );
}
