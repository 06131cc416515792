import { IANAZone } from 'luxon';

/**
 * Java's `SimpleDateFormat`, `TimeZone.getTimeZone` and `GregorianCalendar` fields, as Metron's
 * date functions see them with the US locale: months and weekdays in English, weeks starting on
 * Sunday with one day enough to make the first week of a year, the Julian calendar before
 * 1582-10-15, lenient parsing (13th month rolls into the next year) that ignores text after the
 * pattern. Zone offsets come from the ICU time-zone data through luxon.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Java's default Gregorian cutover, 1582-10-15, in days since the epoch. */
const CUTOVER_DAY = -141_427;
const CUTOVER_YEAR = 1582;
/** The largest instant a JavaScript `Date` holds. */
const MAX_DATE_MS = 8.64e15;
/** Zone data ends with JavaScript's date range: beyond it, keep the offset at its edge. */
const clampToDate = (ms: number): number => Math.min(Math.max(ms, -MAX_DATE_MS), MAX_DATE_MS);

const mod = (a: number, b: number): number => ((a % b) + b) % b;

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic

/** Days since the epoch of a proleptic Gregorian date (month 1-12). */
function gregorianDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** Days since the epoch of a Julian-calendar date (month 1-12), through the Julian day number. */
function julianDays(y: number, m: number, d: number): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) - 32_083 - 2_440_588;
}

/** [year, month 1-12, day] of a day number, in the calendar Java uses for it. */
function civilFromDays(days: number): [number, number, number] {
  if (days >= CUTOVER_DAY) {
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  const c = days + 2_440_588 + 32_082;
  const dd = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * dd) / 4);
  const mm = Math.floor((5 * e + 2) / 153);
  const tenth = Math.floor(mm / 10);
  return [dd - 4800 + tenth, mm + 3 - 12 * tenth, e - Math.floor((153 * mm + 2) / 5) + 1];
}

/**
 * Days since the epoch of (proleptic year, 0-based month, day), leniently: months and days out of
 * range roll over, as a lenient `GregorianCalendar` does.
 */
export function daysFromFields(year: number, month0: number, day: number): number {
  const y = year + Math.floor(month0 / 12);
  const m = mod(month0, 12) + 1;
  if (y > CUTOVER_YEAR) return gregorianDays(y, m, 1) + day - 1;
  if (y < CUTOVER_YEAR) return julianDays(y, m, 1) + day - 1;
  const g = gregorianDays(y, m, 1) + day - 1;
  return g >= CUTOVER_DAY ? g : julianDays(y, m, 1) + day - 1;
}

/** 0 for Sunday … 6 for Saturday. */
const weekday0 = (days: number): number => mod(days + 4, 7);

/** Java `Calendar` fields of a local time (US week rules). */
export interface CalendarFields {
  /** 0 = BC, 1 = AD. */
  era: number;
  /** The year within its era (1 BC is 1), as `Calendar.YEAR`. */
  year: number;
  /** 0 = January. */
  month: number;
  dayOfMonth: number;
  /** 1 = Sunday … 7 = Saturday. */
  dayOfWeek: number;
  dayOfYear: number;
  dayOfWeekInMonth: number;
  weekOfYear: number;
  weekOfMonth: number;
  /** The year the week of `weekOfYear` belongs to (era-based, like `year`). */
  weekYear: number;
  hourOfDay: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The fields of the local time `local` (epoch ms shifted by the zone's offset). */
export function fieldsOfLocal(local: number): CalendarFields {
  const days = Math.floor(local / MS_PER_DAY);
  let msOfDay = local - days * MS_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const jan1 = daysFromFields(y, 0, 1);
  const dayOfYear = days - jan1 + 1;
  let weekOfYear = Math.floor((dayOfYear - 1 + weekday0(jan1)) / 7) + 1;
  let weekYear = y;
  if (weekOfYear >= 52) {
    // The week holding next January 1st is week 1 of next year.
    const nextJan1 = daysFromFields(y + 1, 0, 1);
    if (days >= nextJan1 - weekday0(nextJan1)) {
      weekOfYear = 1;
      weekYear = y + 1;
    }
  }
  const monthStart = days - d + 1;
  const hourOfDay = Math.floor(msOfDay / MS_PER_HOUR);
  msOfDay -= hourOfDay * MS_PER_HOUR;
  const minute = Math.floor(msOfDay / MS_PER_MINUTE);
  msOfDay -= minute * MS_PER_MINUTE;
  const second = Math.floor(msOfDay / 1000);
  return {
    era: y > 0 ? 1 : 0,
    year: y > 0 ? y : 1 - y,
    month: m - 1,
    dayOfMonth: d,
    dayOfWeek: weekday0(days) + 1,
    dayOfYear,
    dayOfWeekInMonth: Math.floor((d - 1) / 7) + 1,
    weekOfYear,
    weekOfMonth: Math.floor((d - 1 + weekday0(monthStart)) / 7) + 1,
    weekYear: weekYear > 0 ? weekYear : 1 - weekYear,
    hourOfDay,
    minute,
    second,
    millisecond: msOfDay - second * 1000,
  };
}

/** The calendar fields of instant `ms` in `zone`. */
export function calendarFields(ms: number, zone: JavaZone): CalendarFields {
  return fieldsOfLocal(ms + zone.offset(ms));
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** A zone as Java's `TimeZone` presents it. */
export interface JavaZone {
  /** The ID Java reports. */
  readonly id: string;
  /** Offset from UTC at instant `ms`, in ms. */
  offset(ms: number): number;
  /** The instant of local time `local`, resolving gaps and overlaps as `GregorianCalendar` does. */
  toUtc(local: number): number;
  /** Java's display name at instant `ms`: short (`EST`) or long (`Eastern Standard Time`). */
  name(ms: number, long: boolean): string;
}

/** `GMT+05:30`, Java's text for an offset without a name. */
function gmtText(offsetMs: number): string {
  if (offsetMs === 0) return 'GMT';
  const minutes = Math.abs(Math.round(offsetMs / MS_PER_MINUTE));
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `GMT${offsetMs < 0 ? '-' : '+'}${hh}:${mm}`;
}

class FixedZone implements JavaZone {
  constructor(
    readonly id: string,
    private readonly offsetMs: number,
    private readonly shortName: string,
    private readonly longName: string,
  ) {}
  offset(): number {
    return this.offsetMs;
  }
  toUtc(local: number): number {
    return local - this.offsetMs;
  }
  name(_ms: number, long: boolean): string {
    return long ? this.longName : this.shortName;
  }
}

/**
 * Java's short names for zones whose English names ICU gives only as `GMT+1` and the like
 * (standard and daylight abbreviation, then the zones).
 */
const ABBREVIATIONS = `
CET CEST Europe/Paris Europe/Berlin Europe/Amsterdam Europe/Andorra Europe/Belgrade Europe/Bratislava
 Europe/Brussels Europe/Budapest Europe/Busingen Europe/Copenhagen Europe/Gibraltar Europe/Ljubljana
 Europe/Luxembourg Europe/Madrid Europe/Malta Europe/Monaco Europe/Oslo Europe/Podgorica Europe/Prague
 Europe/Rome Europe/San_Marino Europe/Sarajevo Europe/Skopje Europe/Stockholm Europe/Tirane Europe/Vaduz
 Europe/Vatican Europe/Vienna Europe/Warsaw Europe/Zagreb Europe/Zurich Africa/Ceuta Africa/Tunis
 Africa/Algiers Arctic/Longyearbyen CET MET Poland
|EET EEST Europe/Athens Europe/Bucharest Europe/Chisinau Europe/Helsinki Europe/Kiev Europe/Kyiv
 Europe/Mariehamn Europe/Riga Europe/Sofia Europe/Tallinn Europe/Vilnius Europe/Uzhgorod Europe/Zaporozhye
 Asia/Beirut Asia/Nicosia Asia/Famagusta Europe/Nicosia Africa/Cairo Africa/Tripoli Asia/Gaza Asia/Hebron
 EET Egypt Libya
|WET WEST Europe/Lisbon Atlantic/Canary Atlantic/Faroe Atlantic/Faeroe Atlantic/Madeira WET Portugal
|GMT BST Europe/London Europe/Belfast Europe/Guernsey Europe/Isle_of_Man Europe/Jersey GB GB-Eire
|GMT IST Europe/Dublin Eire
|MSK MSD Europe/Moscow Europe/Simferopol W-SU
|TRT TRT Europe/Istanbul Asia/Istanbul Turkey
|IST IST Asia/Kolkata Asia/Calcutta
|PKT PKST Asia/Karachi
|BDT BDT Asia/Dhaka Asia/Dacca
|NPT NPT Asia/Kathmandu Asia/Katmandu
|ICT ICT Asia/Bangkok Asia/Ho_Chi_Minh Asia/Saigon Asia/Phnom_Penh Asia/Vientiane
|WIB WIB Asia/Jakarta Asia/Pontianak
|CST CDT Asia/Shanghai Asia/Chongqing Asia/Chungking Asia/Harbin Asia/Taipei Asia/Macau Asia/Macao PRC ROC
|HKT HKST Asia/Hong_Kong Hongkong
|SGT SGT Asia/Singapore Singapore
|MYT MYT Asia/Kuala_Lumpur Asia/Kuching
|PHT PHST Asia/Manila
|JST JDT Asia/Tokyo Japan
|KST KDT Asia/Seoul Asia/Pyongyang ROK
|GST GST Asia/Dubai Asia/Muscat
|AST ADT Asia/Riyadh Asia/Kuwait Asia/Baghdad Asia/Qatar Asia/Bahrain Asia/Aden
|IRST IRDT Asia/Tehran Iran
|IST IDT Asia/Jerusalem Asia/Tel_Aviv Israel
|AFT AFT Asia/Kabul
|AEST AEDT Australia/Sydney Australia/Melbourne Australia/Canberra Australia/ACT Australia/NSW
 Australia/Victoria Australia/Hobart Australia/Tasmania Australia/Currie Australia/Brisbane
 Australia/Queensland Australia/Lindeman
|ACST ACDT Australia/Adelaide Australia/South Australia/Broken_Hill Australia/Darwin Australia/North
|AWST AWDT Australia/Perth Australia/West
|NZST NZDT Pacific/Auckland NZ
|SAST SAST Africa/Johannesburg Africa/Maseru Africa/Mbabane
|WAT WAST Africa/Lagos Africa/Kinshasa Africa/Luanda Africa/Douala Africa/Libreville Africa/Malabo
 Africa/Niamey Africa/Porto-Novo Africa/Brazzaville Africa/Bangui Africa/Ndjamena
|CAT CAT Africa/Harare Africa/Maputo Africa/Lusaka Africa/Lubumbashi Africa/Blantyre Africa/Bujumbura
 Africa/Gaborone Africa/Kigali
|EAT EAT Africa/Nairobi Africa/Addis_Ababa Africa/Dar_es_Salaam Africa/Kampala Africa/Mogadishu
 Africa/Djibouti Africa/Asmara Indian/Antananarivo Indian/Comoro Indian/Mayotte
|BRT BRST America/Sao_Paulo Brazil/East
|ART ARST America/Argentina/Buenos_Aires America/Buenos_Aires
|CLT CLST America/Santiago Chile/Continental
|COT COST America/Bogota
|PET PEST America/Lima
|VET VET America/Caracas
|AST ADT America/Halifax America/Glace_Bay America/Moncton America/Goose_Bay Atlantic/Bermuda
 America/Puerto_Rico America/Santo_Domingo America/Barbados America/Martinique Canada/Atlantic
|NST NDT America/St_Johns Canada/Newfoundland
`;

let abbreviationTable: Map<string, readonly [string, string]> | undefined;

function abbreviationsOf(zoneId: string): readonly [string, string] | undefined {
  if (!abbreviationTable) {
    abbreviationTable = new Map();
    for (const group of ABBREVIATIONS.split('|')) {
      const [std = '', dst = '', ...zones] = group.trim().split(/\s+/);
      for (const z of zones) if (!abbreviationTable.has(z)) abbreviationTable.set(z, [std, dst]);
    }
  }
  return abbreviationTable.get(zoneId);
}

/** Java's three-letter zone IDs that name a region (the fixed EST, MST and HST are separate). */
const OLD_IDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ACT: 'Australia/Darwin',
    AET: 'Australia/Sydney',
    AGT: 'America/Argentina/Buenos_Aires',
    ART: 'Africa/Cairo',
    AST: 'America/Anchorage',
    BET: 'America/Sao_Paulo',
    BST: 'Asia/Dhaka',
    CAT: 'Africa/Harare',
    CNT: 'America/St_Johns',
    CST: 'America/Chicago',
    CTT: 'Asia/Shanghai',
    EAT: 'Africa/Addis_Ababa',
    ECT: 'Europe/Paris',
    IET: 'America/Indiana/Indianapolis',
    IST: 'Asia/Kolkata',
    JST: 'Asia/Tokyo',
    MIT: 'Pacific/Apia',
    NET: 'Asia/Yerevan',
    NST: 'Pacific/Auckland',
    PLT: 'Asia/Karachi',
    PNT: 'America/Phoenix',
    PRT: 'America/Puerto_Rico',
    PST: 'America/Los_Angeles',
    SST: 'Pacific/Guadalcanal',
    VST: 'Asia/Ho_Chi_Minh',
  }),
);

const englishName = (zone: string, style: 'short' | 'long') =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: style });

class RegionZone implements JavaZone {
  private readonly zone: IANAZone;
  private readonly abbreviations: readonly [string, string] | undefined;
  private shortFormat: Intl.DateTimeFormat | undefined;
  private longFormat: Intl.DateTimeFormat | undefined;
  private readonly names = new Map<string, string>();

  constructor(
    readonly id: string,
    private readonly region: string,
  ) {
    this.zone = IANAZone.create(region);
    const canonical = englishName(region, 'short').resolvedOptions().timeZone;
    this.abbreviations = abbreviationsOf(region) ?? abbreviationsOf(canonical);
  }

  offset(ms: number): number {
    return this.zone.offset(clampToDate(ms)) * MS_PER_MINUTE;
  }

  toUtc(local: number): number {
    // Offsets stay put for days at a time: look two days either side, and when they differ find
    // the transition. Java reads a local time at or after the transition's new wall time with the
    // new offset, and one before it with the old, so a gap and an overlap both fall on standard time.
    const from = Math.floor((local - 2 * MS_PER_DAY) / MS_PER_MINUTE);
    const to = from + (4 * MS_PER_DAY) / MS_PER_MINUTE;
    const before = this.offset(from * MS_PER_MINUTE);
    const after = this.offset(to * MS_PER_MINUTE);
    if (before === after) return local - before;
    let lo = from;
    let hi = to;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid * MS_PER_MINUTE) === before) lo = mid;
      else hi = mid;
    }
    return local >= hi * MS_PER_MINUTE + after ? local - after : local - before;
  }

  /** Daylight time: the offset is above the smaller of the year's January and July offsets. */
  private daylight(ms: number, offset: number): boolean {
    const year = new Date(clampToDate(ms)).getUTCFullYear();
    return offset > Math.min(this.offset(Date.UTC(year, 0, 1)), this.offset(Date.UTC(year, 6, 1)));
  }

  name(ms: number, long: boolean): string {
    const offset = this.offset(ms);
    const dst = this.daylight(ms, offset);
    const key = `${long ? 'L' : 'S'}${dst ? 'D' : ''}${offset}`;
    let name = this.names.get(key);
    if (name === undefined) {
      name = this.lookUpName(ms, offset, dst, long);
      this.names.set(key, name);
    }
    return name;
  }

  private lookUpName(ms: number, offset: number, dst: boolean, long: boolean): string {
    if (!long && this.abbreviations) return this.abbreviations[dst ? 1 : 0];
    this.shortFormat ??= englishName(this.region, 'short');
    this.longFormat ??= englishName(this.region, 'long');
    const format = long ? this.longFormat : this.shortFormat;
    const text = format.formatToParts(clampToDate(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    // ICU's fallback is `GMT+5:30`; Java's is `GMT+05:30`.
    if (text === '' || /^GMT[+-]/.test(text)) return gmtText(offset);
    return text;
  }
}

const UTC_ZONE: JavaZone = new FixedZone('UTC', 0, 'UTC', 'Coordinated Universal Time');
const GMT_ZONE: JavaZone = new FixedZone('GMT', 0, 'GMT', 'Greenwich Mean Time');

/** The zone Palisade's date functions use when none is given. */
export const DEFAULT_ZONE: JavaZone = UTC_ZONE;

const FIXED_IDS: ReadonlyMap<string, JavaZone> = new Map([
  ['UTC', UTC_ZONE],
  ['GMT', GMT_ZONE],
  ['EST', new FixedZone('EST', -5 * MS_PER_HOUR, 'EST', 'Eastern Standard Time')],
  ['MST', new FixedZone('MST', -7 * MS_PER_HOUR, 'MST', 'Mountain Standard Time')],
  ['HST', new FixedZone('HST', -10 * MS_PER_HOUR, 'HST', 'Hawaii Standard Time')],
]);

/** `GMT+h`, `GMT+hh`, `GMT+hhmm`, `GMT+hh:mm` (and `-`): Java's custom zone IDs. */
function customZone(id: string): JavaZone | undefined {
  const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(id) ?? /^GMT([+-])(\d{1,2})(\d{2})$/.exec(id);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 23 || minutes > 59) return undefined;
  const offset = (m[1] === '-' ? -1 : 1) * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE);
  if (offset === 0) return GMT_ZONE;
  const text = gmtText(offset);
  return new FixedZone(text, offset, text, text);
}

const zoneCache = new Map<string, JavaZone>();
const CACHE_LIMIT = 512;

/**
 * Java's `TimeZone.getTimeZone(id)`: a tz-database ID, one of Java's three-letter IDs, or
 * `GMT±hh:mm`; anything else is GMT, as in Java. (ICU matches IDs without regard to case where
 * Java does not, so `america/new_york` is New York here and GMT in Java.)
 */
export function javaTimeZone(id: string): JavaZone {
  let zone = zoneCache.get(id);
  if (zone) return zone;
  zone = FIXED_IDS.get(id) ?? customZone(id);
  if (!zone) {
    const region = OLD_IDS.get(id) ?? id;
    zone = /^[A-Za-z]/.test(region) && IANAZone.isValidZone(region) ? new RegionZone(id, region) : GMT_ZONE;
  }
  if (zoneCache.size >= CACHE_LIMIT) zoneCache.clear();
  zoneCache.set(id, zone);
  return zone;
}

/** A zone name a pattern's `z` can read: its upper-case form and its offset (ms) near instant `ms`. */
interface NamedOffset {
  upper: string;
  offset: (ms: number) => number;
}

let zoneNames: NamedOffset[] | undefined;

/** The names `z` reads, longest first, built on first use. */
function namedZones(): NamedOffset[] {
  if (zoneNames) return zoneNames;
  const list: NamedOffset[] = [];
  const add = (name: string, offset: (ms: number) => number) => {
    const upper = name.toUpperCase();
    if (name !== '' && !/^GMT[+-]/.test(name) && !list.some((n) => n.upper === upper))
      list.push({ upper, offset });
  };
  add('UTC', () => 0);
  add('Coordinated Universal Time', () => 0);
  add('Greenwich Mean Time', () => 0);
  // As in Java, a standard name reads as the zone's raw offset and a daylight one an hour more.
  const addRegion = (region: string, std: string, dst: string) => {
    const zone = IANAZone.create(region);
    const raw = (ms: number) => {
      const year = new Date(clampToDate(ms)).getUTCFullYear();
      return Math.min(zone.offset(Date.UTC(year, 0, 1)), zone.offset(Date.UTC(year, 6, 1))) * MS_PER_MINUTE;
    };
    const daylightRaw = (ms: number) => raw(ms) + MS_PER_HOUR;
    // The long names, from January and July (either may be the daylight one).
    const long = englishName(region, 'long');
    const january = Date.UTC(2021, 0, 1);
    const july = Date.UTC(2021, 6, 1);
    const standard = Math.min(zone.offset(january), zone.offset(july));
    for (const at of [january, july]) {
      const name = long.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
      add(name, zone.offset(at) > standard ? daylightRaw : raw);
    }
    add(std, raw);
    if (dst !== std) add(dst, daylightRaw);
  };
  addRegion('America/New_York', 'EST', 'EDT');
  addRegion('America/Chicago', 'CST', 'CDT');
  addRegion('America/Denver', 'MST', 'MDT');
  addRegion('America/Los_Angeles', 'PST', 'PDT');
  addRegion('America/Anchorage', 'AKST', 'AKDT');
  addRegion('Pacific/Honolulu', 'HST', 'HDT');
  for (const group of ABBREVIATIONS.split('|')) {
    const [std = '', dst = '', region = ''] = group.trim().split(/\s+/);
    addRegion(region, std, dst);
  }
  list.sort((a, b) => b.upper.length - a.upper.length);
  zoneNames = list;
  return list;
}

// ---------------------------------------------------------------------------------------------
// Patterns

/** The US locale's month, weekday, era and AM/PM names (also used by FORMAT's `%t` and IS_DATE). */
export const MONTHS: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const SHORT_MONTHS: readonly string[] = MONTHS.map((m) => m.slice(0, 3));
export const WEEKDAYS: readonly string[] = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
export const SHORT_WEEKDAYS: readonly string[] = WEEKDAYS.map((d) => d.slice(0, 3));
export const AM_PM: readonly string[] = ['AM', 'PM'];
export const ERAS: readonly string[] = ['BC', 'AD'];

/** Every letter `SimpleDateFormat` knows; other ASCII letters must be quoted. */
const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';

/** A compiled pattern's piece: literal text (letter '') or a field letter repeated `count` times. */
export type Token = { letter: ''; text: string } | { letter: string; count: number };

/** A `SimpleDateFormat` pattern, compiled once. Throws {@link PatternError} for a bad pattern. */
export class JavaDateFormat {
  private constructor(
    /** The pattern's pieces in order (IS_DATE reads them too). */
    readonly tokens: readonly Token[],
  ) {}

  private static cache = new Map<string, JavaDateFormat>();

  /** The compiled form of `pattern` (cached). */
  static of(pattern: string): JavaDateFormat {
    let format = JavaDateFormat.cache.get(pattern);
    if (!format) {
      format = new JavaDateFormat(compilePattern(pattern));
      if (JavaDateFormat.cache.size >= CACHE_LIMIT) JavaDateFormat.cache.clear();
      JavaDateFormat.cache.set(pattern, format);
    }
    return format;
  }

  /** `format(new Date(ms))` with the zone set to `zone`. */
  format(ms: number, zone: JavaZone): string {
    const offset = zone.offset(ms);
    const f = fieldsOfLocal(ms + offset);
    let out = '';
    for (const t of this.tokens) {
      if (t.letter === '') {
        out += (t as { text: string }).text;
        continue;
      }
      const count = (t as { count: number }).count;
      switch (t.letter) {
        case 'G':
          out += ERAS[f.era];
          break;
        case 'y':
          out += count === 2 ? pad(f.year % 100, 2) : pad(f.year, count);
          break;
        case 'Y':
          out += count === 2 ? pad(f.weekYear % 100, 2) : pad(f.weekYear, count);
          break;
        case 'M':
        case 'L':
          out += count >= 4 ? MONTHS[f.month] : count === 3 ? SHORT_MONTHS[f.month] : pad(f.month + 1, count);
          break;
        case 'd':
          out += pad(f.dayOfMonth, count);
          break;
        case 'k':
          out += pad(f.hourOfDay === 0 ? 24 : f.hourOfDay, count);
          break;
        case 'H':
          out += pad(f.hourOfDay, count);
          break;
        case 'm':
          out += pad(f.minute, count);
          break;
        case 's':
          out += pad(f.second, count);
          break;
        case 'S':
          out += pad(f.millisecond, count);
          break;
        case 'E':
          out += (count >= 4 ? WEEKDAYS : SHORT_WEEKDAYS)[f.dayOfWeek - 1];
          break;
        case 'u':
          out += pad(f.dayOfWeek === 1 ? 7 : f.dayOfWeek - 1, count);
          break;
        case 'D':
          out += pad(f.dayOfYear, count);
          break;
        case 'F':
          out += pad(f.dayOfWeekInMonth, count);
          break;
        case 'w':
          out += pad(f.weekOfYear, count);
          break;
        case 'W':
          out += pad(f.weekOfMonth, count);
          break;
        case 'a':
          out += AM_PM[f.hourOfDay < 12 ? 0 : 1];
          break;
        case 'h':
          out += pad(f.hourOfDay % 12 === 0 ? 12 : f.hourOfDay % 12, count);
          break;
        case 'K':
          out += pad(f.hourOfDay % 12, count);
          break;
        case 'z':
          out += zone.name(ms, count >= 4);
          break;
        case 'Z':
          out += offsetText(offset, 2, false);
          break;
        case 'X':
          out += offset === 0 ? 'Z' : offsetText(offset, count, count === 3);
          break;
      }
    }
    return out;
  }

  /**
   * `parse(text)` with the zone set to `zone`: the epoch ms, or undefined where Java throws a
   * ParseException. `now` places two-digit years in the century from 80 years before it.
   */
  parse(text: string, zone: JavaZone, now: number): number | undefined {
    const p: Parsed = {};
    let at = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (t.letter === '') {
        const literal = (t as { text: string }).text;
        if (!text.startsWith(literal, at)) return undefined;
        at += literal.length;
        continue;
      }
      // Digits run together ("yyyyMMdd") only when a field follows without a literal between.
      const next = this.tokens[i + 1];
      const obeyCount = next !== undefined && next.letter !== '';
      const end = parseField(text, at, t.letter, (t as { count: number }).count, obeyCount, p, now);
      if (end < 0) return undefined;
      at = end;
    }
    // Java's parse(String) fails when nothing was read.
    if (at === 0) return undefined;
    return resolve(p, zone, now);
  }
}

/** A pattern Java's `SimpleDateFormat` constructor rejects. */
export class PatternError extends Error {}

function compilePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') tokens.push({ letter: '', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new PatternError('Unterminated quote');
        if (pattern[j] === "'") {
          if (pattern[j + 1] !== "'") break;
          literal += "'";
          j += 2;
          continue;
        }
        literal += pattern[j];
        j++;
      }
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!PATTERN_LETTERS.includes(c)) throw new PatternError(`Illegal pattern character '${c}'`);
      let j = i;
      while (pattern[j] === c) j++;
      const count = j - i;
      if (c === 'X' && count > 3) throw new PatternError(`invalid ISO 8601 format: length=${count}`);
      flush();
      tokens.push({ letter: c, count });
      i = j;
      continue;
    }
    literal += c;
    i++;
  }
  flush();
  return tokens;
}

/** `n` with at least `width` digits. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `+0530` (RFC 822), `+05` (ISO, one letter), `+05:30` (ISO, three letters). */
function offsetText(offsetMs: number, count: number, colon: boolean): string {
  const minutes = Math.trunc(offsetMs / MS_PER_MINUTE);
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const sign = minutes < 0 ? '-' : '+';
  if (count === 1) return `${sign}${hh}`;
  return `${sign}${hh}${colon ? ':' : ''}${pad(abs % 60, 2)}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Fields read from the text; unset ones take Java's defaults (1970-01-01T00:00:00.000). */
interface Parsed {
  era?: number;
  year?: number;
  ambiguousYear?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  dayOfWeek?: number;
  weekOfYear?: number;
  weekOfMonth?: number;
  dayOfWeekInMonth?: number;
  hourOfDay?: number;
  hour?: number;
  pm?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  /** Offset read from the text (z, Z, X), overriding the formatter's zone. */
  offset?: number;
}

/** Read one field at `start`; the index after it, or -1. */
function parseField(
  text: string,
  start: number,
  letter: string,
  count: number,
  obeyCount: boolean,
  p: Parsed,
  now: number,
): number {
  // Java skips spaces and tabs before every field, and fails at the end of the text.
  let at = start;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  if (at >= text.length) return -1;
  // Numbers are read from after the spaces, up to `count` letters from the field's start when
  // obeying the count; names (era, month, weekday, AM/PM) from the field's start, as in Java.
  const number = (): [number, number] | undefined => {
    const limit = obeyCount ? start + count : text.length;
    return limit > text.length ? undefined : readInt(text, at, limit);
  };

  switch (letter) {
    case 'G': {
      const m = matchName(text, start, ERAS);
      if (!m) return -1;
      p.era = m[0];
      return m[1];
    }
    case 'y':
    case 'Y': {
      const n = number();
      if (!n) return -1;
      let value = n[0];
      const end = n[1];
      if (letter === 'Y') {
        // Week years are resolved as plain years here.
        p.year = value;
        return end;
      }
      if (count <= 2 && end - at === 2 && isDigit(text, at) && isDigit(text, at + 1)) {
        const startYear = fieldsOfLocal(now).year - 80;
        const ambiguous = startYear % 100;
        p.ambiguousYear = value === ambiguous;
        value += Math.floor(startYear / 100) * 100 + (value < ambiguous ? 100 : 0);
      }
      p.year = value;
      return end;
    }
    case 'M':
    case 'L': {
      if (count <= 2) {
        const n = number();
        if (!n) return -1;
        p.month = n[0] - 1;
        return n[1];
      }
      const m = matchName(text, start, MONTHS) ?? matchName(text, start, SHORT_MONTHS);
      if (!m) return -1;
      p.month = m[0];
      return m[1];
    }
    case 'E': {
      const m = matchName(text, start, WEEKDAYS) ?? matchName(text, start, SHORT_WEEKDAYS);
      if (!m) return -1;
      p.dayOfWeek = m[0] + 1;
      return m[1];
    }
    case 'a': {
      const m = matchName(text, start, AM_PM);
      if (!m) return -1;
      p.pm = m[0];
      return m[1];
    }
    case 'z':
    case 'Z':
      return parseZone(text, at, p, now);
    case 'X':
      return parseIsoZone(text, at, count, p);
    default: {
      const n = number();
      if (!n) return -1;
      const value = n[0];
      switch (letter) {
        case 'd':
          p.day = value;
          break;
        case 'H':
          p.hourOfDay = value;
          break;
        case 'k':
          p.hourOfDay = value === 24 ? 0 : value;
          break;
        case 'h':
          p.hour = value === 12 ? 0 : value;
          break;
        case 'K':
          p.hour = value;
          break;
        case 'm':
          p.minute = value;
          break;
        case 's':
          p.second = value;
          break;
        case 'S':
          p.millisecond = value;
          break;
        case 'D':
          p.dayOfYear = value;
          break;
        case 'F':
          p.dayOfWeekInMonth = value;
          break;
        case 'w':
          p.weekOfYear = value;
          break;
        case 'W':
          p.weekOfMonth = value;
          break;
        case 'u':
          p.dayOfWeek = value === 7 ? 1 : value + 1;
          break;
      }
      return n[1];
    }
  }
}

const isDigit = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** An optionally negative run of digits in `text[at, limit)`, as Java's integer-only number format reads it. */
function readInt(text: string, at: number, limit: number): [number, number] | undefined {
  let i = at;
  const negative = text[i] === '-';
  if (negative) i++;
  const digitsStart = i;
  while (i < limit && isDigit(text, i)) i++;
  if (i === digitsStart) return undefined;
  // Java keeps the low 32 bits of a value too large for an int.
  const value = Number(BigInt.asIntN(32, BigInt(text.slice(digitsStart, i))));
  return [negative ? -value | 0 : value, i];
}

/** The longest of `names` found at `at`, ignoring case: [index, end]. */
function matchName(text: string, at: number, names: readonly string[]): [number, number] | undefined {
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name.length > bestLength && text.slice(at, at + name.length).toUpperCase() === name.toUpperCase()) {
      best = i;
      bestLength = name.length;
    }
  }
  return best < 0 ? undefined : [best, at + bestLength];
}

/** `z`/`Z` in a parse: `GMT`, `GMT±h[h]:mm`, RFC 822 `±hhmm`, or a zone name. */
function parseZone(text: string, at: number, p: Parsed, now: number): number {
  const c = text[at];
  if (c === '+' || c === '-') return numericZone(text, at + 1, c === '-' ? -1 : 1, 0, false, p);
  if (text.slice(at, at + 3).toUpperCase() === 'GMT') {
    const s = text[at + 3];
    if (s !== '+' && s !== '-') {
      p.offset = 0;
      return at + 3;
    }
    return numericZone(text, at + 4, s === '-' ? -1 : 1, 0, true, p);
  }
  const upper = text.slice(at).toUpperCase();
  for (const z of namedZones()) {
    if (upper.startsWith(z.upper)) {
      p.offset = z.offset(now);
      return at + z.upper.length;
    }
  }
  return -1;
}

/** `X` in a parse: `Z`, or `±hh`, `±hhmm`, `±hh:mm` by letter count. */
function parseIsoZone(text: string, at: number, count: number, p: Parsed): number {
  const c = text[at];
  if (c === 'Z') {
    p.offset = 0;
    return at + 1;
  }
  if (c !== '+' && c !== '-') return -1;
  return numericZone(text, at + 1, c === '-' ? -1 : 1, count, count === 3, p);
}

/** Java's `subParseNumericZone`: hours (two digits unless a colon follows one), then minutes. */
function numericZone(
  text: string,
  at: number,
  sign: number,
  count: number,
  colon: boolean,
  p: Parsed,
): number {
  let i = at;
  if (!isDigit(text, i)) return -1;
  let hours = Number(text[i++]);
  if (isDigit(text, i)) hours = hours * 10 + Number(text[i++]);
  else if (count > 0 || !colon || i >= text.length) return -1;
  if (hours > 23) return -1;
  let minutes = 0;
  if (count !== 1) {
    if (colon) {
      if (text[i] !== ':') return -1;
      i++;
    }
    if (!isDigit(text, i) || !isDigit(text, i + 1)) return -1;
    minutes = Number(text.slice(i, i + 2));
    i += 2;
    if (minutes > 59) return -1;
  }
  p.offset = sign * (hours * 60 + minutes) * MS_PER_MINUTE;
  return i;
}

/** The instant the parsed fields name, as a lenient `GregorianCalendar` computes it. */
function resolve(p: Parsed, zone: JavaZone, now: number): number {
  const instant = (yearShift: number): number => {
    let year = (p.year ?? 1970) + yearShift;
    if (p.era === 0) year = 1 - year;
    let days: number;
    if (p.day !== undefined || (p.month !== undefined && !hasWeekFields(p))) {
      days = daysFromFields(year, p.month ?? 0, p.day ?? 1);
    } else if (p.weekOfMonth !== undefined) {
      const first = daysFromFields(year, p.month ?? 0, 1);
      days = first - weekday0(first) + (p.weekOfMonth - 1) * 7 + (p.dayOfWeek ?? 1) - 1;
    } else if (p.dayOfWeekInMonth !== undefined) {
      const first = daysFromFields(year, p.month ?? 0, 1);
      const dow0 = (p.dayOfWeek ?? 1) - 1;
      days = first + mod(dow0 - weekday0(first), 7) + (p.dayOfWeekInMonth - 1) * 7;
    } else if (p.dayOfYear !== undefined) {
      days = daysFromFields(year, 0, 1) + p.dayOfYear - 1;
    } else if (p.weekOfYear !== undefined) {
      const jan1 = daysFromFields(year, 0, 1);
      days = jan1 - weekday0(jan1) + (p.weekOfYear - 1) * 7 + (p.dayOfWeek ?? 1) - 1;
    } else {
      days = daysFromFields(year, 0, 1);
    }
    const hour = p.hourOfDay ?? (p.hour ?? 0) + 12 * (p.pm ?? 0);
    const timeOfDay = ((hour * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1000 + (p.millisecond ?? 0);
    const local = days * MS_PER_DAY + timeOfDay;
    return p.offset !== undefined ? local - p.offset : zone.toUtc(local);
  };
  const ms = instant(0);
  if (p.ambiguousYear) {
    // A two-digit year equal to the window's start is this century only from the window's start on.
    const f = fieldsOfLocal(now);
    const centuryStart =
      daysFromFields(f.era === 0 ? 1 - f.year - 80 : f.year - 80, f.month, f.dayOfMonth) * MS_PER_DAY +
      (now - Math.floor(now / MS_PER_DAY) * MS_PER_DAY);
    if (ms < centuryStart) return instant(100);
  }
  return ms;
}

const hasWeekFields = (p: Parsed): boolean =>
  p.weekOfMonth !== undefined || p.dayOfWeekInMonth !== undefined || p.weekOfYear !== undefined;
