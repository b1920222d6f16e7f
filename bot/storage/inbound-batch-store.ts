/**
 * The durable write behind a webhook acknowledgement, for many inbound messages at once, in raw
 * prepared SQL (`sql-runner.ts`) with arrays expanded by `unnest`, so a statement's text is the
 * same whatever the batch size. One round trip per batch (`storeInboundStatement`): the senders'
 * contacts (existing identities, else a new contact — or the workspace's contact with the same
 * unionid — and its identity), the conversations upserted, and the messages inserted, joined to
 * the contacts and conversations the statement's CTEs returned. (Plus participants for group
 * messages, a lookup of duplicates when there are any, and the same statement once more for the
 * messages of a sender whose identity another process stored first.)
 *
 * No transaction: each part is idempotent on its own unique keys, and the message insert — the
 * one that matters — is atomic and deduplicated on the platform message id (`ON CONFLICT DO
 * NOTHING`). A failure leaves at most an empty contact or conversation, never a half-stored
 * message; the caller then answers 5xx and the platform retries. Within a batch, messages are
 * inserted in input order, so `sequence` (processing order within a conversation) follows arrival
 * order.
 */
import { randomUUID } from 'node:crypto';
import { InboundStoreError } from '../errors.ts';
import type { PersistedInbound, PersistInboundInput } from './inbound-repository.ts';
import type { SqlRunner, SqlStatement } from './sql-runner.ts';

// Senders ($1–$6): one row per platform user of the batch. Users without an identity get the
// oldest contact with their unionid in the workspace, else their candidate id as a new contact
// (users new in this batch who share a unionid share a candidate). Identity and message rows
// reference contacts inserted by the CTE: foreign keys are checked at the end of the statement.
// A user whose identity insert lost to another process has no row in `resolved`, so their
// messages are not inserted: the caller runs the statement again for them, which then finds the
// identity (the contact made for it stays empty).
// Conversations ($7–$11): one row per thread (ON CONFLICT DO UPDATE may touch a row once per
// statement); a late copy of an older message never moves `last_inbound_at` (the dashboard's last
// customer message time) back. Messages ($12–$23): ORDER BY the input position, which keeps the
// subquery unflattened, so the `sequence` default is evaluated above the sort, in arrival order.
export const storeInboundStatement: SqlStatement = {
  name: 'kefu_inbound_store',
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
    ),
    resolved as (
      select a, u, contact_id from found
      union all
      select a, u, contact_id from new_identities
    ),
    conv as (
      insert into conversations (workspace_id, channel_account_id, platform_thread_id, kind, last_inbound_at)
      select * from unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
      on conflict (channel_account_id, platform_thread_id)
      do update set last_inbound_at = greatest(conversations.last_inbound_at, excluded.last_inbound_at), updated_at = now()
      returning id, channel_account_id, platform_thread_id
    ),
    inserted as (
      insert into messages (workspace_id, conversation_id, channel_account_id, direction, author_kind, contact_id,
        platform_user_id, platform_message_id, parts, mentions, mentions_bot, from_self, processing_status, raw, trace_id, created_at)
      select m.w, conv.id, m.a, 'inbound', 'contact', r.contact_id, m.pu, m.pm, m.parts, m.mentions, m.mb, m.fs, 'received', m.raw, m.tr, m.ca
      from unnest($12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::jsonb[], $18::jsonb[],
          $19::bool[], $20::bool[], $21::jsonb[], $22::text[], $23::timestamptz[])
          with ordinality as m(w, a, th, pu, pm, parts, mentions, mb, fs, raw, tr, ca, position)
        join conv on conv.channel_account_id = m.a and conv.platform_thread_id = m.th
        join resolved r on r.a = m.a and r.u = m.pu
      order by m.position
      on conflict (channel_account_id, direction, platform_message_id) do nothing
      returning id, channel_account_id, platform_message_id
    )
    select 'contact' as kind, contact_id::text as id, a as channel_account_id, u as platform_id from resolved
    union all
    select 'conversation', id::text, channel_account_id, platform_thread_id from conv
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
  // One row per platform message id; later copies in the batch are duplicates of the first.
  const firstOf = firstBy(inputs, (input) => key(input.channelAccountId, input.message.platformMessageId));
  const rows = [...firstOf.values()];
  const contactIds = new Map<string, string>();
  const conversationIds = new Map<string, string>();
  const insertedIds = new Map<string, string>();
  const senderOf = (input: PersistInboundInput) => key(input.channelAccountId, input.message.platformUserId);
  await storeRows(runner, rows, { contactIds, conversationIds, insertedIds });
  // Another process stored a sender's identity first: once more for that sender's messages,
  // which now finds the identity.
  const lost = rows.filter((input) => !contactIds.has(senderOf(input)));
  if (lost.length > 0) {
    await storeRows(runner, lost, { contactIds, conversationIds, insertedIds });
    for (const input of lost) {
      if (!contactIds.has(senderOf(input))) throw new InboundStoreError(`identity of ${input.message.platformUserId} neither inserted nor found`);
    }
  }
  const contactOf = (input: PersistInboundInput) => contactIds.get(senderOf(input))!;
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

/** What `storeInboundStatement` returned, by composite key. */
interface StoredIds {
  /** Sender (channel account, platform user) → contact id. */
  contactIds: Map<string, string>;
  /** Thread (channel account, platform thread) → conversation id. */
  conversationIds: Map<string, string>;
  /** Message (channel account, platform message id) → message id, for rows inserted now. */
  insertedIds: Map<string, string>;
}

/** Run `storeInboundStatement` for distinct messages and collect what it returned into `into`. */
async function storeRows(runner: SqlRunner, rows: readonly PersistInboundInput[], into: StoredIds): Promise<void> {
  const users = [...firstBy(rows, (input) => key(input.channelAccountId, input.message.platformUserId)).values()];
  const candidateByUnion = new Map<string, string>();
  const candidates = users.map((input) => {
    if (!input.message.unionId) return randomUUID();
    const unionKey = key(input.workspaceId, input.message.unionId);
    let candidate = candidateByUnion.get(unionKey);
    if (!candidate) candidateByUnion.set(unionKey, (candidate = randomUUID()));
    return candidate;
  });
  // The last message of a thread sets its last inbound time.
  const threads = [...new Map(rows.map((input) => [key(input.channelAccountId, input.message.platformThreadId), input])).values()];
  const storedAt = new Date();
  const returned = await runner.query<{ kind: 'contact' | 'conversation' | 'message'; id: string; channel_account_id: string; platform_id: string }>(
    storeInboundStatement,
    [
      users.map((input) => input.workspaceId),
      users.map((input) => input.channelAccountId),
      users.map((input) => input.message.platformUserId),
      users.map((input) => input.message.unionId ?? null),
      candidates,
      users.map((input) => input.message.displayName ?? null),
      threads.map((input) => input.workspaceId),
      threads.map((input) => input.channelAccountId),
      threads.map((input) => input.message.platformThreadId),
      threads.map((input) => input.message.conversationKind),
      threads.map((input) => input.message.sentAt),
      rows.map((input) => input.workspaceId),
      rows.map((input) => input.channelAccountId),
      rows.map((input) => input.message.platformThreadId),
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
  const maps = { contact: into.contactIds, conversation: into.conversationIds, message: into.insertedIds };
  for (const row of returned) maps[row.kind].set(key(row.channel_account_id, row.platform_id), row.id);
}
