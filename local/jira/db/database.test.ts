import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFixture } from '../server/test-fixture';
import { importDataset, jiraDatabaseHasData, openJiraDatabase } from './database';
import { formatJiraDateTime } from './jira-time';

const count = (db: ReturnType<typeof openJiraDatabase>, table: string): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('openJiraDatabase', () => {
  it('applies the schema and uses WAL for a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jira-db-'));
    try {
      const db = openJiraDatabase(path.join(dir, 'jira.sqlite'));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(jiraDatabaseHasData(db)).toBe(false);
      db.close();
      // Opening again keeps the schema (CREATE ... IF NOT EXISTS) and the data.
      const again = openJiraDatabase(path.join(dir, 'jira.sqlite'));
      expect(count(again, 'issues')).toBe(0);
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('importDataset', () => {
  it('loads every record, with Jira-formatted times, links and next issue numbers', () => {
    const db = openJiraDatabase(':memory:');
    const dataset = buildFixture({ alphaIssues: 30 });
    const summary = importDataset(db, dataset);
    expect(jiraDatabaseHasData(db)).toBe(true);
    expect(summary.issues).toBe(dataset.issues.length);
    expect(count(db, 'issues')).toBe(dataset.issues.length);
    expect(count(db, 'changelogs')).toBe(summary.changelogs);
    expect(count(db, 'worklogs')).toBe(summary.worklogs);
    expect(count(db, 'user_groups')).toBe(dataset.users.reduce((sum, user) => sum + user.groups.length, 0));

    const alpha3 = db.prepare("SELECT created, created_ms, parent_id, issue_number FROM issues WHERE key = 'ALPHA-3'").get() as {
      created: string;
      created_ms: number;
      parent_id: number;
      issue_number: number;
    };
    expect(alpha3.created).toBe(formatJiraDateTime(alpha3.created_ms));
    expect(alpha3.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(alpha3.parent_id).toBe(10001);
    expect(alpha3.issue_number).toBe(3);

    // ALPHA-3 "blocks" ALPHA-4: the outward side is the blocker.
    const link = db.prepare('SELECT inward_issue_id, outward_issue_id FROM issue_links WHERE outward_issue_id = 10003').get();
    expect(link).toEqual({ inward_issue_id: 10004, outward_issue_id: 10003 });
    expect(db.prepare("SELECT next_issue_number AS n FROM projects WHERE key = 'ALPHA'").get()).toEqual({ n: 31 });
    db.close();
  });

  it('replaces the previous content', () => {
    const db = openJiraDatabase(':memory:');
    importDataset(db, buildFixture({ alphaIssues: 30 }));
    importDataset(db, buildFixture({ alphaIssues: 5, betaIssues: 1, gammaIssues: 0 }));
    expect(count(db, 'issues')).toBe(6);
    expect(count(db, 'site')).toBe(1);
    db.close();
  });

  it('names the record behind a dangling reference and keeps the old content', () => {
    const db = openJiraDatabase(':memory:');
    importDataset(db, buildFixture({ alphaIssues: 5 }));
    const broken = buildFixture({ alphaIssues: 5 });
    broken.issues[2].parentKey = 'ALPHA-99';
    expect(() => importDataset(db, broken)).toThrow(/ALPHA-3.*ALPHA-99/);
    const unknownStatus = buildFixture({ alphaIssues: 5 });
    unknownStatus.issues[0].statusId = '777';
    expect(() => importDataset(db, unknownStatus)).toThrow(/ALPHA-1 has unknown status 777/);
    expect(count(db, 'issues')).toBe(5 + 12 + 5);
    db.close();
  });

  it('imports 20,000 issues with changelogs and worklogs in a few seconds', () => {
    const db = openJiraDatabase(':memory:');
    const dataset = buildFixture({ alphaIssues: 20_000 });
    const summary = importDataset(db, dataset);
    expect(summary.issues).toBe(20_000 + 12 + 5);
    expect(summary.changelogs).toBeGreaterThan(20_000);
    // 100,000 issues take about five times as long; see the report in the change's notes.
    expect(summary.milliseconds).toBeLessThan(10_000);
    db.close();
  });
});
