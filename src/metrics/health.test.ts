import { figure, notAvailable } from './figure';
import { health, type HealthInputs } from './health';
import { at, settings } from './testing';

const onTrack: HealthInputs = { spi: figure(1), cpi: figure(1), overdueShare: figure(0), compliance: 1 };

function inputs(fields: Partial<HealthInputs>): HealthInputs {
  return { ...onTrack, ...fields };
}

describe('health: the default thresholds', () => {
  it('is green with no criteria when everything is on track', () => {
    expect(health(onTrack, settings())).toEqual({ rag: 'green', computedRag: 'green', criteria: [], override: null });
  });

  it('is green exactly at the amber limits (the limits themselves are fine)', () => {
    const result = health(inputs({ spi: figure(0.95), cpi: figure(0.95), overdueShare: figure(0.1), compliance: 0.8 }), settings());
    expect(result.computedRag).toBe('green');
  });

  it.each([
    ['SPI', inputs({ spi: figure(0.9) }), 'SPI 0.90 is below 0.95'],
    ['CPI', inputs({ cpi: figure(0.94) }), 'CPI 0.94 is below 0.95'],
    ['overdue share', inputs({ overdueShare: figure(0.15) }), 'Overdue share 15% is above 10%'],
    ['compliance', inputs({ compliance: 0.75 }), 'Compliance 75% is below 80%'],
  ])('is amber on %s alone, and says why', (_, given, criterion) => {
    expect(health(given, settings())).toMatchObject({ rag: 'amber', computedRag: 'amber', criteria: [criterion] });
  });

  it.each([
    ['SPI', inputs({ spi: figure(0.72) }), 'SPI 0.72 is below 0.80'],
    ['CPI', inputs({ cpi: figure(0.5) }), 'CPI 0.50 is below 0.80'],
    ['overdue share', inputs({ overdueShare: figure(0.25) }), 'Overdue share 25% is above 20%'],
  ])('is red on %s alone, and says why', (_, given, criterion) => {
    expect(health(given, settings())).toMatchObject({ rag: 'red', computedRag: 'red', criteria: [criterion] });
  });

  it('is red exactly at 0.80 only when below it: 0.80 itself is amber', () => {
    expect(health(inputs({ spi: figure(0.8) }), settings()).computedRag).toBe('amber');
    expect(health(inputs({ overdueShare: figure(0.2) }), settings()).computedRag).toBe('amber');
  });

  it('names every red criterion met, and only the red ones when red', () => {
    const result = health(inputs({ spi: figure(0.72), cpi: figure(0.6), overdueShare: figure(0.3), compliance: 0.5 }), settings());
    expect(result.criteria).toEqual(['SPI 0.72 is below 0.80', 'CPI 0.60 is below 0.80', 'Overdue share 30% is above 20%']);
  });

  it('names every amber criterion met when amber', () => {
    const result = health(inputs({ spi: figure(0.9), overdueShare: figure(0.12), compliance: 0.6 }), settings());
    expect(result.criteria).toEqual(['SPI 0.90 is below 0.95', 'Overdue share 12% is above 10%', 'Compliance 60% is below 80%']);
  });

  it('shows enough digits that value and limit differ', () => {
    expect(health(inputs({ spi: figure(0.799) }), settings()).criteria).toEqual(['SPI 0.799 is below 0.800']);
    expect(health(inputs({ overdueShare: figure(0.2004) }), settings()).criteria).toEqual(['Overdue share 20.04% is above 20.00%']);
  });
});

describe('health: figures that are not available', () => {
  it('never make a project green: without SPI and CPI health is "not set up", saying why', () => {
    const result = health(
      {
        spi: notAvailable('no work planned to be done yet (PV is 0)'),
        cpi: notAvailable('no cost recorded yet (AC is 0)'),
        overdueShare: notAvailable('no unresolved items'),
        compliance: null,
      },
      settings(),
    );
    expect(result).toEqual({
      rag: 'not set up',
      computedRag: 'not set up',
      criteria: ['SPI cannot be computed: no work planned to be done yet (PV is 0)', 'CPI cannot be computed: no cost recorded yet (AC is 0)'],
      override: null,
    });
  });

  it('one of SPI and CPI missing is enough to withhold green', () => {
    const result = health(inputs({ cpi: notAvailable('no budget set up (BAC is 0)') }), settings());
    expect(result).toMatchObject({ rag: 'not set up', criteria: ['CPI cannot be computed: no budget set up (BAC is 0)'] });
  });

  it('leave the other criteria working: red or amber needs only the figures that exist', () => {
    const result = health(inputs({ spi: notAvailable('no budget'), cpi: figure(0.7) }), settings());
    expect(result).toMatchObject({ rag: 'red', criteria: ['CPI 0.70 is below 0.80'] });
    const late = health(inputs({ spi: notAvailable('no budget'), cpi: notAvailable('no budget'), overdueShare: figure(0.5) }), settings());
    expect(late).toMatchObject({ rag: 'red', criteria: ['Overdue share 50% is above 20%'] });
  });

  it("the PMO's override still wins over 'not set up'", () => {
    const override = { rag: 'green' as const, comment: 'Budget comes next quarter', authorAccountId: 'pmo', atMs: 0 };
    const result = health(inputs({ spi: notAvailable('no budget'), cpi: notAvailable('no budget') }), settings({ healthOverride: override }));
    expect(result).toMatchObject({ rag: 'green', computedRag: 'not set up' });
  });
});

describe('health: the PMO’s thresholds and override', () => {
  it('uses the thresholds of the settings', () => {
    const strict = settings({
      thresholds: {
        red: { spiBelow: 0.9, cpiBelow: 0.9, overdueShareAbove: 0.05 },
        amber: { spiBelow: 1, cpiBelow: 1, overdueShareAbove: 0.02, complianceBelow: 0.95 },
      },
    });
    expect(health(inputs({ spi: figure(0.85) }), strict)).toMatchObject({ rag: 'red', criteria: ['SPI 0.85 is below 0.90'] });
    expect(health(inputs({ compliance: 0.9 }), strict)).toMatchObject({ rag: 'amber', criteria: ['Compliance 90% is below 95%'] });
  });

  const override = { rag: 'green' as const, comment: 'Recovery plan agreed with the sponsor', authorAccountId: 'pmo-1', atMs: at('2026-02-20T10:30') };

  it('lets the override win and keeps its comment, author and date; computedRag stays the thresholds’ answer', () => {
    const result = health(inputs({ spi: figure(0.72) }), settings({ healthOverride: override }), at('2026-03-01'));
    expect(result).toEqual({
      rag: 'green',
      computedRag: 'red',
      criteria: ['SPI 0.72 is below 0.80'],
      override: { rag: 'green', comment: 'Recovery plan agreed with the sponsor', authorAccountId: 'pmo-1', at: '2026-02-20T10:30:00.000Z' },
    });
  });

  it('applies an override without an as-of instant', () => {
    expect(health(onTrack, settings({ healthOverride: { ...override, rag: 'red' } })).rag).toBe('red');
  });

  it('ignores an override made after the as-of instant (it did not exist yet)', () => {
    const result = health(inputs({ spi: figure(0.72) }), settings({ healthOverride: override }), at('2026-02-01'));
    expect(result).toMatchObject({ rag: 'red', computedRag: 'red', override: null });
  });
});
