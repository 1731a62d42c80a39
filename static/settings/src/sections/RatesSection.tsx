/**
 * Cost rates: by person, by Jira group (in order of precedence), and the site default; each project's
 * default rate is in the projects section. A worklog is priced at the first rate found in that order.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { PersonPicker } from './PersonPicker';
import { RateList } from './RateList';
import { Section, nameOf, type SectionProps } from './common';

export function RatesSection({ document, update, disabled, problems, view, addPerson }: SectionProps) {
  const [group, setGroup] = useState('');
  const rates = document.rates;
  const setRates = (patch: Partial<typeof rates>) => update({ ...document, rates: { ...rates, ...patch } });
  const move = (from: number, to: number) => {
    const next = [...rates.byGroup];
    const [entry] = next.splice(from, 1);
    next.splice(to, 0, entry);
    setRates({ byGroup: next });
  };
  return (
    <Section title="Cost rates" testId="section-rates" problems={problems} prefixes={['rates']}>
      <Text>
        A worklog is priced at the person&apos;s own rate, else at the rate of the first group below they belong to, else at the project&apos;s default rate, else at the site
        default; each rate holds from its day until the next one of the same list.
      </Text>
      <Stack space="space.100">
        <Text weight="bold">Site default</Text>
        <RateList label="Site default rate" testId="site-rate" rates={rates.siteDefault} disabled={disabled} onChange={(siteDefault) => setRates({ siteDefault })} />
      </Stack>
      <Stack space="space.100">
        <Text weight="bold">By person</Text>
        {Object.entries(rates.byPerson).map(([accountId, list]) => (
          <Stack key={accountId} space="space.050" testId={`person-rate-${accountId}`}>
            <Inline space="space.100" alignBlock="center">
              <Text>{nameOf(view, accountId)}</Text>
              <Button appearance="subtle" isDisabled={disabled} onClick={() => setRates({ byPerson: Object.fromEntries(Object.entries(rates.byPerson).filter(([id]) => id !== accountId)) })}>
                Remove person
              </Button>
            </Inline>
            <RateList label={`Rate of ${nameOf(view, accountId)}`} testId={`person-rates-${accountId}`} rates={list} disabled={disabled} onChange={(next) => setRates({ byPerson: { ...rates.byPerson, [accountId]: next } })} />
          </Stack>
        ))}
        <PersonPicker
          label="Give a person a rate"
          testId="person-rate"
          disabled={disabled}
          onPick={(picked) => {
            addPerson(picked);
            if (!Object.hasOwn(rates.byPerson, picked.accountId)) setRates({ byPerson: { ...rates.byPerson, [picked.accountId]: [] } });
          }}
        />
      </Stack>
      <Stack space="space.100">
        <Text weight="bold">By Jira group (a person in two groups is charged at the first one listed)</Text>
        <ol data-testid="group-rates">
          {rates.byGroup.map((entry, position) => (
            <li key={entry.group} data-testid={`group-rate-${entry.group}`}>
              <Inline space="space.100" alignBlock="center">
                <Text>{entry.group}</Text>
                <Button appearance="subtle" isDisabled={disabled || position === 0} testId={`group-up-${entry.group}`} onClick={() => move(position, position - 1)}>
                  Up
                </Button>
                <Button appearance="subtle" isDisabled={disabled || position === rates.byGroup.length - 1} testId={`group-down-${entry.group}`} onClick={() => move(position, position + 1)}>
                  Down
                </Button>
                <Button appearance="subtle" isDisabled={disabled} onClick={() => setRates({ byGroup: rates.byGroup.filter((_, index) => index !== position) })}>
                  Remove group
                </Button>
              </Inline>
              <RateList
                label={`Rate of group ${entry.group}`}
                testId={`group-rates-${position}`}
                rates={entry.rates}
                disabled={disabled}
                onChange={(next) => setRates({ byGroup: rates.byGroup.map((other, index) => (index === position ? { ...other, rates: next } : other)) })}
              />
            </li>
          ))}
        </ol>
        <Inline space="space.100" alignBlock="center">
          <input aria-label="Jira group" data-testid="group-rate-new" disabled={disabled} placeholder="Jira group name" value={group} onChange={(event) => setGroup(event.currentTarget.value)} />
          <Button
            testId="group-rate-add"
            isDisabled={disabled || group.trim() === ''}
            onClick={() => {
              setRates({ byGroup: [...rates.byGroup, { group: group.trim(), rates: [] }] });
              setGroup('');
            }}
          >
            Add group
          </Button>
        </Inline>
      </Stack>
    </Section>
  );
}
