/**
 * The durable write behind a webhook acknowledgement, for many inbound messages at once, in raw
 * prepared SQL (`sql-runner.ts`) with arrays expanded by `unnest`, so a statement's text is the
 * same whatever the batch size. Two round trips per batch, one after the other:
 *   1. contacts: existing identities, else a new contact (or the workspace's contact with the same
 *      unionid) and its identity — one statement;
 *   2. conversations upserted and messages inserted — one statement (the messages join the
 *      conversations the CTE returned).
 * (Plus participants for group messages, and a lookup of duplicates when there are any.)
 *
 * No transaction: each statement is idempotent on its own unique keys, and the message insert —
 * the one that matters — is atomic and deduplicated on the platform message id
 * (`ON CONFLICT DO NOTHING`). A failure between statements leaves at most an empty contact or
 * conversation, never a half-stored message; the caller then answers 5xx and the platform
 * retries. Within a batch, messages are inserted in input order, so `sequence` (processing order
 * within a conversation) follows arrival order.
 */
import { randomUUID } from 'node:crypto';
import { InboundStoreError } from '../errors.ts';
import type { PersistedInbound, PersistInboundInput } from './inbound-repository.ts';
import type { SqlRunner, SqlStatement } from './sql-runner.ts';

const findIdentities: SqlStatement = {
  name: 'kefu_inbound_find_identities',
  text: `select i.channel_account_id, i.platform_user_id, i.contact_id::text as contact_id
    from unnest($1::text[], $2::text[]) as k(channel_account_id, platform_user_id)
    join identities i on i.channel_account_id = k.channel_account_id and i.platform_user_id = k.platform_user_id`,
};

// One row per platform user of the batch. Users without an identity get the oldest contact with
// their unionid in the workspace, else their candidate id as a new contact (users new in this
// batch who share a unionid share a candidate). The identity rows reference contacts inserted by
// the CTE: foreign keys are checked at the end of the statement. A user whose identity insert
// lost to another process is missing from the result (the caller looks it up; the contact made
// for it stays empty).
export const resolveContactsStatement: SqlStatement = {
  name: 'kefu_inbound_resolve_contacts',
  text: `with k as (
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[]) as k(w, a, u, un, candidate, dn)
    ),
    found as (
      select k.a, k.u, i.contact_id from k join identities i on i.channel_account_id = k.a and i.platform_user_id = k.u
    ),
    fresh as (
      select k.w, k.a, k.u, k.un, k.candidate, k.dn,
        coalesce((select i.contact_id from identities i where k.un is not null and i.workspace_id = k.w and i.union_id = k.un
          order by i.created_at limit 1), k.candidate) as contact_id
      from k where not exists (select 1 from found f where f.a = k.a and f.u = k.u)
    ),
    new_contacts as (
      insert into contacts (id, workspace_id, display_name)
      select distinct on (contact_id) contact_id, w, dn from fresh where contact_id = candidate
      on conflict do nothing
    ),
    new_identities as (
      insert into identities (workspace_id, contact_id, channel_account_id, platform_user_id, union_id)
      select w, contact_id, a, u, un from fresh
      on conflict do nothing
      returning channel_account_id as a, platform_user_id as u, contact_id
    )
    select a as channel_account_id, u as platform_user_id, contact_id::text as contact_id from found
    union all
    select a, u, contact_id::text from new_identities`,
};

// Conversations: one row per thread (ON CONFLICT DO UPDATE may touch a row once per statement).
// Messages: ORDER BY the input position, which keeps the subquery unflattened, so the `sequence`
// default is evaluated above the sort, in arrival order.
const storeMessagesStatement: SqlStatement = {
  name: 'kefu_inbound_store_messages',
  text: `with conv as (
      insert into conversations (workspace_id, channel_account_id, platform_thread_id, kind, last_inbound_at)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
      on conflict (channel_account_id, platform_thread_id)
      do update set last_inbound_at = excluded.last_inbound_at, updated_at = now()
      returning id, channel_account_id, platform_thread_id
    ),
    inserted as (
      insert into messages (workspace_id, conversation_id, channel_account_id, direction, author_kind, contact_id,
        platform_user_id, platform_message_id, parts, mentions, mentions_bot, from_self, processing_status, raw, trace_id, created_at)
      select k.w, conv.id, k.a, 'inbound', 'contact', k.ct, k.pu, k.pm, k.parts, k.mentions, k.mb, k.fs, 'received', k.raw, k.tr, k.ca
      from unnest($6::text[], $7::text[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::jsonb[], $13::jsonb[],
          $14::bool[], $15::bool[], $16::jsonb[], $17::text[], $18::timestamptz[])
          with ordinality as k(w, a, th, ct, pu, pm, parts, mentions, mb, fs, raw, tr, ca, position)
        join conv on conv.channel_account_id = k.a and conv.platform_thread_id = k.th
      order by k.position
      on conflict (channel_account_id, direction, platform_message_id) do nothing
      returning id, channel_account_id, platform_message_id
    )
    select 'conversation' as kind, id::text as id, channel_account_id, platform_thread_id as platform_id from conv
    union all
    select 'message', id::text, channel_account_id, platform_message_id from inserted`,
};

const insertParticipants: SqlStatement = {
  name: 'kefu_inbound_insert_participants',
  text: `insert into participants (conversation_id, platform_user_id, workspace_id, contact_id, role)
    select c, u, w, ct, 'customer' from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) as k(c, u, w, ct)
    on conflict do nothing`,
};

const findMessages: SqlStatement = {
  name: 'kefu_inbound_find_messages',
  text: `select m.id::text as id, m.conversation_id::text as conversation_id, m.contact_id::text as contact_id,
      m.channel_account_id, m.platform_message_id
    from unnest($1::text[], $2::text[]) as k(channel_account_id, platform_message_id)
    join messages m on m.channel_account_id = k.channel_account_id and m.direction = 'inbound'
      and m.platform_message_id = k.platform_message_id`,
};

/** A separator no platform id contains, for composite map keys. */
const key = (...parts: string[]) => parts.join('\u0000');
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
/** One input per distinct key, the first in input order (a Map keeps insertion order). */
const firstBy = <T>(items: readonly T[], keyOf: (item: T) => string) => {
  const first = new Map<string, T>();
  for (const item of items) if (!first.has(keyOf(item))) first.set(keyOf(item), item);
  return first;
};

/**
 * Store inbound messages unless already stored; one result per input, in input order. Inputs with
 * the same platform message id (in this batch or stored before) yield one row: the first stored
 * gets `duplicate: false`, every other `duplicate: true`, all with the same ids.
 */
export async function storeInboundBatch(runner: SqlRunner, inputs: readonly PersistInboundInput[]): Promise<PersistedInbound[]> {
  if (inputs.length === 0) return [];
  const contactIds = await resolveContacts(runner, inputs);
  const contactOf = (input: PersistInboundInput) => contactIds.get(key(input.channelAccountId, input.message.platformUserId))!;

  // The last message of a thread sets its last inbound time.
  const threads = [...new Map(inputs.map((input) => [key(input.channelAccountId, input.message.platformThreadId), input])).values()];
  // One row per platform message id; later copies in the batch are duplicates of the first.
  const firstOf = firstBy(inputs, (input) => key(input.channelAccountId, input.message.platformMessageId));
  const rows = [...firstOf.values()];
  const storedAt = new Date();
  const returned = await runner.query<{ kind: 'conversation' | 'message'; id: string; channel_account_id: string; platform_id: string }>(
    storeMessagesStatement,
    [
      threads.map((input) => input.workspaceId),
      threads.map((input) => input.channelAccountId),
      threads.map((input) => input.message.platformThreadId),
      threads.map((input) => input.message.conversationKind),
      threads.map((input) => input.message.sentAt),
      rows.map((input) => input.workspaceId),
      rows.map((input) => input.channelAccountId),
      rows.map((input) => input.message.platformThreadId),
      rows.map(contactOf),
      rows.map((input) => input.message.platformUserId),
      rows.map((input) => input.message.platformMessageId),
      rows.map((input) => json(input.message.parts)),
      rows.map((input) => json(input.message.mentions)),
      rows.map((input) => input.message.mentionsBot),
      rows.map((input) => input.message.fromSelf),
      rows.map((input) => json(input.message.raw)),
      rows.map((input) => input.traceId),
      rows.map(() => storedAt),
    ],
  );
  const conversationIds = new Map<string, string>();
  const insertedIds = new Map<string, string>();
  for (const row of returned) {
    (row.kind === 'conversation' ? conversationIds : insertedIds).set(key(row.channel_account_id, row.platform_id), row.id);
  }
  const conversationOf = (input: PersistInboundInput) =>
    conversationIds.get(key(input.channelAccountId, input.message.platformThreadId))!;

  const groups = inputs.filter((input) => input.message.conversationKind === 'group');
  if (groups.length > 0) {
    const members = [...firstBy(groups, (input) => key(conversationOf(input), input.message.platformUserId)).values()];
    await runner.query(insertParticipants, [
      members.map(conversationOf),
      members.map((input) => input.message.platformUserId),
      members.map((input) => input.workspaceId),
      members.map(contactOf),
    ]);
  }

  const stored = new Map<string, PersistedInbound>();
  for (const [id, input] of firstOf) {
    const messageId = insertedIds.get(id);
    if (messageId) stored.set(id, { messageId, conversationId: conversationOf(input), contactId: contactOf(input), duplicate: false });
  }
  // Already stored: platform retries, or a concurrent delivery won the insert.
  const missing = rows.filter((input) => !stored.has(key(input.channelAccountId, input.message.platformMessageId)));
  if (missing.length > 0) {
    const found = await runner.query<{ id: string; conversation_id: string; contact_id: string | null; channel_account_id: string; platform_message_id: string }>(
      findMessages,
      [missing.map((input) => input.channelAccountId), missing.map((input) => input.message.platformMessageId)],
    );
    for (const row of found) {
      stored.set(key(row.channel_account_id, row.platform_message_id), {
        messageId: row.id,
        conversationId: row.conversation_id,
        contactId: row.contact_id ?? '',
        duplicate: true,
      });
    }
  }

  const handedOut = new Set<string>();
  return inputs.map((input) => {
    const id = key(input.channelAccountId, input.message.platformMessageId);
    const result = stored.get(id);
    if (!result) throw new InboundStoreError(`inbound message ${input.message.platformMessageId} neither inserted nor found`);
    if (handedOut.has(id)) return { ...result, duplicate: true };
    handedOut.add(id);
    return result;
  });
}

/** The contact behind each platform user of the batch (see `resolveContactsStatement`). */
async function resolveContacts(runner: SqlRunner, inputs: readonly PersistInboundInput[]): Promise<Map<string, string>> {
  const users = [...firstBy(inputs, (input) => key(input.channelAccountId, input.message.platformUserId)).values()];
  const candidateByUnion = new Map<string, string>();
  const candidates = users.map((input) => {
    if (!input.message.unionId) return randomUUID();
    const unionKey = key(input.workspaceId, input.message.unionId);
    let candidate = candidateByUnion.get(unionKey);
    if (!candidate) candidateByUnion.set(unionKey, (candidate = randomUUID()));
    return candidate;
  });
  const rows = await runner.query<{ channel_account_id: string; platform_user_id: string; contact_id: string }>(resolveContactsStatement, [
    users.map((input) => input.workspaceId),
    users.map((input) => input.channelAccountId),
    users.map((input) => input.message.platformUserId),
    users.map((input) => input.message.unionId ?? null),
    candidates,
    users.map((input) => input.message.displayName ?? null),
  ]);
  const contactIds = new Map(rows.map((row) => [key(row.channel_account_id, row.platform_user_id), row.contact_id]));
  // Another process stored the identity first: use its contact.
  const lost = users.filter((input) => !contactIds.has(key(input.channelAccountId, input.message.platformUserId)));
  if (lost.length > 0) {
    const found = await runner.query<{ channel_account_id: string; platform_user_id: string; contact_id: string }>(findIdentities, [
      lost.map((input) => input.channelAccountId),
      lost.map((input) => input.message.platformUserId),
    ]);
    for (const row of found) contactIds.set(key(row.channel_account_id, row.platform_user_id), row.contact_id);
    for (const input of lost) {
      if (!contactIds.has(key(input.channelAccountId, input.message.platformUserId))) {
        throw new InboundStoreError(`identity of ${input.message.platformUserId} neither inserted nor found`);
      }
    }
  }
  return contactIds;
}
