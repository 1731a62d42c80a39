import { derive, figure, isAvailable, notAvailable, ratio } from './figure';

describe('figure helpers', () => {
  it('keeps a finite number', () => {
    expect(figure(0)).toEqual({ value: 0 });
    expect(figure(-2.5)).toEqual({ value: -2.5 });
  });

  it('never passes on Infinity or NaN', () => {
    expect(figure(Infinity).value).toBeNull();
    expect(figure(NaN).value).toBeNull();
  });

  it('divides, or says why not', () => {
    expect(ratio(3, 4, 'nothing')).toEqual({ value: 0.75 });
    expect(ratio(3, 0, 'no cost recorded yet (AC is 0)')).toEqual({ value: null, reason: 'no cost recorded yet (AC is 0)' });
    expect(ratio(0, 0, 'nothing planned')).toEqual({ value: null, reason: 'nothing planned' });
  });

  it('derives from available inputs and passes on the first missing reason', () => {
    expect(derive([figure(2), figure(3)], ([a, b]) => a * b)).toEqual({ value: 6 });
    expect(derive([figure(2), notAvailable('no PV'), notAvailable('no AC')], ([a]) => a)).toEqual({ value: null, reason: 'no PV' });
    expect(derive([figure(1), figure(0)], ([a, b]) => ratio(a, b, 'zero'))).toEqual({ value: null, reason: 'zero' });
    expect(isAvailable(figure(1))).toBe(true);
    expect(isAvailable(notAvailable('x'))).toBe(false);
  });
});
