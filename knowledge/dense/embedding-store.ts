/**
 * Entry vectors persisted in `knowledge_entries.embedding` (jsonb `{ model, dimensions, vector }`).
 * Vectors are keyed by content hash *and* model within a workspace: an entry whose content did not
 * change between two published versions has the same hash, so its vector is found and never
 * computed twice; a vector of another model is ignored. Every query filters by `workspace_id`.
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../bot/storage/database.ts';
import { knowledgeEntries } from '../../bot/storage/schema.ts';

/** One content hash's vector. */
export interface HashedVector {
  contentHash: string;
  vector: number[];
}

/** Where the vectors of a workspace's entries are kept between processes and restarts. */
export interface EmbeddingStore {
  /**
   * The stored vectors of `model` for these content hashes (hashes without one are absent). A
   * vector found on one row is first copied onto the workspace's other rows with the same hash
   * (a re-published, unchanged entry), so every published row carries its vector.
   */
  reuse(workspaceId: string, model: string, contentHashes: readonly string[]): Promise<Map<string, number[]>>;
  /** Store vectors on every entry row of the workspace with the same content hash. */
  save(workspaceId: string, model: string, vectors: readonly HashedVector[]): Promise<void>;
}

/** Hashes per lookup statement: far below PostgreSQL's 65,535 bind parameters. */
const LOOKUP_BATCH = 500;

/** The embedding store over a Drizzle database (PGlite or PostgreSQL). */
export function createEmbeddingStore(db: Database): EmbeddingStore {
  return {
    async reuse(workspaceId, model, contentHashes) {
      const vectors = new Map<string, number[]>();
      const distinct = [...new Set(contentHashes)];
      for (let start = 0; start < distinct.length; start += LOOKUP_BATCH) {
        const hashes = distinct.slice(start, start + LOOKUP_BATCH);
        // Copied inside the database: the vectors do not travel to this process and back.
        await db.execute(sql`
          update ${knowledgeEntries} set embedding = stored.embedding
          from (
            select distinct on (content_hash) content_hash, embedding from ${knowledgeEntries}
            where workspace_id = ${workspaceId}
              and content_hash in (${sql.join(hashes.map((hash) => sql`${hash}`), sql`, `)})
              and embedding->>'model' = ${model}
          ) as stored
          where ${knowledgeEntries.workspaceId} = ${workspaceId}
            and ${knowledgeEntries.contentHash} = stored.content_hash
            and (${knowledgeEntries.embedding} is null or ${knowledgeEntries.embedding}->>'model' <> ${model})`);
        const rows = await db
          .selectDistinctOn([knowledgeEntries.contentHash], { contentHash: knowledgeEntries.contentHash, embedding: knowledgeEntries.embedding })
          .from(knowledgeEntries)
          .where(
            and(
              eq(knowledgeEntries.workspaceId, workspaceId),
              inArray(knowledgeEntries.contentHash, hashes),
              isNotNull(knowledgeEntries.embedding),
              sql`${knowledgeEntries.embedding}->>'model' = ${model}`,
            ),
          );
        for (const row of rows) if (row.embedding && !vectors.has(row.contentHash)) vectors.set(row.contentHash, row.embedding.vector);
      }
      return vectors;
    },

    async save(workspaceId, model, vectors) {
      if (vectors.length === 0) return;
      const values = sql.join(
        vectors.map(({ contentHash, vector }) => {
          const embedding = JSON.stringify({ model, dimensions: vector.length, vector });
          return sql`(${contentHash}, ${embedding}::jsonb)`;
        }),
        sql`, `,
      );
      // One statement per batch; rows that already hold this model's vector are left alone.
      await db.execute(sql`
        update ${knowledgeEntries} set embedding = incoming.embedding
        from (values ${values}) as incoming (content_hash, embedding)
        where ${knowledgeEntries.workspaceId} = ${workspaceId}
          and ${knowledgeEntries.contentHash} = incoming.content_hash
          and (${knowledgeEntries.embedding} is null or ${knowledgeEntries.embedding}->>'model' <> ${model})`);
    },
  };
}
