/** Finds a person of the site by name, as Jira lets the viewer look them up. */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import { Inline, Text } from '@atlaskit/primitives';
import type { PersonRef } from '@pmo/contract';
import { callResolver } from '../../../shared/api';
import { failureText } from './failure';

export function PersonPicker({ label, testId, disabled, onPick }: { label: string; testId: string; disabled: boolean; onPick: (person: PersonRef) => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<PersonRef[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async () => {
    setError(null);
    try {
      setFound((await callResolver('settings/people', { query })).people);
    } catch (failure) {
      setError(failureText(failure));
    }
  };
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      <input aria-label={label} data-testid={`${testId}-query`} disabled={disabled} placeholder="start of a name" value={query} onChange={(event) => setQuery(event.currentTarget.value)} />
      <Button testId={`${testId}-find`} isDisabled={disabled || query.trim() === ''} onClick={() => void search()}>
        Find
      </Button>
      {found !== null && found.length === 0 ? <Text color="color.text.subtlest">No one of that name you may look up.</Text> : null}
      {(found ?? []).map((person) => (
        <Button
          key={person.accountId}
          appearance="subtle"
          testId={`${testId}-pick-${person.accountId}`}
          onClick={() => {
            onPick(person);
            setFound(null);
            setQuery('');
          }}
        >
          {person.displayName}
        </Button>
      ))}
      {error ? <Text color="color.text.danger">{error}</Text> : null}
    </Inline>
  );
}
