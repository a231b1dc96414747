/** A JSON error answer: `{error, ...details}`, the shape every mesh-six route answers with. */
export function problem(
  status: number,
  error: string,
  details: Readonly<Record<string, string | number>> = {},
  headers: Readonly<Record<string, string>> = {},
): Response {
  return Response.json({ error, ...details }, { status, headers });
}
