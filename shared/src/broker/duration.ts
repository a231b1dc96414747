/**
 * ISO-8601 durations as Knative reads them (`PT1S`, `PT0.5S`, `P1DT2H`, `-PT1S`): years,
 * months, weeks, days, hours, minutes and seconds, each part optional, fractions allowed
 * (`.` or `,`). Years and months are averages (365.2425 and 30.436875 days), as in the
 * period library the Knative webhook and the Kafka control plane use.
 */
const pattern =
  /^([-+])?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

const second = 1000;
const day = 86_400 * second;
const unitMs = [365.2425 * day, 30.436875 * day, 7 * day, day, 3600 * second, 60 * second, second];

/** Milliseconds in `text`, or undefined when it is not an ISO-8601 duration. */
export function parseDuration(text: string): number | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  const parts = match.slice(2);
  if (parts.every((part) => part === undefined)) return undefined;
  // "PT" with nothing after the T is not a duration
  if (/T$/i.test(text.trim())) return undefined;
  let total = 0;
  parts.forEach((part, index) => {
    if (part !== undefined) total += Number(part.replace(",", ".")) * unitMs[index]!;
  });
  const ms = Math.round(total);
  return match[1] === "-" && ms !== 0 ? -ms : ms;
}
