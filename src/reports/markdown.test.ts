import { adfToMarkdown } from './markdown';
import type { AdfDocument } from './adf';

describe('a report document as Markdown', () => {
  const document: AdfDocument = {
    type: 'doc',
    version: 1,
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Risks' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Totals: ', marks: [{ type: 'strong' }] }, { type: 'text', text: '2 red' }] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A-1 *urgent* fix_it' }] }] }] },
      {
        type: 'table',
        attrs: { isNumberColumnEnabled: false, layout: 'default' },
        content: [
          { type: 'tableRow', content: [{ type: 'tableHeader', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Project', marks: [{ type: 'strong' }] }] }] }, { type: 'tableHeader', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'SPI', marks: [{ type: 'strong' }] }] }] }] },
          { type: 'tableRow', content: [{ type: 'tableCell', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A | B\nC' }] }] }, { type: 'tableCell', attrs: {}, content: [{ type: 'paragraph', content: [] }] }] },
        ],
      },
    ],
  };

  it('keeps headings, strong text, lists and tables, and text that looks like markup stays text', () => {
    expect(adfToMarkdown(document)).toBe(['## Risks', '', '**Totals:** 2 red', '', '- A-1 \\*urgent\\* fix\\_it', '', '| Project | SPI |', '| --- | --- |', '| A \\| B C |  |', ''].join('\n'));
  });
});
