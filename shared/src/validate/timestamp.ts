const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const months = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * Why `text` is not an RFC 3339 timestamp of a time that exists (year 0001–9999, a day
 * its month has, hours 00–23, minutes and seconds 00–59, an offset within ±23:59); undefined when it is one. Year 0000 is refused: Postgres has no year 0.
 */
export function timestampProblem(text: string): string | undefined {
  const match = rfc3339.exec(text);
  if (!match) {
    return `${JSON.stringify(text.slice(0, 64))} is not an RFC 3339 timestamp (e.g. 2026-01-01T12:00:00Z)`;
  }
  const [year, month, day, hour, minute, second, , offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => (part === undefined || part.startsWith(".") ? 0 : Number(part))) as number[];
  const shown = text.slice(0, 10);
  if (year === 0) return `${shown}: year 0000 does not exist; the first year is 0001`;
  if (month! < 1 || month! > 12) return `${shown}: month ${pad(month!)} does not exist (01–12)`;
  const days = daysIn(year!, month!);
  if (day! < 1 || day! > days) {
    return `${shown} does not exist: ${months[month! - 1]} ${year} has ${days} days`;
  }
  if (hour! > 23) return `${text}: hour ${pad(hour!)} does not exist (00–23)`;
  if (minute! > 59) return `${text}: minute ${pad(minute!)} does not exist (00–59)`;
  if (second! > 59) return `${text}: second ${pad(second!)} is not accepted (00–59)`;
  if (offsetHour! > 23 || offsetMinute! > 59) return `${text}: the offset must be within ±23:59`;
  return undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
