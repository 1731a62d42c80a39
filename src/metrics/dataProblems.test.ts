import { dataProblems } from './dataProblems';
import type { WorkItem } from './model';

const item = (key: string, unknownStatusIds?: string[]) => ({ key, ...(unknownStatusIds ? { unknownStatusIds } : {}) }) as WorkItem;

test('each status Jira no longer knows is named once, with the items whose history names it', () => {
  expect(dataProblems({ items: [item('P-1'), item('P-2', ['10042']), item('P-3', ['10042', '9']), item('P-4', ['10042']), item('P-5', ['10042'])] })).toEqual([
    'status 9, in the history of P-3, is not a status Jira knows any more: moves through it count as the status before it',
    'status 10042, in the history of P-2, P-3, P-4 and 1 more, is not a status Jira knows any more: moves through it count as the status before it',
  ]);
  expect(dataProblems({ items: [item('P-1')] })).toEqual([]);
});
