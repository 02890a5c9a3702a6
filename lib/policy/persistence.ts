// Persistence health as a pure verdict: INFO persistence and the `save` schedule in, ok / fail /
// unknown out, with what was judged in words. The ops page's `persistence` check and the
// `persistence` alert share it, so they cannot disagree. No I/O and no clock: the caller passes `now`.
import type { PersistenceInfo } from "@/lib/server-facts";

/** INFO persistence: the fields the check and the alert judge (lib/redis/info.ts parsePersistence). */
/** One `save <seconds> <changes>` rule: snapshot when at least `changes` writes are `seconds` old. */
export interface SaveRule {
  seconds: number;
  changes: number;
}

/**
 * "900 1 300 10 60 10000" -> [{900, 1}, {300, 10}, {60, 10000}]; "" -> [] (snapshots off);
 * null when the text is not pairs of positive integers (it is then not judged, never guessed).
 */
export function parseSaveSchedule(save: string): SaveRule[] | null {
  const parts = save.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return [];
  if (parts.length % 2 !== 0) return null;
  const rules: SaveRule[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const seconds = Number(parts[i]);
    const changes = Number(parts[i + 1]);
    if (!Number.isInteger(seconds) || !Number.isInteger(changes) || seconds <= 0 || changes <= 0) return null;
    rules.push({ seconds, changes });
  }
  return rules;
}

/** Slack past a rule's period before a missing save counts: Redis retries a failed save after 5 s, and saves take time. */
export const SAVE_SLACK_SECONDS = 60;

export interface PersistenceVerdict {
  status: "ok" | "fail" | "unknown";
  /** What failed, each in words ("the last background save failed (rdb_last_bgsave_status:err)"). */
  problems: string[];
  /** What was judged, in words, for the check's actual column and the alert's summary. */
  judged: string;
  /**
   * The same without the figures that change from one read to the next (age, changes): what a
   * passing check says, so the nodes of a deployment that all pass say the same thing.
   */
  basis: string;
  /** Seconds since the last successful save, when known. */
  lastSaveAgeSeconds: number | null;
}

export interface PersistenceInput {
  /** null: INFO persistence could not be read. */
  info: PersistenceInfo | null;
  /** CONFIG GET save; null when CONFIG is refused (the schedule is then not judged). */
  save: string | null;
  /** Milliseconds since the epoch. */
  now: number;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The schedule rule that has been due the longest (changes reached, period plus slack passed), if any. */
export function overdueRule(
  rules: SaveRule[],
  changes: number,
  ageSeconds: number,
  slackSeconds: number,
): SaveRule | null {
  let worst: SaveRule | null = null;
  for (const rule of rules) {
    if (changes < rule.changes || ageSeconds <= rule.seconds + slackSeconds) continue;
    if (!worst || rule.seconds < worst.seconds) worst = rule;
  }
  return worst;
}

/**
 * Fails when the last background save failed (rdb_last_bgsave_status:err), when the last successful
 * save is older than the schedule implies for the changes pending (a rule's period plus slack has
 * passed with its change count reached), or when AOF is on and its last rewrite or write failed.
 * Unknown when INFO persistence was not read. With snapshots off (save ""), no RDB save is due, but
 * a failed manual BGSAVE still fails.
 */
export function judgePersistence({ info, save, now }: PersistenceInput): PersistenceVerdict {
  if (!info) {
    return {
      status: "unknown",
      problems: [],
      judged: "INFO persistence could not be read",
      basis: "INFO persistence could not be read",
      lastSaveAgeSeconds: null,
    };
  }
  const problems: string[] = [];
  const age = Math.max(0, now / 1000 - info.rdbLastSaveTime);
  if (info.rdbLastBgsaveStatus !== "ok")
    problems.push(`the last background save failed (rdb_last_bgsave_status:${info.rdbLastBgsaveStatus})`);
  const rules = save === null ? null : parseSaveSchedule(save);
  let schedule: string;
  if (save === null) schedule = "save schedule unknown (CONFIG refused): only the save statuses judged";
  else if (rules === null) schedule = `save "${save}" not understood: only the save statuses judged`;
  else if (rules.length === 0) schedule = 'snapshots off (save ""): no save is due';
  else {
    const running = info.rdbBgsaveInProgress ? Math.max(0, info.rdbCurrentBgsaveTimeSec) : 0;
    const slack = SAVE_SLACK_SECONDS + Math.max(0, info.rdbLastBgsaveTimeSec) + running;
    const due = overdueRule(rules, info.rdbChangesSinceLastSave, age, slack);
    schedule = `save "${save.trim().replace(/\s+/g, " ")}"`;
    if (due) {
      problems.push(
        `no successful save for ${duration(age)} with ${info.rdbChangesSinceLastSave} changes pending: the schedule saves after ${duration(due.seconds)} once ${due.changes} change${due.changes === 1 ? "" : "s"} are made`,
      );
    }
  }
  if (info.aofEnabled) {
    if (info.aofLastWriteStatus !== "ok")
      problems.push(`AOF writes are failing (aof_last_write_status:${info.aofLastWriteStatus})`);
    if (info.aofLastBgrewriteStatus !== "ok")
      problems.push(`the last AOF rewrite failed (aof_last_bgrewrite_status:${info.aofLastBgrewriteStatus})`);
  }
  const aof = info.aofEnabled
    ? `AOF on (write ${info.aofLastWriteStatus}, rewrite ${info.aofLastBgrewriteStatus})`
    : "AOF off";
  const facts = [
    `last save ${duration(age)} ago, status ${info.rdbLastBgsaveStatus}`,
    `${info.rdbChangesSinceLastSave} changes since`,
    schedule,
    aof,
  ];
  return {
    status: problems.length > 0 ? "fail" : "ok",
    problems,
    judged: facts.join("; "),
    basis: [`last save status ${info.rdbLastBgsaveStatus}, none overdue`, schedule, aof].join("; "),
    lastSaveAgeSeconds: age,
  };
}
