/**
 * Time: the server stores instants; a day, a clock time or a "year" is always read in the
 * compound's own time zone (`communities.timezone`), which defaults to DEFAULT_TIME_ZONE
 * (docs/ARCHITECTURE.md, "Time"). The zone's name is written here and nowhere else.
 * Pure and dependency-free: the browser imports it too.
 */

/** The zone of a compound that has not set one (and of the platform's own calendar). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

// Constructing an Intl formatter costs ~3 % of server CPU when every join builds one: cache per
// zone and shape.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions) {
  const key = `${locale}|${timeZone}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    formatters.set(key, f);
  }
  return f;
}

function toDate(d: Date | string): Date {
  return d instanceof Date ? d : new Date(d);
}

/** `2026-12-04`: the calendar day of an instant in the zone. */
export function localDate(d: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatter('en-CA', timeZone, {}).format(toDate(d));
}

/** `2026`: the calendar year of an instant in the zone. */
export function localYear(d: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatter('en-CA', timeZone, { year: 'numeric' }).format(toDate(d));
}

/** `08:30`: 24-hour clock time in the zone (the trucks come at night; no AM/PM). */
export function hhmm(d: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatter('en-GB', timeZone, { hour: '2-digit', minute: '2-digit', hour12: false }).format(
    toDate(d),
  );
}

/** `2022-04-12 08:30`: local wall-clock time in the zone, for exports. */
export function localDateTime(d: Date | string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parts = formatter('en-CA', timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(toDate(d));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

/** Any other shape, in the zone (display code: `dayTime`, `dateTime`, ...). */
export function formatInZone(
  d: Date | string,
  locale: string,
  opts: Intl.DateTimeFormatOptions,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  return formatter(locale, timeZone, opts).format(toDate(d));
}
