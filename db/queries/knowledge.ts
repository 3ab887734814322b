import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { knowledgeChunks, knowledgeDocuments } from "../schema";

const documentColumns = {
  id: knowledgeDocuments.id,
  title: knowledgeDocuments.title,
  format: knowledgeDocuments.format,
  bytes: knowledgeDocuments.bytes,
  chunkCount: knowledgeDocuments.chunkCount,
  createdAt: knowledgeDocuments.createdAt,
};

/** Adds a document and its chunks. Run inside a transaction. */
export async function createKnowledgeDocument(
  db: Db,
  params: {
    agentId: string;
    title: string;
    format: "text" | "markdown" | "csv" | "json";
    bytes: number;
    chunks: string[];
  },
) {
  const [doc] = await db
    .insert(knowledgeDocuments)
    .values({
      agentId: params.agentId,
      title: params.title,
      format: params.format,
      bytes: params.bytes,
      chunkCount: params.chunks.length,
    })
    .returning(documentColumns);
  if (params.chunks.length) {
    await db
      .insert(knowledgeChunks)
      .values(
        params.chunks.map((content, ordinal) => ({ documentId: doc!.id, agentId: params.agentId, ordinal, content })),
      );
  }
  return doc!;
}

/** The draft's documents (not removed). */
export async function listKnowledgeDocuments(db: Db, params: { agentId: string }) {
  return db
    .select(documentColumns)
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.agentId, params.agentId), isNull(knowledgeDocuments.deletedAt)))
    .orderBy(asc(knowledgeDocuments.createdAt))
    .limit(200);
}

/** Hides a document from the draft; versions published with it keep searching it. */
export async function removeKnowledgeDocument(db: Db, params: { agentId: string; documentId: string }) {
  const [row] = await db
    .update(knowledgeDocuments)
    .set({ deletedAt: new Date() })
    .where(
      and(
        eq(knowledgeDocuments.id, params.documentId),
        eq(knowledgeDocuments.agentId, params.agentId),
        isNull(knowledgeDocuments.deletedAt),
      ),
    )
    .returning({ id: knowledgeDocuments.id });
  return row;
}

/**
 * Full-text search over an agent's chunks, best first (Postgres `websearch_to_tsquery`
 * and `ts_rank_cd`, which PGlite has too). `documentIds` restricts the search to the
 * documents a published version was frozen with; undefined searches the draft's.
 */
export async function searchKnowledge(
  db: Db,
  params: { agentId: string; query: string; documentIds?: string[]; limit?: number },
) {
  const query = sql`websearch_to_tsquery('english', ${params.query})`;
  return db
    .select({
      documentId: knowledgeChunks.documentId,
      title: knowledgeDocuments.title,
      content: knowledgeChunks.content,
      rank: sql<number>`ts_rank_cd(${knowledgeChunks.search}, ${query})`.as("rank"),
    })
    .from(knowledgeChunks)
    .innerJoin(knowledgeDocuments, eq(knowledgeDocuments.id, knowledgeChunks.documentId))
    .where(
      and(
        eq(knowledgeChunks.agentId, params.agentId),
        sql`${knowledgeChunks.search} @@ ${query}`,
        params.documentIds
          ? params.documentIds.length
            ? inArray(knowledgeChunks.documentId, params.documentIds)
            : sql`false`
          : isNull(knowledgeDocuments.deletedAt),
      ),
    )
    .orderBy(desc(sql`rank`), asc(knowledgeChunks.ordinal))
    .limit(Math.min(params.limit ?? 5, 20));
}
