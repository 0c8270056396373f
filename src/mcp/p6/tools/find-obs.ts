import { z } from 'zod';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { fuzzyScore } from './fuzzy-score.js';
import { endpointArg } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** Matches below this score are noise. */
const MIN_SCORE = 0.3;

/** `p6_find_obs`: fuzzy search of OBS nodes by name (the seed's `p6_obs_find`). */
export function registerFindObsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_find_obs',
    title: 'Find P6 OBS nodes',
    description: 'Fuzzy-search the P6 OBS (organizational breakdown structure) by name; best matches first.',
    inputSchema: {
      query: z.string().min(1).max(100).describe('part of an OBS name; typos are tolerated'),
      limit: z.number().int().min(1).max(100).default(10).describe('most matches to return (default 10)'),
      endpoint: endpointArg,
    },
    outputSchema: {
      total: z.number().int().describe('matches found'),
      matches: z.array(z.object({ ObjectId: z.number(), Name: z.string(), ParentObjectId: z.number().optional(), score: z.number() })).describe('best matches first; score 0..1'),
    },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.endpoints.client(args.endpoint, extra.signal);
      // OBS trees are small (hundreds of nodes), and fuzzy matching cannot be a P6 filter.
      const rows = await client.read('obs', { fields: ['ObjectId', 'Name', 'ParentObjectId'] });
      const scored = rows
        .map((r) => ({ ObjectId: r['ObjectId'] as number, Name: String(r['Name'] ?? ''), ...(typeof r['ParentObjectId'] === 'number' && { ParentObjectId: r['ParentObjectId'] }), score: fuzzyScore(args.query, String(r['Name'] ?? '')) }))
        .filter((m) => m.score >= MIN_SCORE)
        .sort((a, b) => b.score - a.score || a.ObjectId - b.ObjectId);
      const matches = scored.slice(0, args.limit);
      const text = matches.length ? `${scored.length} OBS matches; best: ${matches[0]!.Name} (${matches[0]!.ObjectId})` : `no OBS node matches ${JSON.stringify(args.query)}`;
      return toolResult(text, { total: scored.length, matches });
    },
  });
}
