import { MAX_BUDGET_ROWS, parseBudgetCsv } from './csvImport';

const HEADER = 'issue key,planned budget,actual cost';

describe('parseBudgetCsv', () => {
  it('reads amounts, empty cells as unchanged and the word clear as empty', () => {
    const result = parseBudgetCsv(`${HEADER}\nAPOLLO-1,1000,250.5\nAPOLLO-2,,clear\nAPOLLO-3,CLEAR,\n`);
    expect(result).toEqual({
      ok: true,
      rows: [
        { line: 2, issueKey: 'APOLLO-1', changes: { plannedBudget: 1000, actualCost: 250.5 } },
        { line: 3, issueKey: 'APOLLO-2', changes: { actualCost: null } },
        { line: 4, issueKey: 'APOLLO-3', changes: { plannedBudget: null } },
      ],
    });
  });

  it('tolerates a BOM, CRLF, header case and spacing, quoted fields and any column order', () => {
    const result = parseBudgetCsv(`\uFEFF Actual  Cost ,ISSUE KEY,"Planned Budget"\r\n"12.00","apollo-7","3000"\r\n`);
    expect(result).toEqual({ ok: true, rows: [{ line: 2, issueKey: 'APOLLO-7', changes: { plannedBudget: 3000, actualCost: 12 } }] });
  });

  it('names every bad row by its line and what is wrong', () => {
    const result = parseBudgetCsv(`${HEADER}\nAPOLLO-1,100,5\nnot a key,1,1\nAPOLLO-2,-5,1.234\nAPOLLO-1,1,1\nAPOLLO-3,1e3,"1,000"\nAPOLLO-4,2000000000000,1\nAPOLLO-5,1\n`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.line)).toEqual([3, 4, 5, 6, 7, 8]);
    const text = result.problems.map((problem) => problem.message).join('\n');
    expect(text).toContain('Line 3: "NOT A KEY" is not an issue key');
    expect(text).toContain('planned budget cannot be negative');
    expect(text).toContain('actual cost "1.234" has more than 2 decimals');
    expect(text).toContain('APOLLO-1 is also on line 2');
    expect(text).toContain('planned budget "1e3" is not an amount');
    expect(text).toContain('actual cost "1,000" is not an amount');
    expect(text).toContain('cannot be more than 1,000,000,000,000');
    expect(text).toContain('Line 8: has 2 cells, the header has 3');
  });

  it('counts lines inside quoted fields so line numbers match the file', () => {
    const result = parseBudgetCsv(`${HEADER}\n"APOLLO-1","1\n0",1\nAPOLLO-2,x,1\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.line)).toEqual([2, 4]);
  });

  it('refuses a wrong header, an empty file, an unclosed quote and too many rows', () => {
    const header = parseBudgetCsv('key,planned budget\nA-1,1\n');
    expect(!header.ok && header.problems[0].message).toMatch(/missing "issue key", "actual cost"; unknown "key"/);
    const empty = parseBudgetCsv('');
    expect(!empty.ok && empty.problems[0].message).toMatch(/empty/);
    const noRows = parseBudgetCsv(`${HEADER}\n`);
    expect(!noRows.ok && noRows.problems[0].message).toMatch(/no rows/);
    const unclosed = parseBudgetCsv(`${HEADER}\n"A-1,1,1\n`);
    expect(!unclosed.ok && unclosed.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/quoted field is not closed/) });
    const rows = Array.from({ length: MAX_BUDGET_ROWS + 1 }, (_v, index) => `A-${index + 1},1,1`).join('\n');
    const tooMany = parseBudgetCsv(`${HEADER}\n${rows}`);
    expect(!tooMany.ok && tooMany.problems[0].message).toMatch(/5,001 rows: at most 5,000/);
  });
});
