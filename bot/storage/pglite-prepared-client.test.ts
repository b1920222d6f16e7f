/**
 * The embedded database's statement cache: the same results as `PGlite.query`, each text parsed
 * once, a bounded cache, errors that leave the connection usable, and no query slipping into
 * another caller's open transaction.
 */
import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PglitePreparedClient } from './pglite-prepared-client.ts';

let client: PGlite;
let prepared: PglitePreparedClient;

beforeAll(async () => {
  client = new PGlite();
  await client.waitReady;
});

afterAll(async () => {
  await client.close();
});

beforeEach(async () => {
  await client.exec(`deallocate all; drop table if exists notes; create table notes (id serial primary key, body text not null unique, tags text[], meta jsonb, at timestamptz default now())`);
  prepared = new PglitePreparedClient(client);
});

/** The statements prepared on this connection. */
const preparedTexts = async () =>
  (await client.query<{ statement: string }>("select statement from pg_prepared_statements order by substring(name from '[0-9]+$')::int")).rows.map(
    (row) => row.statement,
  );

describe('PglitePreparedClient', () => {
  test('returns what PGlite.query returns, for rows, arrays, JSON, nulls, dates and affected rows', async () => {
    const insert = 'insert into notes (body, tags, meta) values ($1, $2, $3) returning id, body, tags, meta';
    const expected = await client.query(insert, ['a', ['x', 'y'], { n: 1 }]);
    const actual = await prepared.query(insert, ['b', ['x', 'y'], { n: 1 }]);
    expect(actual.rows).toEqual([{ ...(expected.rows[0] as object), id: 2, body: 'b' }]);
    expect(actual.fields).toEqual(expected.fields);

    const select = 'select id, body, tags, meta, at, $1::int8 as big, $2::text as nothing from notes order by id';
    const [viaQuery, viaCache] = [await client.query(select, [7, null]), await prepared.query(select, [7, null])];
    expect(viaCache.rows).toEqual(viaQuery.rows);
    expect((viaCache.rows[0] as { at: unknown }).at).toBeInstanceOf(Date);

    const update = await prepared.query('update notes set body = body || $1', ['!']);
    expect(update.affectedRows).toBe(2);
    expect(update.rows).toEqual([]);
  });

  test('honours Drizzle’s options: array rows and its own parsers', async () => {
    await prepared.query('insert into notes (body) values ($1)', ['a']);
    const options = { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (value: string) => `raw:${value}` } };
    const result = await prepared.query<unknown[]>('select body, at from notes', [], options);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]![0]).toBe('a');
    expect(String(result.rows[0]![1])).toMatch(/^raw:\d{4}-/);
  });

  test('each caller’s parsers apply to its own calls only, over PGlite’s for the other types', async () => {
    await prepared.query('insert into notes (body, tags, meta) values ($1, $2, $3)', ['a', ['x'], { n: 1 }]);
    const select = 'select body, tags, meta, at from notes';
    const upper = { parsers: { [types.TEXT]: (value: string) => value.toUpperCase() } };
    const tagged = { parsers: { [types.TEXT]: (value: string) => `<${value}>` } };
    // Merged once per table and kept: a second call of each must not see the other's.
    for (let round = 0; round < 2; round++) {
      const [viaCache, viaQuery] = [await prepared.query(select, [], upper), await client.query(select, [], upper)];
      expect(viaCache.rows).toEqual(viaQuery.rows);
      expect(viaCache.rows[0]).toMatchObject({ body: 'A', meta: { n: 1 } });
      expect((await prepared.query(select, [], tagged)).rows[0]).toMatchObject({ body: '<a>' });
      const plain = (await prepared.query<{ body: string; at: unknown }>(select)).rows[0]!;
      expect(plain.body).toBe('a');
      expect(plain.at).toBeInstanceOf(Date);
    }
  });

  test('parses each text once and reuses the statement', async () => {
    for (let i = 0; i < 5; i += 1) await prepared.query('insert into notes (body) values ($1)', [`n${i}`]);
    await prepared.query('select count(*)::int as n from notes', []);
    expect(await preparedTexts()).toEqual(['insert into notes (body) values ($1)', 'select count(*)::int as n from notes']);
    expect((await prepared.query<{ n: number }>('select count(*)::int as n from notes', [])).rows).toEqual([{ n: 5 }]);
    expect(prepared.preparedCount).toBe(2);
  });

  test('keeps at most maxStatements, closing the least recently used', async () => {
    prepared = new PglitePreparedClient(client, { maxStatements: 2 });
    await prepared.query('select 1 as a', []);
    await prepared.query('select 2 as b', []);
    await prepared.query('select 1 as a', []); // used again: now the newest
    await prepared.query('select 3 as c', []); // evicts `select 2`
    expect(await preparedTexts()).toEqual(['select 1 as a', 'select 3 as c']);
    expect((await prepared.query('select 2 as b', [])).rows).toEqual([{ b: 2 }]);
    expect(prepared.preparedCount).toBe(2);
  });

  test('a text longer than maxTextLength runs unprepared, with the same result', async () => {
    prepared = new PglitePreparedClient(client, { maxTextLength: 60 });
    const rows = Array.from({ length: 5 }, (_, i) => `($${i + 1})`).join(', ');
    const insert = `insert into notes (body) values ${rows} returning body`;
    expect(insert.length).toBeGreaterThan(60);
    const result = await prepared.query(insert, ['a', 'b', 'c', 'd', 'e']);
    expect(result.rows).toEqual(['a', 'b', 'c', 'd', 'e'].map((body) => ({ body })));
    expect(await preparedTexts()).toEqual([]);
  });

  test('a failing statement rejects with PostgreSQL’s error and leaves the connection usable', async () => {
    const insert = 'insert into notes (body) values ($1)';
    await prepared.query(insert, ['same']);
    await expect(prepared.query(insert, ['same'])).rejects.toMatchObject({ code: '23505' });
    await expect(prepared.query('select * from no_such_table', [])).rejects.toMatchObject({ code: '42P01' });
    await prepared.query(insert, ['other']);
    expect((await prepared.query('select body from notes order by id', [])).rows).toEqual([{ body: 'same' }, { body: 'other' }]);
    expect(client.isInTransaction()).toBe(false);
  });

  test('a statement whose table changed under it is prepared again', async () => {
    await prepared.query('insert into notes (body) values ($1)', ['a']);
    expect((await prepared.query('select * from notes', [])).fields.map((field) => field.name)).not.toContain('extra');
    await client.exec(`alter table notes add column extra text default 'e'`);
    const after = await prepared.query<{ extra: string }>('select * from notes', []);
    expect(after.rows[0]!.extra).toBe('e');
  });

  test('waits for another caller’s open transaction instead of running inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = client
      .transaction(async (tx) => {
        await tx.query(`insert into notes (body) values ('rolled back')`);
        entered();
        await held;
        await tx.rollback();
      })
      .catch(() => undefined);
    await inside;
    const outside = prepared.query('insert into notes (body) values ($1) returning id', ['kept']);
    let settled = false;
    void outside.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await transaction;
    await outside;
    expect((await client.query('select body from notes')).rows).toEqual([{ body: 'kept' }]);
  });
});
