/** What every section of the settings page shares: its props and the server's problems next to it. */
import type { ReactNode } from 'react';
import Heading from '@atlaskit/heading';
import { Stack, Text } from '@atlaskit/primitives';
import type { PersonRef, SettingsDocumentJson, SettingsView } from '@pmo/contract';

export interface SectionProps {
  document: SettingsDocumentJson;
  update: (next: SettingsDocumentJson) => void;
  disabled: boolean;
  view: SettingsView;
  /** The server's refusals of the last save, one `path: message` line each. */
  problems: string[];
  /** Remembers the name of a person picked on the page (not yet in the saved document). */
  addPerson: (person: PersonRef) => void;
}

/** The problems whose path starts with one of `prefixes` (the document's top-level keys). */
export function problemsOf(problems: string[], prefixes: string[]): string[] {
  return problems.filter((line) => prefixes.some((prefix) => line === prefix || line.startsWith(`${prefix}.`) || line.startsWith(`${prefix}[`) || line.startsWith(`${prefix}:`)));
}

export function Section({ title, testId, problems, prefixes, children }: { title: string; testId: string; problems: string[]; prefixes: string[]; children: ReactNode }) {
  const mine = problemsOf(problems, prefixes);
  return (
    <section data-testid={testId}>
      <Stack space="space.100">
        <Heading size="small">{title}</Heading>
        {mine.length > 0 ? (
          <ul data-testid={`${testId}-problems`} role="alert">
            {mine.map((line) => (
              <li key={line}>
                <Text color="color.text.danger">{line}</Text>
              </li>
            ))}
          </ul>
        ) : null}
        {children}
      </Stack>
    </section>
  );
}

/** A typed number, or the text itself when it is not one, so the server names what is wrong. */
export function numberOrText(text: string): number {
  const trimmed = text.trim();
  return (trimmed === '' ? Number.NaN : Number(trimmed)) as number;
}

export const nameOf = (view: SettingsView, accountId: string): string => view.people.find((person) => person.accountId === accountId)?.displayName ?? accountId;
