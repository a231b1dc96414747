/** Words too common to say what a text is about; left out of word features. */
const stopwords = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between " +
    "both but by can could did do does doing down during each few for from further had has have having he her " +
    "here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor " +
    "not of off on once only or other our ours ourselves out over own same she should so some such than that the " +
    "their theirs them themselves then there these they this those through to too under until up very was we were " +
    "what when where which while who whom why will with would you your yours yourself yourselves s t d ll m re ve"
  ).split(" "),
);

/** Lower-case words of letters and digits, accents folded ("Café" → "cafe"). */
export function wordsOf(text: string): string[] {
  return (
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function isStopword(word: string): boolean {
  return stopwords.has(word);
}

const vowel = /[aeiouy]/;

/**
 * A light suffix stripper in the spirit of Porter's first steps, so that "prefers",
 * "preferred" and "preferring" meet at "prefer" and "libraries" at "library". It does
 * not try to be a real stemmer: the character trigrams catch what it misses.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let result = word;
  if (result.endsWith("ies") && result.length > 4) result = `${result.slice(0, -3)}y`;
  else if (result.endsWith("sses")) result = result.slice(0, -2);
  else if (/(?:ches|shes|xes|zes)$/.test(result)) result = result.slice(0, -2);
  else if (result.endsWith("s") && !/(?:ss|us|is)$/.test(result)) result = result.slice(0, -1);
  for (const suffix of ["ingly", "edly", "ing", "ed"]) {
    const base = result.slice(0, -suffix.length);
    if (result.endsWith(suffix) && base.length >= 3 && vowel.test(base)) {
      result = undoubled(base);
      break;
    }
  }
  if (result.endsWith("ly") && result.length > 5) result = result.slice(0, -2);
  return result;
}

/** "runn" → "run", "preferr" → "prefer"; keeps ll, ss, zz ("install", "class"). */
function undoubled(base: string): string {
  const last = base.at(-1);
  return last && last === base.at(-2) && !"lsz".includes(last) ? base.slice(0, -1) : base;
}
