import { JavaDateFormat, type JavaZone } from '#stellar';

/**
 * Metron's `SyslogUtils.parseTimestampToEpochMillis`, the two forms a Cisco syslog header can
 * carry: `MMM ppd HH:mm:ss` (no year: the device's current year, or the one before when that
 * would put the time more than four days ahead) and `MMM dd yyyy HH:mm:ss`. Both read in the
 * device's zone. Anything else (full month names, one-digit hours, fractions of a second) is
 * undefined, as Metron throws there.
 */

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// The formats' literal spaces: Metron's pre-check allows any whitespace, its formatter only a space.
const NO_YEAR = /^([A-Z][a-z]{2}) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const WITH_YEAR = /^([A-Z][a-z]{2}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const LOCAL = JavaDateFormat.of('yyyy-MM-dd HH:mm:ss');
const YEAR = JavaDateFormat.of('yyyy');
const FOUR_DAYS = 4 * 86_400_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] as number);

/** Epoch ms of a syslog header time, or undefined where Metron fails. */
export function syslogTimestamp(text: string, zone: JavaZone, now: number): number | undefined {
  let m = NO_YEAR.exec(text);
  if (m) {
    const [, mon, day, hh, mm, ss] = m as unknown as string[];
    const month = SHORT_MONTHS.indexOf(mon as string) + 1;
    if (month === 0 || !timeOk(hh, mm, ss)) return undefined;
    const d = Number(day);
    if (d < 1 || d > 31) return undefined;
    const year = Number(YEAR.format(now, zone));
    const at = (y: number) => (d > daysIn(y, month) ? undefined : local(y, month, d, hh, mm, ss, zone, now));
    const thisYear = at(year);
    if (thisYear === undefined) return undefined;
    return thisYear > now + FOUR_DAYS ? at(year - 1) : thisYear;
  }
  m = WITH_YEAR.exec(text);
  if (m) {
    const [, mon, day, yyyy, hh, mm, ss] = m as unknown as string[];
    const month = SHORT_MONTHS.indexOf(mon as string) + 1;
    const year = Number(yyyy);
    let d = Number(day);
    if (month === 0 || year < 1 || d < 1 || d > 31 || !timeOk(hh, mm, ss)) return undefined;
    // java.time's SMART resolver moves 30 February back to the month's last day.
    d = Math.min(d, daysIn(year, month));
    return local(year, month, d, hh, mm, ss, zone, now);
  }
  return undefined;
}

function timeOk(hh: string | undefined, mm: string | undefined, ss: string | undefined): boolean {
  return Number(hh) <= 23 && Number(mm) <= 59 && Number(ss) <= 59;
}

function local(
  y: number,
  month: number,
  d: number,
  hh: string | undefined,
  mm: string | undefined,
  ss: string | undefined,
  zone: JavaZone,
  now: number,
): number | undefined {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return LOCAL.parse(`${pad(y, 4)}-${pad(month, 2)}-${pad(d, 2)} ${hh}:${mm}:${ss}`, zone, now);
}
