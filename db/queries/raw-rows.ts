/** The rows of a raw `db.execute` result (the same shape from node-postgres and PGlite). */
export const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

/** A numeric column of a raw row (Postgres sends bigint and numeric as text); null is 0. */
export const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
