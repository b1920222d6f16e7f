/**
 * PGlite with a statement cache. `PGlite.query` runs every statement through six protocol calls
 * (Parse, Describe, Bind, Describe, Execute, Sync) and parses, analyses and plans it each time;
 * in WebAssembly that fixed cost is most of a small statement's (bench/RESULTS.md, 2026-12-03:
 * 0.4 → 0.2 ms for `select $1`, 1.6–2.2 → 0.9–1.0 ms for the contact-resolving CTE). Here each
 * distinct SQL text is parsed once as a named prepared statement; every later call sends Bind +
 * Execute + Sync in one protocol call, and PostgreSQL may keep a generic plan after five runs, as
 * it does for `pg`'s named statements in production mode.
 *
 * It is what the embedded database's Drizzle instance and raw SQL runner talk to (`database.ts`):
 * `query` has `PGlite.query`'s signature and results, and `transaction` is PGlite's own (queries
 * inside a transaction go through its `tx.query`, unprepared). Like `PGlite.query`, a cached
 * query waits for an open transaction to finish before it runs.
 *
 * The cache keeps the `maxStatements` most recently used texts (Drizzle's `inArray` makes a new
 * text per list length) and closes the statement it evicts. Texts longer than `maxTextLength`
 * (multi-row inserts of an import: one-off, and a cached plan of thousands of parameters would
 * hold memory for nothing) go through `PGlite.query` unprepared. A statement whose result type
 * changed under it (a migration that alters a table it reads: PostgreSQL answers "cached plan
 * must not change result type") is prepared again and run once more.
 */
import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { parse, protocol } from '@electric-sql/pglite';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];
/** A parser per type id, as `parseResults` takes it. */
type ParserTable = Parameters<typeof parse.parseResults>[1];

interface PreparedStatement {
  name: string;
  /** PostgreSQL's type of each parameter, which picks its serializer. */
  parameterTypes: number[];
  /** The statement's `rowDescription`, absent for a statement that returns no rows. */
  rowDescription?: BackendMessage;
}

/** PostgreSQL's error for a prepared statement whose result columns changed since it was planned. */
const resultTypeChanged = (error: unknown) =>
  (error as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String((error as Error).message));

/** Statement names are unique in the process, so two caches on one connection cannot collide. */
let statementsNamed = 0;

/** `parseResults` options for array rows: only `rowMode` (the parsers go in as its table, see `#parsersOf`). */
const arrayRows: QueryOptions = { rowMode: 'array' };

/** One protocol call's messages, back to back (a Buffer is a Uint8Array). */
const concat = (parts: Uint8Array[]) => Buffer.concat(parts);

export class PglitePreparedClient {
  readonly #client: PGlite;
  readonly #maxStatements: number;
  readonly #maxTextLength: number;
  /** By SQL text (and parameter types when given); a Map keeps use order, oldest first. */
  readonly #statements = new Map<string, PreparedStatement>();
  /** A caller's parsers over PGlite's, by the caller's table (see `#parsersOf`). */
  readonly #layeredParsers = new WeakMap<object, ParserTable>();

  constructor(client: PGlite, options: { maxStatements?: number; maxTextLength?: number } = {}) {
    this.#client = client;
    this.#maxStatements = Math.max(1, options.maxStatements ?? 200);
    this.#maxTextLength = options.maxTextLength ?? 8_000;
  }

  /** The number of statements prepared and not yet evicted (for tests and diagnostics). */
  get preparedCount(): number {
    return this.#statements.size;
  }

  /** `PGlite.query`, through the statement cache. */
  query<Row = Record<string, unknown>>(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Results<Row>> {
    if (text.length > this.#maxTextLength) return this.#client.query<Row>(text, [...params], options);
    // PGlite.query takes the transaction lock, then the query lock: so does this, so a query
    // never runs inside somebody else's open transaction.
    return this.#client._runExclusiveTransaction(() =>
      this.#client.runExclusive(async () => {
        try {
          return await this.#run<Row>(text, params, options);
        } catch (error) {
          if (!resultTypeChanged(error)) throw error;
          await this.#forget(this.#keyOf(text, options));
          return this.#run<Row>(text, params, options);
        }
      }),
    );
  }

  /** `PGlite.transaction`: its queries are PGlite's own, not cached. */
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#client.transaction(callback);
  }

  async #run<Row>(text: string, params: readonly unknown[], options: QueryOptions | undefined): Promise<Results<Row>> {
    const statement = await this.#prepared(text, options);
    const values = params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const type = statement.parameterTypes[index]!;
      const serialize = options?.serializers?.[type] ?? this.#client.serializers[type];
      return serialize ? serialize(value) : String(value);
    });
    const { messages } = await this.#client.execProtocol(
      concat([protocol.serialize.bind({ statement: statement.name, values }), protocol.serialize.execute({}), protocol.serialize.sync()]),
    );
    const described = statement.rowDescription ? [statement.rowDescription, ...messages] : messages;
    return parse.parseResults(described, this.#parsersOf(options), options?.rowMode === 'array' ? arrayRows : undefined)[0] as Results<Row>;
  }

  /**
   * The caller's `parsers` over PGlite's table, as a thin object whose prototype is PGlite's table.
   * Handed the caller's table, `parseResults` would copy PGlite's ~320 entries into a new object on
   * every call instead: that was more than half of a one-row Drizzle query's CPU (0.27 → 0.07 ms).
   */
  #parsersOf(options: QueryOptions | undefined): ParserTable {
    const table = this.#client.parsers as ParserTable;
    const own = options?.parsers;
    if (!own) return table;
    // Kept per caller table: a Drizzle prepared query passes the same one every time.
    let layered = this.#layeredParsers.get(own);
    if (!layered) this.#layeredParsers.set(own, (layered = Object.assign(Object.create(table) as ParserTable, own)));
    return layered;
  }

  #keyOf(text: string, options: QueryOptions | undefined): string {
    return options?.paramTypes?.length ? `${options.paramTypes.join(',')}\u0000${text}` : text;
  }

  async #prepared(text: string, options: QueryOptions | undefined): Promise<PreparedStatement> {
    const key = this.#keyOf(text, options);
    const cached = this.#statements.get(key);
    if (cached) {
      this.#statements.delete(key);
      this.#statements.set(key, cached);
      return cached;
    }
    const name = `kefu_pglite_${(statementsNamed += 1)}`;
    const { messages } = await this.#client.execProtocol(
      concat([
        protocol.serialize.parse({ name, text, types: options?.paramTypes ?? [] }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
    );
    const statement: PreparedStatement = {
      name,
      parameterTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: messages.find((message) => message.name === 'rowDescription'),
    };
    this.#statements.set(key, statement);
    if (this.#statements.size > this.#maxStatements) {
      const [oldest] = this.#statements.keys();
      await this.#forget(oldest!);
    }
    return statement;
  }

  async #forget(key: string): Promise<void> {
    const statement = this.#statements.get(key);
    if (!statement) return;
    this.#statements.delete(key);
    await this.#client.execProtocol(concat([protocol.serialize.close({ type: 'S', name: statement.name }), protocol.serialize.sync()]));
  }
}
