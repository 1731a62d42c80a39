/** Currency and the PMO editor group. */
import { Section, type SectionProps } from './common';

export function GeneralSection({ document, update, disabled, problems }: SectionProps) {
  return (
    <Section title="Currency and editors" testId="section-general" problems={problems} prefixes={['currency', 'pmoEditorGroup']}>
      <label>
        Currency (ISO code, every money figure is shown in it){' '}
        <input aria-label="Currency" data-testid="currency" disabled={disabled} value={document.currency ?? ''} onChange={(event) => update({ ...document, currency: event.currentTarget.value.trim().toUpperCase() || null })} />
      </label>
      <label>
        PMO editor group (with Jira administrators, the only people who change budgets and settings){' '}
        <input aria-label="PMO editor group" data-testid="editor-group" disabled={disabled} value={document.pmoEditorGroup ?? ''} onChange={(event) => update({ ...document, pmoEditorGroup: event.currentTarget.value || null })} />
      </label>
    </Section>
  );
}
