const binary: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A Kubernetes resource quantity ("250m", "1500n", "16Gi", "2", "1e3") as a number; NaN when it is not one. */
export function parseQuantity(quantity: string): number {
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(
    quantity.trim(),
  );
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  return value * (binary[suffix] ?? decimal[suffix] ?? Number.NaN);
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));
