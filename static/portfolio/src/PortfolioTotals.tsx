import Lozenge from '@atlaskit/lozenge';
import { Inline, Text } from '@atlaskit/primitives';
import type { PortfolioMetrics } from '@pmo/contract';
import { formatFigure } from '../../shared/format';

/** The roll-up of the portfolio in view: sums, indices from the sums, and projects by health. */
export function PortfolioTotals({ portfolio }: { portfolio: PortfolioMetrics }) {
  const item = (label: string, text: string, reason: string | null) => (
    <span key={label} title={reason ?? undefined}>
      <Text weight="medium">{label}</Text> <Text>{text}</Text>
    </span>
  );
  const money = (label: string, figure: PortfolioMetrics['bac']) => {
    const shown = formatFigure(figure, 'money');
    return item(label, shown.text, shown.reason);
  };
  const index = (label: string, figure: PortfolioMetrics['spi']) => {
    const shown = formatFigure(figure, 'index');
    return item(label, shown.text, shown.reason);
  };
  return (
    <Inline space="space.300" alignBlock="center" testId="portfolio-totals">
      {money('BAC', portfolio.bac)}
      {money('PV', portfolio.pv)}
      {money('EV', portfolio.ev)}
      {money('AC', portfolio.ac)}
      {index('SPI', portfolio.spi)}
      {index('CPI', portfolio.cpi)}
      <Inline space="space.050">
        <Lozenge appearance="removed">{portfolio.byHealth.red} red</Lozenge>
        <Lozenge appearance="moved">{portfolio.byHealth.amber} amber</Lozenge>
        <Lozenge appearance="success">{portfolio.byHealth.green} green</Lozenge>
      </Inline>
    </Inline>
  );
}
