/**
 * The fixed parts of the demo site: statuses, issue types, priorities and custom fields, with the ids
 * the generator and the app agree on, plus the words summaries are made of.
 */
import { forgeFieldExtensionAri } from '../../constants';
import type { DatasetCustomField, DatasetIssueType, DatasetStatus, Dataset } from '../dataset';

export const STATUS = {
  toDo: { id: '10000', name: 'To Do', categoryKey: 'new' },
  inProgress: { id: '10001', name: 'In Progress', categoryKey: 'indeterminate' },
  inReview: { id: '10002', name: 'In Review', categoryKey: 'indeterminate' },
  blocked: { id: '10003', name: 'Blocked', categoryKey: 'indeterminate' },
  done: { id: '10004', name: 'Done', categoryKey: 'done' },
  wontDo: { id: '10005', name: "Won't Do", categoryKey: 'done' },
} as const satisfies Record<string, DatasetStatus>;
export type StatusRef = (typeof STATUS)[keyof typeof STATUS];

export const ISSUE_TYPE = {
  epic: { id: '10000', name: 'Epic', description: 'A large body of work: a work package with its own budget.', hierarchyLevel: 1, subtask: false },
  story: { id: '10001', name: 'Story', description: 'A feature, told from the user’s point of view.', hierarchyLevel: 0, subtask: false },
  task: { id: '10002', name: 'Task', description: 'A piece of work that is not a feature.', hierarchyLevel: 0, subtask: false },
  bug: { id: '10003', name: 'Bug', description: 'A problem that impairs or prevents the product from working.', hierarchyLevel: 0, subtask: false },
  subtask: { id: '10004', name: 'Sub-task', description: 'A piece of a story or task.', hierarchyLevel: -1, subtask: true },
} as const satisfies Record<string, DatasetIssueType>;
export type IssueTypeRef = (typeof ISSUE_TYPE)[keyof typeof ISSUE_TYPE];

/** Jira Cloud's own priority ids. */
export const PRIORITY = {
  highest: { id: '1', name: 'Highest' },
  high: { id: '2', name: 'High' },
  medium: { id: '3', name: 'Medium' },
  low: { id: '4', name: 'Low' },
  lowest: { id: '5', name: 'Lowest' },
} as const;
export type PriorityRef = (typeof PRIORITY)[keyof typeof PRIORITY];

/** Resolutions appear only in changelog items (the dataset has no resolution table). */
export const RESOLUTION = {
  done: { id: '10000', name: 'Done' },
  wontDo: { id: '10001', name: "Won't Do" },
} as const;

export const FIELD = {
  storyPoints: 'customfield_10016',
  startDate: 'customfield_10015',
  flagged: 'customfield_10021',
  plannedBudget: 'customfield_10100',
  actualCost: 'customfield_10101',
  budgetVariance: 'customfield_10102',
} as const;

export const CUSTOM_FIELDS: DatasetCustomField[] = [
  {
    id: FIELD.startDate,
    name: 'Start date',
    description: 'When work on the item is planned to start.',
    type: 'date',
    custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker',
  },
  {
    id: FIELD.storyPoints,
    name: 'Story point estimate',
    description: 'Measurement of complexity and/or size of a requirement.',
    type: 'number',
    custom: 'com.pyxis.greenhopper.jira:jsw-story-points',
  },
  {
    id: FIELD.flagged,
    name: 'Flagged',
    description: 'Allows to flag issues with impediments.',
    type: 'array',
    items: 'option',
    custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
  },
  {
    id: FIELD.plannedBudget,
    name: 'Planned budget',
    description: 'The budget planned for this work item (PMO Portfolio).',
    type: 'number',
    custom: forgeFieldExtensionAri('planned-budget'),
  },
  {
    id: FIELD.actualCost,
    name: 'Actual cost',
    description: 'The cost booked against this work item so far (PMO Portfolio).',
    type: 'number',
    custom: forgeFieldExtensionAri('actual-cost'),
  },
  {
    id: FIELD.budgetVariance,
    name: 'Budget variance',
    description: 'Planned budget minus actual cost, computed by PMO Portfolio.',
    type: 'number',
    custom: forgeFieldExtensionAri('budget-variance'),
  },
];

export function referenceData(): Pick<Dataset, 'statuses' | 'issueTypes' | 'priorities' | 'customFields'> {
  return {
    statuses: Object.values(STATUS).map((status) => ({ ...status })),
    issueTypes: Object.values(ISSUE_TYPE).map((type) => ({ ...type })),
    priorities: Object.values(PRIORITY).map((priority) => ({ ...priority })),
    customFields: CUSTOM_FIELDS.map((field) => ({ ...field })),
  };
}

/** Words for summaries: "<verb> <thing> <qualifier>", so titles read like a real backlog. */
export const SUMMARY_WORDS = {
  storyVerbs: ['As a customer I can', 'As an agent I can', 'As an admin I can', 'As a partner I can', 'As a manager I can'],
  storyActions: [
    'see my order history',
    'reset my password',
    'export the monthly statement',
    'filter results by date',
    'receive push notifications',
    'update my contact details',
    'approve pending requests',
    'download invoices as PDF',
    'track delivery status',
    'compare plans side by side',
    'save a draft and resume later',
    'sign in with single sign-on',
    'see consent history',
    'search the knowledge base',
    'schedule a callback',
  ],
  taskVerbs: ['Set up', 'Migrate', 'Automate', 'Document', 'Upgrade', 'Configure', 'Load-test', 'Harden', 'Review', 'Decommission'],
  taskThings: [
    'the staging environment',
    'the CI pipeline',
    'database backups',
    'the API gateway',
    'TLS certificates',
    'the monitoring dashboards',
    'the data retention job',
    'the message queue',
    'access reviews',
    'the reporting warehouse',
    'feature flags',
    'the runbook',
  ],
  bugThings: [
    'Login fails when',
    'Totals are wrong when',
    'Page times out when',
    'Export is empty when',
    'Duplicate records appear when',
    'Notification is sent twice when',
    'Date shows in the wrong zone when',
    'Button does nothing when',
  ],
  bugConditions: [
    'the session expired',
    'the list has more than 100 rows',
    'the user has two roles',
    'the currency is not EUR',
    'the network is slow',
    'the browser language is German',
    'a filter is applied',
    'the account was migrated',
  ],
  epicThemes: [
    'Onboarding',
    'Payments',
    'Reporting',
    'Identity and access',
    'Performance',
    'Data migration',
    'Notifications',
    'Search',
    'Mobile experience',
    'Audit and logging',
    'Self-service',
    'Integrations',
    'Resilience',
    'Analytics',
    'Accessibility',
    'Cost optimisation',
  ],
  subtaskVerbs: ['Design', 'Build', 'Test', 'Write docs for', 'Review'],
  labels: ['frontend', 'backend', 'tech-debt', 'customer-request', 'security', 'ux', 'performance', 'data'],
};
