/** The current time, injectable so expiry is deterministic in tests. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock fixed at `iso`, for tests and for `RDS_IAM_NOW`. */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new Error(`Not a date: ${JSON.stringify(iso)}; use ISO 8601, e.g. 2026-01-31T00:00:00Z`);
  return () => new Date(at.getTime());
}

/** `RDS_IAM_NOW` (an ISO time) when set, else the system clock: how every entry point reads today. */
export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): Clock {
  return env.RDS_IAM_NOW ? fixedClock(env.RDS_IAM_NOW) : systemClock;
}

/** `YYYY-MM-DD` of a real calendar day, or undefined. */
export function parseDay(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over to March; a real day round-trips.
  return day.toISOString().slice(0, 10) === value ? day : undefined;
}

/** An instant to the minute (or second) in UTC, written with `Z`: `2026-12-01T18:00Z`. */
const UTC_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z$/;

/**
 * When access given by `expires` ends (exclusive), or undefined when it is neither form:
 * a day `YYYY-MM-DD` lasts to the end of that day, UTC (the next midnight); a time
 * `YYYY-MM-DDTHH:MMZ` (seconds optional) ends at that instant.
 */
export function expiryEnd(expires: string): Date | undefined {
  const day = parseDay(expires);
  if (day) return new Date(day.getTime() + 24 * 60 * 60 * 1000);
  const m = UTC_TIME.exec(expires);
  const date = m ? parseDay(m[1]) : undefined;
  if (!m || !date) return undefined;
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return new Date(date.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000);
}

/** True when access given by `expires` (a day or a UTC time, see expiryEnd) has ended at `now`. */
export function hasExpired(expires: string, now: Date): boolean {
  const end = expiryEnd(expires);
  return end !== undefined && now.getTime() >= end.getTime();
}
