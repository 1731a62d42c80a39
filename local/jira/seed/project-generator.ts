/**
 * Generates one project's versions and issues by simulating its work: each item gets a plan (start,
 * finish, estimate) and an outcome bent by the project's health profile (delay, overrun, discipline).
 * Status changelogs, due-date slips, worklogs, costs and version releases all follow from that one
 * simulation, so the metrics computed from them agree with each other.
 */
import { fieldBudgetVariance } from '../../../src/metrics/budget';
import type { DatasetChangelog, DatasetIssue, DatasetVersion, DatasetWorklog } from '../dataset';
import {
  FIELD,
  ISSUE_TYPE,
  PRIORITY,
  RESOLUTION,
  STATUS,
  SUMMARY_WORDS,
  type IssueTypeRef,
  type PriorityRef,
  type StatusRef,
} from './catalog';
import type { HealthProfile } from './profiles';
import { deriveSeed, Random } from './random';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

type ChangelogItem = DatasetChangelog['items'][number];

/** What the generator needs to know about one project. */
export interface ProjectPlan {
  id: string;
  key: string;
  name: string;
  categoryId: string | undefined;
  leadAccountId: string;
  /** People who are assigned work and log time. */
  workerAccountIds: readonly string[];
  /** People who create issues besides the workers and the lead (e.g. the PMO). */
  extraReporterAccountIds: readonly string[];
  /** Deactivated people who did some of the old work. */
  formerAccountIds: readonly string[];
  issueCount: number;
  profile: HealthProfile;
  /** Blended cost of an hour of work, used for planned budgets and actual costs. */
  hourlyRate: number;
}

/** State shared by all projects of one dataset: id counters and cross-project link candidates. */
export interface GeneratorContext {
  now: number;
  /** Fewer changelog entries and worklogs per issue, for the large dataset. */
  lite: boolean;
  displayNames: ReadonlyMap<string, string>;
  nextId: { issue: number; changelog: number; worklog: number; link: number; version: number };
  /** Unresolved issue keys of projects generated earlier, by category: targets of cross-project Blocks links. */
  openIssuesByCategory: Map<string, string[]>;
}

export interface GeneratedProject {
  versions: DatasetVersion[];
  issues: DatasetIssue[];
}

interface VersionDraft {
  id: string;
  name: string;
  startDate: number;
  releaseDate: number;
}

interface Event {
  at: number;
  author: string;
  items: ChangelogItem[];
  /** The issue's resolution after this event, when the event changes it. */
  resolution?: 'set' | 'cleared';
}

interface Draft {
  type: IssueTypeRef;
  parent: Draft | null;
  children: Draft[];
  summary: string;
  created: number;
  plannedStart: number;
  plannedFinish: number;
  /** The real size of the work; logged hours follow it even when nobody wrote an estimate. */
  sizeHours: number;
  hasEstimate: boolean;
  storyPoints: number | null;
  version: VersionDraft | null;
  priority: PriorityRef;
  assignee: string | null;
  reporter: string;
  labels: string[];
  dueDate: number | null;
  /** Simulated actual start and finish (before snapping to working hours); null when not reached. */
  start: number | null;
  finish: number | null;
  /** Where the simulation put the work even if now has not reached it: subtasks are scheduled inside it. */
  expectedStart: number;
  expectedFinish: number;
  status: StatusRef;
  events: Event[];
  resolved: number | null;
  updated: number;
  worklogs: DatasetWorklog[];
  loggedSeconds: number;
  flagged: boolean;
  blocked: boolean;
  plannedBudget: number | null;
  actualCost: number | null;
  links: DatasetIssue['links'];
  key: string;
  id: string;
}

const STORY_HOURS = [4, 8, 8, 12, 16, 16, 24, 32, 40] as const;
const TASK_HOURS = [2, 4, 4, 8, 8, 16, 24] as const;
const BUG_HOURS = [1, 2, 2, 4, 4, 8, 12] as const;
const SUBTASK_HOURS = [1, 2, 3, 4, 4, 6, 8] as const;
const POINTS_BY_HOURS: ReadonlyArray<readonly [number, number]> = [
  [4, 1],
  [8, 2],
  [12, 3],
  [16, 5],
  [24, 5],
  [32, 8],
  [40, 13],
];
const WORKLOG_PIECES_HOURS = [0.5, 1, 1.5, 2, 2, 3, 3, 4, 4, 6, 8] as const;

export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Moves a moment into 07:00-17:00 UTC of its own day, keeping the order of moments. */
function toWorkingHours(ms: number, now: number): number {
  const day = startOfDay(ms);
  const fraction = (ms - day) / DAY;
  const snapped = day + 7 * HOUR + Math.round((fraction * 10 * HOUR) / MINUTE) * MINUTE;
  return snapped > now ? ms : snapped;
}

function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function statusItem(from: StatusRef, to: StatusRef): ChangelogItem {
  return { field: 'status', fieldId: 'status', fieldtype: 'jira', from: from.id, fromString: from.name, to: to.id, toString: to.name };
}

function resolutionItem(set: boolean, resolution: { id: string; name: string }): ChangelogItem {
  return set
    ? { field: 'resolution', fieldId: 'resolution', fieldtype: 'jira', from: null, fromString: null, to: resolution.id, toString: resolution.name }
    : { field: 'resolution', fieldId: 'resolution', fieldtype: 'jira', from: resolution.id, fromString: resolution.name, to: null, toString: null };
}

/** Jira writes due dates in changelogs as a date plus a zero time. */
function dueDateItem(from: number | null, to: number | null): ChangelogItem {
  const text = (ms: number | null): string | null => (ms === null ? null : `${isoDay(ms)} 00:00:00.0`);
  return {
    field: 'duedate',
    fieldId: 'duedate',
    fieldtype: 'jira',
    from: from === null ? null : isoDay(from),
    fromString: text(from),
    to: to === null ? null : isoDay(to),
    toString: text(to),
  };
}

function flagItem(on: boolean): ChangelogItem {
  return on
    ? { field: 'Flagged', fieldId: FIELD.flagged, fieldtype: 'custom', from: null, fromString: null, to: '[10019]', toString: 'Impediment' }
    : { field: 'Flagged', fieldId: FIELD.flagged, fieldtype: 'custom', from: '[10019]', fromString: 'Impediment', to: null, toString: null };
}

export function generateProject(plan: ProjectPlan, context: GeneratorContext, random: Random): GeneratedProject {
  return new ProjectSimulation(plan, context, random).run();
}

class ProjectSimulation {
  private readonly profile: HealthProfile;
  private readonly now: number;
  private readonly today: number;
  private readonly planStart: number;
  private readonly planEnd: number;
  private readonly versions: VersionDraft[] = [];
  private readonly drafts: Draft[] = [];

  constructor(
    private readonly plan: ProjectPlan,
    private readonly context: GeneratorContext,
    private readonly random: Random,
  ) {
    this.profile = plan.profile;
    this.now = context.now;
    this.today = startOfDay(context.now);
    this.planStart = this.today - this.profile.startDaysAgo * DAY + 8 * HOUR;
    this.planEnd = this.today + this.profile.endDaysFromNow * DAY + 17 * HOUR;
  }

  run(): GeneratedProject {
    this.planVersions();
    this.planWork();
    this.numberIssues();
    this.addLinks();
    this.addBudgets();
    const versions = this.finishVersions();
    const issues = this.drafts.map((draft) => this.toIssue(draft));
    this.rememberOpenIssues();
    return { versions, issues };
  }

  // ---- plan ---------------------------------------------------------------------------------

  private planVersions(): void {
    const spanDays = (this.planEnd - this.planStart) / DAY;
    const count = Math.max(2, Math.min(8, Math.round(spanDays / 90)));
    const major = this.random.int(1, 3);
    let previousRelease = this.planStart;
    for (let index = 0; index < count; index += 1) {
      const releaseDate = startOfDay(this.planStart + ((index + 1) * (this.planEnd - this.planStart)) / count);
      this.versions.push({
        id: String(this.context.nextId.version++),
        name: `${major + Math.floor(index / 3)}.${index % 3}`,
        startDate: startOfDay(previousRelease + (index === 0 ? 0 : DAY)),
        releaseDate,
      });
      previousRelease = releaseDate;
    }
  }

  private versionFor(moment: number): VersionDraft {
    return this.versions.find((version) => version.releaseDate + DAY > moment) ?? this.versions[this.versions.length - 1];
  }

  private planWork(): void {
    const { issueCount } = this.plan;
    const perEpic = this.context.lite ? 30 : 22;
    const epicCount = Math.max(1, Math.min(issueCount - 1, Math.round(issueCount / perEpic)));
    const looseBugs = Math.min(issueCount - epicCount * 2, Math.round(issueCount * this.profile.bugShare * 0.3));
    let remaining = issueCount - epicCount - Math.max(0, looseBugs);
    // Epic windows overlap a little and together cover the whole plan evenly.
    const span = this.planEnd - this.planStart;
    const windowLength = Math.min(span, (span / epicCount) * 1.5);
    const step = epicCount > 1 ? (span - windowLength) / (epicCount - 1) : 0;
    const themes = this.random.sample(SUMMARY_WORDS.epicThemes, SUMMARY_WORDS.epicThemes.length);

    for (let index = 0; index < epicCount; index += 1) {
      const windowStart = this.planStart + index * step;
      const windowEnd = windowStart + windowLength;
      const theme = themes[index % themes.length];
      const round = Math.floor(index / themes.length);
      const epic = this.newDraft(ISSUE_TYPE.epic, null, `${theme}${round > 0 ? ` (phase ${round + 1})` : ''}`);
      epic.created = Math.max(this.planStart - 30 * DAY, windowStart - this.random.int(7, 30) * DAY);
      epic.created = Math.min(epic.created, this.now - this.random.int(48, 400) * HOUR);
      epic.plannedStart = windowStart;
      epic.plannedFinish = windowEnd;
      epic.version = this.versionFor(windowEnd);
      epic.assignee = this.plan.leadAccountId;
      epic.reporter = this.random.chance(0.7) ? this.plan.leadAccountId : this.pickReporter();
      epic.priority = this.random.chance(0.3) ? PRIORITY.high : PRIORITY.medium;
      epic.dueDate = startOfDay(windowEnd);
      this.drafts.push(epic);

      const share = Math.max(1, Math.floor(remaining / (epicCount - index)));
      let allocated = Math.min(share, remaining);
      remaining -= allocated;
      while (allocated > 0) {
        const type = this.random.weighted(
          [ISSUE_TYPE.story, ISSUE_TYPE.task, ISSUE_TYPE.bug],
          [0.6, 0.3, this.profile.bugShare * 0.7 + 0.05],
        );
        const subtaskShare = this.context.lite ? 0.1 : 0.22;
        const subtasks =
          type !== ISSUE_TYPE.bug && allocated > 1 && this.random.chance(subtaskShare) ? Math.min(allocated - 1, this.random.int(1, 3)) : 0;
        const item = this.planItem(type, epic, windowStart, windowEnd, subtasks === 0);
        for (let sub = 0; sub < subtasks; sub += 1) this.planSubtask(item, sub, subtasks);
        allocated -= 1 + subtasks;
      }
      this.settleEpic(epic);
    }

    // Bugs found along the way that belong to no epic.
    for (let index = 0; index < looseBugs; index += 1) {
      const found = this.planStart + this.random.next() * Math.max(DAY, Math.min(this.planEnd, this.now) - this.planStart);
      this.planItem(ISSUE_TYPE.bug, null, found, found + this.random.int(3, 20) * DAY, true);
    }
  }

  private newDraft(type: IssueTypeRef, parent: Draft | null, summary: string): Draft {
    const draft: Draft = {
      type,
      parent,
      children: [],
      summary,
      created: 0,
      plannedStart: 0,
      plannedFinish: 0,
      sizeHours: 0,
      hasEstimate: false,
      storyPoints: null,
      version: null,
      priority: PRIORITY.medium,
      assignee: null,
      reporter: this.plan.leadAccountId,
      labels: [],
      dueDate: null,
      start: null,
      finish: null,
      expectedStart: 0,
      expectedFinish: 0,
      status: STATUS.toDo,
      events: [],
      resolved: null,
      updated: 0,
      worklogs: [],
      loggedSeconds: 0,
      flagged: false,
      blocked: false,
      plannedBudget: null,
      actualCost: null,
      links: [],
      key: '',
      id: '',
    };
    if (parent) parent.children.push(draft);
    return draft;
  }

  private pickReporter(): string {
    const roll = this.random.next();
    if (roll < 0.25) return this.plan.leadAccountId;
    if (roll < 0.35 && this.plan.extraReporterAccountIds.length > 0) return this.random.pick(this.plan.extraReporterAccountIds);
    return this.random.pick(this.plan.workerAccountIds);
  }

  private summaryFor(type: IssueTypeRef, parent: Draft | null): string {
    const words = SUMMARY_WORDS;
    switch (type) {
      case ISSUE_TYPE.story:
        return `${this.random.pick(words.storyVerbs)} ${this.random.pick(words.storyActions)}`;
      case ISSUE_TYPE.task:
        return `${this.random.pick(words.taskVerbs)} ${this.random.pick(words.taskThings)}`;
      case ISSUE_TYPE.bug:
        return `${this.random.pick(words.bugThings)} ${this.random.pick(words.bugConditions)}`;
      default:
        return `${this.random.pick(words.subtaskVerbs)}: ${(parent?.summary ?? 'work item').slice(0, 200)}`;
    }
  }

  /** A story, task or bug: plan, outcome, history and worklogs. */
  private planItem(type: IssueTypeRef, epic: Draft | null, windowStart: number, windowEnd: number, cancellable: boolean): Draft {
    const { random, profile } = this;
    const item = this.newDraft(type, epic, this.summaryFor(type, null));
    const hours = type === ISSUE_TYPE.story ? STORY_HOURS : type === ISSUE_TYPE.task ? TASK_HOURS : BUG_HOURS;
    item.sizeHours = random.pick(hours);
    // People juggle several items, so an item takes longer in calendar days than its hours suggest.
    const plannedDays = Math.max(1, Math.min(30, item.sizeHours / 1.5)) * random.between(0.8, 2.2);
    const latestStart = Math.max(windowStart, windowEnd - plannedDays * DAY);
    item.plannedStart = windowStart + random.next() * (latestStart - windowStart);
    item.plannedFinish = item.plannedStart + plannedDays * DAY;
    const floor = epic ? epic.created + HOUR : this.planStart - 30 * DAY;
    item.created = Math.max(floor, item.plannedStart - random.int(1, 25) * DAY);
    item.created = Math.min(item.created, this.now - random.int(1, 72) * HOUR);
    item.created = Math.max(item.created, floor);
    item.version = epic?.version ?? this.versionFor(item.plannedFinish);
    if (!random.chance(0.45 + 0.5 * profile.discipline)) item.version = null;
    item.reporter = this.pickReporter();
    item.priority =
      type === ISSUE_TYPE.bug
        ? PRIORITY.medium
        : random.weighted([PRIORITY.highest, PRIORITY.high, PRIORITY.medium, PRIORITY.low, PRIORITY.lowest], [0.04, 0.2, 0.6, 0.13, 0.03]);
    item.hasEstimate = random.chance(0.1 + 0.88 * profile.discipline);
    if (type === ISSUE_TYPE.story && item.hasEstimate) {
      item.storyPoints = (POINTS_BY_HOURS.find(([limit]) => item.sizeHours <= limit) ?? [0, 13])[1];
    }
    if (random.chance(0.1 + 0.8 * profile.discipline)) item.dueDate = startOfDay(item.plannedFinish);
    if (random.chance(0.35)) item.labels.push(random.pick(SUMMARY_WORDS.labels));
    if (type === ISSUE_TYPE.bug && random.chance(0.3)) item.labels.push('regression');
    if (random.chance(0.3)) item.assignee = random.pick(this.plan.workerAccountIds);

    const factor = random.between(profile.scheduleFactor[0], profile.scheduleFactor[1]);
    const delay = (profile.drift * Math.max(0, item.plannedStart - this.planStart)) / DAY;
    let start = item.plannedStart + (delay + random.between(-1, 2)) * DAY;
    // Stalled items linger in progress: the aging work a PMO asks about.
    const stall = random.chance(profile.stallShare) ? random.between(4, 10) : 1;
    let finish = start + plannedDays * factor * stall * DAY;
    if (profile.finished) {
      // A finished project closed everything before its end.
      const deadline = this.planEnd - random.int(1, 20) * DAY;
      if (finish > deadline) {
        finish = deadline;
        start = Math.min(start, finish - plannedDays * 0.5 * DAY);
      }
    }
    start = Math.max(start, item.created + HOUR);
    finish = Math.max(finish, start + 2 * HOUR);
    this.simulate(item, start, finish, cancellable);
    this.drafts.push(item);
    return item;
  }

  private planSubtask(parent: Draft, index: number, count: number): void {
    const { random } = this;
    const subtask = this.newDraft(ISSUE_TYPE.subtask, parent, this.summaryFor(ISSUE_TYPE.subtask, parent));
    subtask.sizeHours = random.pick(SUBTASK_HOURS);
    subtask.hasEstimate = parent.hasEstimate && random.chance(0.8);
    subtask.reporter = parent.assignee ?? parent.reporter;
    subtask.priority = parent.priority;
    subtask.created = Math.min(parent.created + random.int(1, 48) * HOUR, this.now - HOUR);
    subtask.created = Math.max(subtask.created, parent.created + MINUTE);
    const parentSpan = parent.plannedFinish - parent.plannedStart;
    subtask.plannedStart = parent.plannedStart + (parentSpan * index) / count;
    subtask.plannedFinish = subtask.plannedStart + parentSpan / count;
    if (random.chance(0.25) && parent.dueDate !== null) subtask.dueDate = startOfDay(subtask.plannedFinish);
    subtask.assignee = parent.assignee ?? (random.chance(0.5) ? random.pick(this.plan.workerAccountIds) : null);

    // Subtasks run inside the parent's actual interval, in order.
    const parentStart = parent.start ?? parent.expectedStart;
    const parentEnd = parent.resolved ?? parent.expectedFinish;
    const slice = (parentEnd - parentStart) / count;
    const start = Math.max(subtask.created + HOUR, parentStart + slice * index + random.next() * slice * 0.2);
    const finish = Math.max(start + HOUR, parentStart + slice * (index + 1) - random.next() * slice * 0.1 - HOUR);
    this.simulate(subtask, start, finish, false);
    this.drafts.push(subtask);
  }

  // ---- simulate one item ------------------------------------------------------------------------

  private simulate(item: Draft, start: number, finish: number, cancellable: boolean): void {
    const { random, profile, now } = this;
    const lite = this.context.lite;
    const worker = (): string => item.assignee ?? random.pick(this.plan.workerAccountIds);
    const events: Event[] = [];
    const deadline = profile.finished ? this.planEnd : now - HOUR;

    // Bugs are triaged: the default priority is changed soon after creation, by a disciplined team.
    if (item.type === ISSUE_TYPE.bug && random.chance(profile.discipline)) {
      const at = item.created + random.int(1, 48) * HOUR;
      if (at < now - HOUR) {
        const to = random.weighted([PRIORITY.highest, PRIORITY.high, PRIORITY.low], [0.2, 0.55, 0.25]);
        events.push({
          at,
          author: this.plan.leadAccountId,
          items: [{ field: 'priority', fieldId: 'priority', fieldtype: 'jira', from: PRIORITY.medium.id, fromString: PRIORITY.medium.name, to: to.id, toString: to.name }],
        });
        item.priority = to;
      }
    }

    item.expectedStart = start;
    item.expectedFinish = finish;
    let status: StatusRef = STATUS.toDo;
    let lastMove = item.created;
    // Status moves are made in order; keeping their times strictly increasing keeps the from/to chain intact.
    const move = (at: number, to: StatusRef, author: string, extra: ChangelogItem[] = [], resolution?: Event['resolution']): void => {
      lastMove = Math.max(at, lastMove + MINUTE);
      events.push({ at: lastMove, author, items: [statusItem(status, to), ...extra], resolution });
      status = to;
    };

    const neverStarted = start > now - HOUR && !profile.finished;
    const cancel = cancellable && random.chance(profile.wontDoShare);
    if (cancel && item.created < now - 3 * DAY) {
      const at = Math.min(item.created + random.int(2, 60) * DAY, deadline, now - HOUR);
      move(at, STATUS.wontDo, this.plan.leadAccountId, [resolutionItem(true, RESOLUTION.wontDo)], 'set');
      item.start = null;
      item.finish = null;
    } else if (!neverStarted) {
      item.start = start;
      const inProgressExtra: ChangelogItem[] = [];
      if (item.assignee === null && random.chance(0.25 + 0.75 * profile.discipline)) {
        item.assignee = this.pickAssignee(finish);
        inProgressExtra.push({
          field: 'assignee',
          fieldId: 'assignee',
          fieldtype: 'jira',
          from: null,
          fromString: null,
          to: item.assignee,
          toString: this.context.displayNames.get(item.assignee) ?? item.assignee,
        });
      }
      move(start, STATUS.inProgress, worker(), inProgressExtra);
      const duration = finish - start;
      const done = finish <= deadline;
      const reviewShare = (item.type === ISSUE_TYPE.task ? 0.4 : item.type === ISSUE_TYPE.subtask ? 0.15 : 0.7) * (lite ? 0.5 : 1);

      if (done) {
        if (random.chance(profile.blockedShare * (lite ? 0.5 : 1.5))) {
          move(start + duration * 0.3, STATUS.blocked, worker(), lite ? [] : [flagItem(true)]);
          move(start + duration * 0.5, STATUS.inProgress, worker(), lite ? [] : [flagItem(false)]);
        }
        if (random.chance(reviewShare)) move(start + duration * 0.8, STATUS.inReview, worker());
        move(finish, STATUS.done, worker(), [resolutionItem(true, RESOLUTION.done)], 'set');
        item.finish = finish;
        const reopenShare = profile.reopenShare * (item.type === ISSUE_TYPE.bug ? 2 : 1);
        if (item.type !== ISSUE_TYPE.subtask && random.chance(reopenShare)) {
          const reopenAt = finish + random.between(0.5, 12) * DAY;
          const redoneAt = reopenAt + random.between(0.5, 8) * DAY;
          if (reopenAt < now - HOUR && (!profile.finished || redoneAt < deadline)) {
            move(reopenAt, STATUS.inProgress, worker(), [resolutionItem(false, RESOLUTION.done)], 'cleared');
            if (redoneAt < deadline) {
              move(redoneAt, STATUS.done, worker(), [resolutionItem(true, RESOLUTION.done)], 'set');
              item.finish = redoneAt;
              item.expectedFinish = redoneAt;
            } else {
              item.finish = null;
            }
          }
        }
      } else {
        const elapsed = (now - start) / Math.max(duration, HOUR);
        if (elapsed > 0.7 && random.chance(reviewShare)) {
          move(Math.min(start + duration * 0.75, now - 2 * HOUR), STATUS.inReview, worker());
        }
        if (random.chance(profile.blockedShare * 2.5)) {
          const blockedAt = Math.max(start + (now - start) * 0.5, now - random.int(1, 25) * DAY);
          move(Math.min(blockedAt, now - HOUR), STATUS.blocked, worker(), [flagItem(true)]);
          item.flagged = true;
          item.blocked = true;
        } else if (random.chance(profile.flaggedShare * 3)) {
          events.push({ at: Math.max(start + HOUR, now - random.int(1, 14) * DAY), author: worker(), items: [flagItem(true)] });
          item.flagged = true;
        }
      }
    }

    // A discipline-minded lead moves a due date that is about to be missed; late teams do it again and again.
    if (item.dueDate !== null) {
      const slipEnd = item.finish ?? now;
      let due = item.dueDate;
      const maxSlips = lite ? 1 : 3;
      for (let slip = 0; slip < maxSlips && due + DAY < slipEnd && random.chance(profile.slipShare); slip += 1) {
        const at = Math.min(Math.max(item.created + HOUR, due - random.int(0, 4) * DAY + 10 * HOUR), now - HOUR);
        const next = due + random.int(5, 30) * DAY;
        events.push({ at, author: this.plan.leadAccountId, items: [dueDateItem(due, next)] });
        due = next;
      }
      item.dueDate = due;
    }

    item.status = status;
    this.settleHistory(item, events);
    this.logWork(item);
  }

  private pickAssignee(finish: number): string {
    const former = this.plan.formerAccountIds;
    if (former.length > 0 && finish < this.now - 300 * DAY && this.random.chance(0.3)) return this.random.pick(former);
    return this.random.pick(this.plan.workerAccountIds);
  }

  /** Snaps the history into working hours, keeps it in order, and derives resolution and updated from it. */
  private settleHistory(item: Draft, events: Event[]): void {
    events.sort((a, b) => a.at - b.at);
    let previous = toWorkingHours(item.created, this.now);
    item.created = previous;
    if (item.start !== null) item.start = Math.max(previous, toWorkingHours(item.start, this.now));
    let resolved: number | null = null;
    for (const event of events) {
      event.at = Math.max(previous, toWorkingHours(event.at, this.now));
      previous = event.at;
      if (event.resolution === 'set') resolved = event.at;
      if (event.resolution === 'cleared') resolved = null;
    }
    item.events = events;
    item.resolved = item.status.categoryKey === 'done' ? resolved : null;
    item.updated = previous;
  }

  /** Worklogs between the actual start and the resolution (or now), by the assignee and sometimes a colleague. */
  private logWork(item: Draft): void {
    const { random, profile, now } = this;
    if (item.start === null || item.type === ISSUE_TYPE.epic) return;
    // Disciplined teams log time on nearly everything; sloppy ones on a third of it.
    if (!random.chance(0.3 + 0.65 * profile.discipline)) return;
    const end = Math.min(item.resolved ?? now, now);
    const expectedEnd = item.finish ?? now;
    const progress = item.resolved !== null ? 1 : Math.max(0.05, Math.min(0.95, (now - item.start) / Math.max(HOUR, expectedEnd - item.start + DAY)));
    const costFactor = random.between(profile.costFactor[0], profile.costFactor[1]);
    let remainingHours = Math.max(0.25, roundTo(item.sizeHours * costFactor * progress * random.between(0.85, 1.15), 0.25));
    const pieces: number[] = [];
    if (this.context.lite) {
      const count = Math.min(3, Math.max(1, Math.ceil(remainingHours / 16)));
      for (let index = 0; index < count; index += 1) pieces.push(Math.max(0.25, roundTo(remainingHours / count, 0.25)));
    } else {
      while (remainingHours > 0 && pieces.length < 14) {
        const piece = Math.min(remainingHours, random.pick(WORKLOG_PIECES_HOURS));
        pieces.push(piece);
        remainingHours = roundTo(remainingHours - piece, 0.25);
      }
      if (remainingHours > 0) pieces[pieces.length - 1] += remainingHours;
    }
    const span = Math.max(0, end - item.start);
    for (const hours of pieces) {
      const seconds = Math.round(hours * 3600);
      let started = startOfDay(item.start + random.next() * span) + random.int(8, 15) * HOUR + random.pick([0, 15, 30, 45]) * MINUTE;
      const weekday = new Date(started).getUTCDay();
      if (weekday === 6 || weekday === 0) started -= (weekday === 6 ? 1 : 2) * DAY;
      started = Math.min(Math.max(started, item.created), now - seconds * 1000, end);
      started = Math.max(started, item.created);
      const created = Math.min(now, started + seconds * 1000 + random.int(0, 120) * MINUTE);
      const updated = random.chance(0.05) ? Math.min(now, created + random.int(1, 72) * HOUR) : created;
      const author = item.assignee !== null && random.chance(0.75) ? item.assignee : random.pick(this.plan.workerAccountIds);
      item.worklogs.push({
        id: '0',
        authorAccountId: author,
        started: isoDateTime(started),
        timeSpentSeconds: seconds,
        created: isoDateTime(created),
        updated: isoDateTime(updated),
      });
      item.loggedSeconds += seconds;
      item.updated = Math.max(item.updated, updated);
    }
    item.worklogs.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0));
    for (const worklog of item.worklogs) worklog.id = String(this.context.nextId.worklog++);
  }

  /** An epic moves when its children move: in progress with the first, done a few days after the last. */
  private settleEpic(epic: Draft): void {
    const { random, now } = this;
    const children = epic.children;
    const starts = children.map((child) => child.start ?? (child.status.categoryKey === 'done' ? child.resolved : null)).filter((value): value is number => value !== null);
    const events: Event[] = [];
    let status: StatusRef = STATUS.toDo;
    if (starts.length > 0) {
      const firstStart = Math.max(epic.created + HOUR, Math.min(...starts));
      events.push({ at: firstStart, author: this.plan.leadAccountId, items: [statusItem(status, STATUS.inProgress)] });
      status = STATUS.inProgress;
      epic.start = firstStart;
      const allDone = children.every((child) => child.status.categoryKey === 'done');
      if (allDone) {
        const lastResolution = Math.max(...children.map((child) => child.resolved ?? child.created));
        const doneAt = lastResolution + random.int(1, 5) * DAY;
        if (doneAt < now - HOUR) {
          events.push({ at: doneAt, author: this.plan.leadAccountId, items: [statusItem(status, STATUS.done), resolutionItem(true, RESOLUTION.done)], resolution: 'set' });
          status = STATUS.done;
          epic.finish = doneAt;
        }
      }
    }
    if (epic.dueDate !== null) {
      const slipEnd = epic.finish ?? now;
      let due = epic.dueDate;
      for (let slip = 0; slip < 3 && due + DAY < slipEnd && random.chance(this.profile.slipShare); slip += 1) {
        const at = Math.min(Math.max(epic.created + HOUR, due - random.int(0, 7) * DAY), now - HOUR);
        const next = due + random.int(14, 45) * DAY;
        events.push({ at, author: this.plan.leadAccountId, items: [dueDateItem(due, next)] });
        due = next;
      }
      epic.dueDate = due;
    }
    epic.status = status;
    this.settleHistory(epic, events);
  }

  // ---- after all items exist --------------------------------------------------------------------

  /** Keys follow creation order, as in Jira; ids keep growing across the whole site. */
  private numberIssues(): void {
    this.drafts.sort((a, b) => a.created - b.created);
    this.drafts.forEach((draft, index) => {
      draft.key = `${this.plan.key}-${index + 1}`;
      draft.id = String(this.context.nextId.issue++);
    });
  }

  private addLinks(): void {
    const { random } = this;
    const open = this.drafts.filter((draft) => draft.type !== ISSUE_TYPE.epic && draft.status.categoryKey !== 'done');
    const resolved = this.drafts.filter((draft) => draft.type !== ISSUE_TYPE.epic && draft.status.categoryKey === 'done');
    const link = (from: Draft, type: DatasetIssue['links'][number]['type'], toKey: string): void => {
      if (from.key === toKey || from.links.some((existing) => existing.outwardIssueKey === toKey)) return;
      from.links.push({ id: String(this.context.nextId.link++), type, outwardIssueKey: toKey });
    };
    // Every blocked item is blocked by another open item.
    for (const blocked of open.filter((draft) => draft.blocked)) {
      const candidates = open.filter((draft) => draft !== blocked && draft.parent !== blocked && blocked.parent !== draft && !draft.blocked);
      if (candidates.length > 0) link(random.pick(candidates), 'Blocks', blocked.key);
    }
    // Dependencies that were resolved long ago, and loose relations.
    const pairs = Math.round(this.drafts.length * (this.context.lite ? 0.02 : 0.04));
    for (let index = 0; index < pairs && resolved.length > 1; index += 1) {
      link(random.pick(resolved), 'Blocks', random.pick(resolved).key);
      link(random.pick(this.drafts), 'Relates', random.pick(this.drafts).key);
    }
    // Cross-project dependency inside the portfolio: one of ours holds up one of theirs.
    const category = this.plan.categoryId;
    const theirs = category === undefined ? undefined : this.context.openIssuesByCategory.get(category);
    if (theirs && theirs.length > 0 && open.length > 0) {
      for (let index = 0; index < 2; index += 1) link(random.pick(open), 'Blocks', random.pick(theirs));
    }
  }

  /** Planned budgets on epics (work packages) and on some stories (breakdowns); actual cost from logged hours. */
  private addBudgets(): void {
    const { random, profile } = this;
    if (!profile.budgeted) return;
    const rate = this.plan.hourlyRate;
    const subtreeHours = (draft: Draft): { planned: number; logged: number } =>
      draft.children.reduce(
        (sum, child) => {
          const inner = subtreeHours(child);
          return { planned: sum.planned + child.sizeHours + inner.planned, logged: sum.logged + child.loggedSeconds / 3600 + inner.logged };
        },
        { planned: 0, logged: 0 },
      );
    // Actual cost is each item's own share, so the field adds up without double counting: a story
    // with a budget of its own carries its subtree's cost, and its epic carries the rest.
    const costedStoryHours = new Map<Draft, number>();
    for (const draft of this.drafts) {
      if (draft.type === ISSUE_TYPE.story && draft.parent !== null && random.chance(0.3)) {
        const subtasks = subtreeHours(draft);
        const hours = draft.sizeHours + subtasks.planned;
        const logged = draft.loggedSeconds / 3600 + subtasks.logged;
        draft.plannedBudget = roundTo(hours * rate * profile.contingency, 50);
        if (logged > 0) draft.actualCost = Math.round(logged * rate);
        costedStoryHours.set(draft, logged);
      }
    }
    for (const draft of this.drafts) {
      if (draft.type !== ISSUE_TYPE.epic) continue;
      const hours = subtreeHours(draft);
      if (profile.discipline >= 0.8 || random.chance(profile.discipline)) draft.plannedBudget = roundTo(hours.planned * rate * profile.contingency, 100);
      const costedBelow = draft.children.reduce((sum, child) => sum + (costedStoryHours.get(child) ?? 0), 0);
      const own = hours.logged - costedBelow;
      if (own > 0) draft.actualCost = Math.round(own * rate);
    }
  }

  /** A version is released when its date has passed and (nearly) all its work is done; otherwise it is overdue. */
  private finishVersions(): DatasetVersion[] {
    const open = new Map<VersionDraft, number>();
    const total = new Map<VersionDraft, number>();
    for (const draft of this.drafts) {
      if (!draft.version) continue;
      total.set(draft.version, (total.get(draft.version) ?? 0) + 1);
      if (draft.status.categoryKey !== 'done') open.set(draft.version, (open.get(draft.version) ?? 0) + 1);
    }
    return this.versions.map((version) => {
      const openShare = (open.get(version) ?? 0) / Math.max(1, total.get(version) ?? 0);
      const released = this.profile.finished || (version.releaseDate < this.today && openShare <= 0.05);
      return {
        id: version.id,
        projectKey: this.plan.key,
        name: version.name,
        description: `Release ${version.name} of ${this.plan.name}`,
        startDate: isoDay(version.startDate),
        releaseDate: isoDay(version.releaseDate),
        released,
        archived: released && version.releaseDate < this.today - 300 * DAY && this.random.chance(0.5),
      };
    });
  }

  private rememberOpenIssues(): void {
    const category = this.plan.categoryId;
    if (category === undefined) return;
    const open = this.drafts.filter((draft) => draft.type !== ISSUE_TYPE.epic && draft.status.categoryKey !== 'done');
    const known = this.context.openIssuesByCategory.get(category) ?? [];
    // A handful per project is enough for cross-project links and keeps memory flat at scale.
    known.push(...this.random.sample(open, 5).map((draft) => draft.key));
    this.context.openIssuesByCategory.set(category, known.slice(-50));
  }

  /** Disciplined teams describe their work; each item's own stream, so the rest of the simulation is unchanged. */
  private describes(draft: Draft): boolean {
    if (draft.type === ISSUE_TYPE.subtask) return false;
    return new Random(deriveSeed(Number(draft.id), 0xde5c)).chance(0.1 + 0.88 * this.profile.discipline);
  }

  private toIssue(draft: Draft): DatasetIssue {
    const customFields: Record<string, unknown> = {};
    if (draft.storyPoints !== null) customFields[FIELD.storyPoints] = draft.storyPoints;
    if (draft.type === ISSUE_TYPE.epic && this.random.chance(0.2 + 0.8 * this.profile.discipline)) {
      customFields[FIELD.startDate] = isoDay(draft.plannedStart);
    }
    if (draft.flagged) customFields[FIELD.flagged] = [{ value: 'Impediment' }];
    if (draft.plannedBudget !== null) customFields[FIELD.plannedBudget] = draft.plannedBudget;
    if (draft.actualCost !== null) customFields[FIELD.actualCost] = draft.actualCost;
    // The app keeps Budget variance equal to planned minus actual on the site it runs on.
    if (draft.plannedBudget !== null && draft.actualCost !== null) customFields[FIELD.budgetVariance] = fieldBudgetVariance(draft.plannedBudget, draft.actualCost);
    const estimate = draft.hasEstimate && draft.type !== ISSUE_TYPE.epic ? draft.sizeHours * 3600 : null;
    const remaining =
      estimate === null ? null : draft.status.categoryKey === 'done' ? 0 : Math.max(0, estimate - draft.loggedSeconds);
    const changelog: DatasetChangelog[] = draft.events.map((event) => ({
      id: String(this.context.nextId.changelog++),
      authorAccountId: event.author,
      created: isoDateTime(event.at),
      items: event.items,
    }));
    return {
      id: draft.id,
      key: draft.key,
      projectKey: this.plan.key,
      issueTypeId: draft.type.id,
      summary: draft.summary,
      statusId: draft.status.id,
      priorityId: draft.priority.id,
      reporterAccountId: draft.reporter,
      assigneeAccountId: draft.assignee,
      parentKey: draft.parent ? draft.parent.key : null,
      created: isoDateTime(draft.created),
      updated: isoDateTime(draft.updated),
      resolutiondate: draft.resolved === null ? null : isoDateTime(draft.resolved),
      duedate: draft.dueDate === null ? null : isoDay(draft.dueDate),
      labels: draft.labels,
      fixVersionIds: draft.version && draft.type !== ISSUE_TYPE.subtask ? [draft.version.id] : [],
      timeoriginalestimate: estimate,
      timeestimate: remaining,
      customFields,
      description: this.describes(draft) ? `${draft.summary}: what is needed, for whom, and how the team will know it is done.` : null,
      links: draft.links,
      changelog,
      worklogs: draft.worklogs,
    };
  }
}
