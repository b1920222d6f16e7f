/**
 * Parameterised SQL without the query builder, for the few statements on the webhook's hot path
 * (the bench showed Drizzle's query building at ~21 % of an acknowledgement). One SQL text serves
 * both drivers: PostgreSQL (`pg`, as a named prepared statement, parsed once per connection) and
 * PGlite. Arrays are passed as single `text[]`/`jsonb[]`/… parameters and expanded with `unnest`,
 * so a statement's text is the same whatever the number of rows.
 */
import { KefuError } from '../errors.ts';
import type { Database } from './database.ts';

/** A statement: a unique name (the prepared statement's, on PostgreSQL) and its text. */
export interface SqlStatement {
  name: string;
  text: string;
}

/** Runs one statement with positional parameters (`$1`, `$2`, …) and returns its rows. */
export interface SqlRunner {
  query<Row>(statement: SqlStatement, params: readonly unknown[]): Promise<Row[]>;
}

/** The database object has no raw runner: it was not opened by `openDatabase`. */
export class NoSqlRunnerError extends KefuError {
  constructor() {
    super('no_sql_runner', 'this database was not opened by openDatabase, so it has no raw SQL runner');
  }
}

const runners = new WeakMap<Database, SqlRunner>();

/** Called by `openDatabase`: the raw runner of the client behind `db`. */
export function attachSqlRunner(db: Database, runner: SqlRunner): void {
  runners.set(db, runner);
}

/** The raw runner of a database opened by `openDatabase`. */
export function sqlRunnerOf(db: Database): SqlRunner {
  const runner = runners.get(db);
  if (!runner) throw new NoSqlRunnerError();
  return runner;
}

/** A `pg` pool (or client) as a runner: named statements are prepared once per connection. */
export function pgRunner(pool: {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}): SqlRunner {
  return {
    async query<Row>(statement: SqlStatement, params: readonly unknown[]) {
      const result = await pool.query({ name: statement.name, text: statement.text, values: [...params] });
      return result.rows as Row[];
    },
  };
}

/** A PGlite instance (or its statement cache, `pglite-prepared-client.ts`) as a runner. */
export function pgliteRunner(client: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }): SqlRunner {
  return {
    async query<Row>(statement: SqlStatement, params: readonly unknown[]) {
      const result = await client.query(statement.text, [...params]);
      return result.rows as Row[];
    },
  };
}
