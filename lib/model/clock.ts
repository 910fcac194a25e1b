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

/** True when a `YYYY-MM-DD` last day of access is before today (UTC). */
export function hasExpired(expires: string, now: Date): boolean {
  const lastDay = parseDay(expires);
  if (!lastDay) return false;
  return now.getTime() >= lastDay.getTime() + 24 * 60 * 60 * 1000;
}
