/**
 * The project values a JQL query names in `project = X`, `project != X`, `project in (X, Y)` and
 * `project not in (...)` clauses. Jira answers a project the caller cannot browse as if it did not
 * exist; the JQL compiler knows nothing of the caller, so the server looks at these values itself.
 * Only clause positions are read (start of query, after `(`, AND, OR, NOT), so a text value such as
 * `summary ~ "project"` is never taken for the field.
 */

type Token = { kind: 'word' | 'string'; value: string } | { kind: 'punct' | 'op'; value: string };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < jql.length) {
    const char = jql[index];
    if (/\s/.test(char)) {
      index++;
    } else if (char === '"' || char === "'") {
      let value = '';
      index++;
      while (index < jql.length && jql[index] !== char) {
        if (jql[index] === '\\' && index + 1 < jql.length) index++;
        value += jql[index++];
      }
      index++;
      tokens.push({ kind: 'string', value });
    } else if ('(),'.includes(char)) {
      tokens.push({ kind: 'punct', value: char });
      index++;
    } else if ('=!~<>'.includes(char)) {
      const two = jql.slice(index, index + 2);
      const op = ['!=', '!~', '>=', '<='].includes(two) ? two : char;
      tokens.push({ kind: 'op', value: op });
      index += op.length;
    } else {
      let value = '';
      while (index < jql.length && !/[\s(),=!~<>"']/.test(jql[index])) value += jql[index++];
      tokens.push({ kind: 'word', value });
    }
  }
  return tokens;
}

const isPunct = (token: Token | undefined, value: string): boolean => token !== undefined && token.kind === 'punct' && token.value === value;

const isWord = (token: Token | undefined, word: string): boolean =>
  token !== undefined && token.kind === 'word' && token.value.toLowerCase() === word;

/** Whether a clause may start right after `previous`. */
function clauseStart(previous: Token | undefined): boolean {
  return previous === undefined || isPunct(previous, '(') || isWord(previous, 'and') || isWord(previous, 'or') || isWord(previous, 'not');
}

export interface ProjectValue {
  value: string;
  /** Written as an unquoted number: Jira reads it as an id first and names it so in messages. */
  numeric: boolean;
}

/** Project values named by the query's project clauses (keys, ids or names, as written). */
export function projectValuesInJql(jql: string): ProjectValue[] {
  const tokens = tokenize(jql);
  const values: ProjectValue[] = [];
  const push = (token: { kind: 'word' | 'string'; value: string }): void => {
    values.push({ value: token.value, numeric: token.kind === 'word' && /^\d+$/.test(token.value) });
  };
  const isValue = (token: Token | undefined): token is { kind: 'word' | 'string'; value: string } =>
    token !== undefined && (token.kind === 'word' || token.kind === 'string');
  const isFunctionCall = (at: number): boolean => tokens[at]?.kind === 'word' && isPunct(tokens[at + 1], '(');

  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at];
    if (!isValue(token) || token.value.toLowerCase() !== 'project' || !clauseStart(tokens[at - 1])) continue;
    const operator = tokens[at + 1];
    if (operator?.kind === 'op' && (operator.value === '=' || operator.value === '!=')) {
      const value = tokens[at + 2];
      if (isValue(value) && !isFunctionCall(at + 2) && !(value.kind === 'word' && ['empty', 'null'].includes(value.value.toLowerCase()))) {
        push(value);
      }
      continue;
    }
    let listStart = -1;
    if (isWord(operator, 'in')) listStart = at + 2;
    else if (isWord(operator, 'not') && isWord(tokens[at + 2], 'in')) listStart = at + 3;
    if (listStart < 0 || !isPunct(tokens[listStart], '(')) continue;
    for (let item = listStart + 1; item < tokens.length && !isPunct(tokens[item], ')'); item++) {
      const candidate = tokens[item];
      if (isFunctionCall(item)) {
        // Skip the call's own parentheses.
        while (item < tokens.length && !isPunct(tokens[item], ')')) item++;
        continue;
      }
      if (isValue(candidate) && !(candidate.kind === 'word' && ['empty', 'null'].includes(candidate.value.toLowerCase()))) push(candidate);
    }
  }
  return values;
}
