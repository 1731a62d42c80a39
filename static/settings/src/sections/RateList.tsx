/** A dated list of hourly rates: each rate holds from its day until the next one's. */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { RatePeriodSetting } from '@pmo/contract';

export function RateList({ label, rates, onChange, disabled, testId }: { label: string; rates: RatePeriodSetting[]; onChange: (next: RatePeriodSetting[]) => void; disabled: boolean; testId: string }) {
  const [from, setFrom] = useState('');
  const [amount, setAmount] = useState('');
  const sorted = [...rates].sort((a, b) => a.from.localeCompare(b.from));
  return (
    <Stack space="space.050" testId={testId}>
      {sorted.length === 0 ? <Text color="color.text.subtlest">No rate: the next rate in the order of precedence applies.</Text> : null}
      {sorted.map((period) => (
        <Inline key={period.from} space="space.100" alignBlock="center">
          <span data-testid={`${testId}-period`}>
            {period.hourlyRate} an hour from {period.from}
          </span>
          <Button appearance="subtle" isDisabled={disabled} testId={`${testId}-remove-${period.from}`} onClick={() => onChange(rates.filter((entry) => entry !== period))}>
            Remove
          </Button>
        </Inline>
      ))}
      <Inline space="space.100" alignBlock="center">
        <input type="date" aria-label={`${label}: effective from`} data-testid={`${testId}-from`} disabled={disabled} value={from} onChange={(event) => setFrom(event.currentTarget.value)} />
        <input aria-label={`${label}: hourly rate`} data-testid={`${testId}-amount`} disabled={disabled} inputMode="decimal" placeholder="hourly rate" value={amount} onChange={(event) => setAmount(event.currentTarget.value)} />
        <Button
          testId={`${testId}-add`}
          isDisabled={disabled || from === '' || amount.trim() === ''}
          onClick={() => {
            // The server checks the rate (number, at least 0, two decimals) and refuses two rates on one day.
            onChange([...rates, { from, hourlyRate: Number(amount.trim()) }]);
            setFrom('');
            setAmount('');
          }}
        >
          Add rate
        </Button>
      </Inline>
    </Stack>
  );
}
