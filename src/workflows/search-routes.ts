import { Security } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import * as S from '../modules/search/schemas.js';
import { searchDocuments } from '../modules/search/search.js';
import { readingRelationSql } from './access.js';

/**
 * GET /api/search: the search module's query, with the reading rule of access.ts applied to every
 * candidate (search cannot return what reading would refuse).
 */
export async function searchRoutes(app: App, deps: Deps) {
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['documents'], security: Security,
        summary: 'Tìm văn bản — subject, number/notation, issuer, signer, file text; without diacritics',
        querystring: S.SearchQuery,
        response: { 200: S.SearchBody, ...S.Errors },
      },
    },
    async (req) => searchDocuments(deps.db, req.actor, req.query, readingRelationSql(req.actor, 'd')),
  );
}
