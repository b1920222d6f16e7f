/**
 * Drizzle prepared queries, built once per database: a query built on every call spends more CPU in
 * Drizzle's builder than in the round trip (measured on PostgreSQL: ≈ 0.3–0.6 ms of CPU for a small
 * select built each time, ≈ 0.1–0.15 ms prepared). Prepared, it is built once, and on PostgreSQL
 * it becomes a named prepared statement, parsed once per connection. Parameters are `sql.placeholder(name)`.
 */
import type { Database } from './database.ts';

const built = new WeakMap<Database, Map<string, unknown>>();

/**
 * The query `name` of `db`, built by `build` on first use. `name` is also the PostgreSQL statement
 * name, so it must be unique across the code base (prefix `kefu_`).
 */
export function preparedQuery<Query>(db: Database, name: string, build: (db: Database, name: string) => Query): Query {
  let queries = built.get(db);
  if (!queries) {
    queries = new Map();
    built.set(db, queries);
  }
  let query = queries.get(name) as Query | undefined;
  if (query === undefined) {
    query = build(db, name);
    queries.set(name, query);
  }
  return query;
}
