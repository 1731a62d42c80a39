/**
 * The simulated Confluence's rendering of a macro's ADF for the page's PDF and Word export: the nodes the
 * export can hold (headings, paragraphs, lists, tables, text marks, rules), each as plain HTML. A node
 * it does not know is shown as a visible placeholder naming it, never dropped silently.
 */
import { escapeHtml } from './pages';

interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string }[];
  content?: AdfNode[];
}

const TAGS: Record<string, string> = {
  paragraph: 'p',
  bulletList: 'ul',
  orderedList: 'ol',
  listItem: 'li',
  table: 'table',
  tableRow: 'tr',
  tableHeader: 'th',
  tableCell: 'td',
};

function render(node: AdfNode): string {
  if (node.type === 'text') {
    let html = escapeHtml(node.text ?? '');
    for (const mark of node.marks ?? []) {
      if (mark.type === 'strong') html = `<strong>${html}</strong>`;
      else if (mark.type === 'em') html = `<em>${html}</em>`;
      else if (mark.type === 'code') html = `<code>${html}</code>`;
    }
    return html;
  }
  const inner = (node.content ?? []).map(render).join('');
  if (node.type === 'doc') return inner;
  if (node.type === 'heading') {
    const level = Math.min(6, Math.max(1, Number(node.attrs?.level ?? 2)));
    return `<h${level}>${inner}</h${level}>`;
  }
  if (node.type === 'rule') return '<hr>';
  if (node.type === 'hardBreak') return '<br>';
  const tag = TAGS[node.type];
  if (tag) return tag === 'table' ? `<table>${inner}</table>` : `<${tag}>${inner}</${tag}>`;
  return `<p class="unknown-node">[${escapeHtml(node.type)}]</p>${inner}`;
}

export function adfToHtml(document: unknown): string {
  return render(document as AdfNode);
}

/** A page of the export: its title, then each macro's content in its place. */
export function exportPageHtml(title: string, blocks: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; margin: 24px; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
</style></head><body><h1>${escapeHtml(title)}</h1>${blocks.join('\n<hr>\n')}</body></html>`;
}
