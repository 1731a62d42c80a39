import { projectValuesInJql } from './project-clauses';

describe('projectValuesInJql', () => {
  it.each([
    ['project = ALPHA', ['ALPHA']],
    ['PROJECT != "Beta Billing" ORDER BY key', ['Beta Billing']],
    ["project in (ALPHA, 'BETA', 10002) AND status = Done", ['ALPHA', 'BETA', '10002']],
    ['status = Done AND (project not in (GAMMA) OR assignee = currentUser())', ['GAMMA']],
    ['project in projectsWhereUserHasPermission("Browse") AND project = A2', ['A2']],
    ['project in (ALPHA, membersOf("x"), BETA)', ['ALPHA', 'BETA']],
    ['project is EMPTY OR project = EMPTY', []],
    ['summary ~ "project" AND labels = project', []],
    ['"project" = "ALPHA" ORDER BY project', ['ALPHA']],
    ['project in (")", "(x")', [')', '(x']],
  ])('%s', (jql, expected) => {
    expect(projectValuesInJql(jql).map((found) => found.value)).toEqual(expected);
  });

  it('tells unquoted numbers (ids) from quoted ones', () => {
    expect(projectValuesInJql('project in (10002, "10003", A1)')).toEqual([
      { value: '10002', numeric: true },
      { value: '10003', numeric: false },
      { value: 'A1', numeric: false },
    ]);
  });
});
