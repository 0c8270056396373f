import type { z } from 'zod';

/** `['endpoints', 0, 'tls', 'verify']` → `endpoints[0].tls.verify`, the form users grep for. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** The first issue of a failed parse as `{ path, message }`, ready for a one-line error. */
export function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid value' };
  return { path: formatPath(issue.path), message: issue.message };
}
