/** Checks of the colours a page shows under a theme, run in the app's frame. */

/**
 * Runs in the app's frame: every colour an element shows (text, background, borders, outline, SVG
 * fill and stroke) checked against the values the loaded theme gives Atlaskit's --ds-* tokens, once
 * every transition has ended.
 */
export const COLOURS_OFF_THE_THEME = `(async () => {
  // Colours still easing from the light fallbacks to the dark tokens are not yet what the page shows.
  await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
  const view = document.defaultView;
  const root = view.getComputedStyle(document.documentElement);
  const probe = document.createElement('span');
  document.body.appendChild(probe);
  const canonical = (value) => { probe.style.color = ''; probe.style.color = value; return view.getComputedStyle(probe).color; };
  const themed = new Set(['rgba(0, 0, 0, 0)']);
  const names = new Set();
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = sheet.cssRules; } catch (error) { continue; }
    for (const rule of rules) if (rule.style) for (const name of rule.style) if (name.startsWith('--ds-')) names.add(name);
  }
  for (const name of names) {
    const value = root.getPropertyValue(name).trim();
    if (value && CSS.supports('color', value)) themed.add(canonical(value));
  }
  probe.remove();
  const off = [];
  let checked = 0;
  for (const element of document.body.querySelectorAll('*')) {
    const style = view.getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const properties = ['color', 'background-color'];
    for (const side of ['top', 'right', 'bottom', 'left']) {
      if (style.getPropertyValue('border-' + side + '-style') !== 'none' && parseFloat(style.getPropertyValue('border-' + side + '-width')) > 0) properties.push('border-' + side + '-color');
    }
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) properties.push('outline-color');
    if (element instanceof SVGElement) properties.push('fill', 'stroke');
    for (const property of properties) {
      const value = style.getPropertyValue(property);
      checked++;
      if (!themed.has(value) && value !== 'none' && !value.startsWith('url(')) off.push((element.getAttribute('data-testid') || element.tagName.toLowerCase()) + ' ' + property + ': ' + value);
    }
  }
  const body = view.getComputedStyle(document.body);
  return { tokens: themed.size, checked, off: [...new Set(off)], background: body.backgroundColor, text: body.color };
})()`;

/** The relative luminance of a computed CSS colour (0 black, 1 white). */
export function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => Number(part) / 255);
  const linear = (channel: number) => (channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

