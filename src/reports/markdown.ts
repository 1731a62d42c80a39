/**
 * A status report's ADF document as Markdown, for the status e-mail of `pmo report --format md`: the same
 * document the macro exports to PDF and Word, so the e-mail and the page never disagree. Covers the nodes
 * `reportToAdf` writes (headings, paragraphs with strong text, bullet lists, tables, rules).
 */
import type { AdfDocument, Block, Inline } from './adf';

/** Text as Markdown shows it literally: characters that would start markup are escaped. */
function literal(value: string): string {
  return value.replace(/([\\`*_[\]|<>#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function inline(parts: readonly Inline[]): string {
  return parts.map((part) => (part.marks?.some((mark) => mark.type === 'strong') ? `**${literal(part.text).trim()}**${part.text.endsWith(' ') ? ' ' : ''}` : literal(part.text))).join('');
}

function block(node: Block): string {
  switch (node.type) {
    case 'heading':
      return `${'#'.repeat(node.attrs.level)} ${inline(node.content)}`;
    case 'paragraph':
      return inline(node.content);
    case 'bulletList':
      return node.content.map((item) => `- ${item.content.map((paragraph) => inline(paragraph.content)).join(' ')}`).join('\n');
    case 'rule':
      return '---';
    case 'table': {
      // A header row is bold in Markdown already.
      const plain = (parts: readonly Inline[]) => parts.map((part) => ({ type: part.type, text: part.text }));
      const rows = node.content.map((row) => `| ${row.content.map((cell) => cell.content.map((paragraph) => inline(cell.type === 'tableHeader' ? plain(paragraph.content) : paragraph.content)).join(' ')).join(' | ')} |`);
      const columns = node.content[0]?.content.length ?? 0;
      return [rows[0], `|${' --- |'.repeat(columns)}`, ...rows.slice(1)].join('\n');
    }
  }
}

export function adfToMarkdown(document: AdfDocument): string {
  return `${document.content.map(block).join('\n\n')}\n`;
}
