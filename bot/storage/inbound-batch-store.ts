/**
 * The durable write behind a webhook acknowledgement, for many inbound messages at once: one
 * multi-row statement per step, whatever the batch size (arrays expanded with `unnest`), in raw
 * prepared SQL (`sql-runner.ts`). Per batch: identities ∥ conversations (concurrently), then new
 * contacts + identities (one statement, only for new followers), then messages — two or three
 * round trips one after the other.
 *
 * No transaction: each step is idempotent on its own unique key, and the message insert — the one
 * that matters — is a single atomic statement deduplicated on the platform message id
 * (`ON CONFLICT DO NOTHING`). A failure between steps leaves at most an empty contact or
 * conversation, never a half-stored message; the caller then answers 5xx and the platform retries.
 * Within a batch, messages are inserted in input order, so `sequence` (processing order within a
 * conversation) follows arrival order.
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

const findByUnion: SqlStatement = {
  name: 'kefu_inbound_find_by_union',
  text: `select distinct on (k.workspace_id, k.union_id) k.workspace_id, k.union_id, i.contact_id::text as contact_id
    from unnest($1::text[], $2::text[]) as k(workspace_id, union_id)
    join identities i on i.workspace_id = k.workspace_id and i.union_id = k.union_id
    order by k.workspace_id, k.union_id, i.created_at`,
};

// New contacts and their identities in one statement: the identity rows reference contacts
// inserted by the CTE (foreign keys are checked at the end of the statement). A contact whose
// identity lost to another process stays empty, as with separate statements.
const insertContactsAndIdentities: SqlStatement = {
  name: 'kefu_inbound_insert_contacts_identities',
  text: `with new_contacts as (
      insert into contacts (id, workspace_id, display_name)
      select * from unnest($1::uuid[], $2::text[], $3::text[])
    )
    insert into identities (workspace_id, contact_id, channel_account_id, platform_user_id, union_id)
    select * from unnest($4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[])
    on conflict do nothing
    returning channel_account_id, platform_user_id`,
};

const upsertConversations: SqlStatement = {
  name: 'kefu_inbound_upsert_conversations',
  text: `insert into conversations (workspace_id, channel_account_id, platform_thread_id, kind, last_inbound_at)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
    on conflict (channel_account_id, platform_thread_id)
    do update set last_inbound_at = excluded.last_inbound_at, updated_at = now()
    returning id::text as id, channel_account_id, platform_thread_id`,
};

const insertParticipants: SqlStatement = {
  name: 'kefu_inbound_insert_participants',
  text: `insert into participants (conversation_id, platform_user_id, workspace_id, contact_id, role)
    select c, u, w, ct, 'customer' from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) as k(c, u, w, ct)
    on conflict do nothing`,
};

// ORDER BY the input position: defaults (the `sequence` serial) are evaluated above the sort, so
// sequence numbers follow arrival order.
const insertMessages: SqlStatement = {
  name: 'kefu_inbound_insert_messages',
  text: `insert into messages (workspace_id, conversation_id, channel_account_id, direction, author_kind, contact_id,
      platform_user_id, platform_message_id, parts, mentions, mentions_bot, from_self, processing_status, raw, trace_id, created_at)
    select w, c, a, 'inbound', 'contact', ct, pu, pm, parts, mentions, mb, fs, 'received', raw, tr, ca
    from unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[],
      $9::bool[], $10::bool[], $11::jsonb[], $12::text[], $13::timestamptz[])
      with ordinality as k(w, c, a, ct, pu, pm, parts, mentions, mb, fs, raw, tr, ca, position)
    order by position
    on conflict (channel_account_id, direction, platform_message_id) do nothing
    returning id::text as id, channel_account_id, platform_message_id`,
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

/**
 * Store inbound messages unless already stored; one result per input, in input order. Inputs with
 * the same platform message id (in this batch or stored before) yield one row: the first stored
 * gets `duplicate: false`, every other `duplicate: true`, all with the same ids.
 */
export async function storeInboundBatch(runner: SqlRunner, inputs: readonly PersistInboundInput[]): Promise<PersistedInbound[]> {
  if (inputs.length === 0) return [];
  // Independent steps: on PostgreSQL they run on two pooled connections at once.
  const [contactIds, conversationIds] = await Promise.all([resolveContacts(runner, inputs), resolveConversations(runner, inputs)]);
  const contactOf = (input: PersistInboundInput) => contactIds.get(key(input.channelAccountId, input.message.platformUserId))!;
  const conversationOf = (input: PersistInboundInput) =>
    conversationIds.get(key(input.channelAccountId, input.message.platformThreadId))!;

  const groups = inputs.filter((input) => input.message.conversationKind === 'group');
  if (groups.length > 0) {
    const seen = new Set<string>();
    const rows = groups.filter((input) => {
      const id = key(conversationOf(input), input.message.platformUserId);
      return seen.has(id) ? false : (seen.add(id), true);
    });
    await runner.query(insertParticipants, [
      rows.map(conversationOf),
      rows.map((input) => input.message.platformUserId),
      rows.map((input) => input.workspaceId),
      rows.map(contactOf),
    ]);
  }

  // One row per platform message id; later copies in the batch are duplicates of the first.
  const firstOf = new Map<string, PersistInboundInput>();
  for (const input of inputs) {
    const id = key(input.channelAccountId, input.message.platformMessageId);
    if (!firstOf.has(id)) firstOf.set(id, input);
  }
  const rows = [...firstOf.values()];
  const storedAt = new Date();
  const inserted = await runner.query<{ id: string; channel_account_id: string; platform_message_id: string }>(insertMessages, [
    rows.map((input) => input.workspaceId),
    rows.map(conversationOf),
    rows.map((input) => input.channelAccountId),
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
  ]);
  const stored = new Map<string, PersistedInbound>();
  for (const row of inserted) {
    const input = firstOf.get(key(row.channel_account_id, row.platform_message_id))!;
    stored.set(key(row.channel_account_id, row.platform_message_id), {
      messageId: row.id,
      conversationId: conversationOf(input),
      contactId: contactOf(input),
      duplicate: false,
    });
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

/**
 * The contact behind each platform user: by identity, else by unionid in the workspace, else a
 * new contact. Users new in this batch who share a unionid share one new contact.
 */
async function resolveContacts(runner: SqlRunner, inputs: readonly PersistInboundInput[]): Promise<Map<string, string>> {
  const users = new Map<string, PersistInboundInput>();
  for (const input of inputs) {
    const id = key(input.channelAccountId, input.message.platformUserId);
    if (!users.has(id)) users.set(id, input);
  }
  const contactIds = new Map<string, string>();
  const lookUp = async (candidates: PersistInboundInput[]) => {
    const rows = await runner.query<{ channel_account_id: string; platform_user_id: string; contact_id: string }>(findIdentities, [
      candidates.map((input) => input.channelAccountId),
      candidates.map((input) => input.message.platformUserId),
    ]);
    for (const row of rows) contactIds.set(key(row.channel_account_id, row.platform_user_id), row.contact_id);
  };
  await lookUp([...users.values()]);
  const unknown = [...users.entries()].filter(([id]) => !contactIds.has(id)).map(([, input]) => input);
  if (unknown.length === 0) return contactIds;

  // New identities: join an existing contact with the same unionid, else create one.
  const withUnion = unknown.filter((input) => input.message.unionId);
  const byUnion = new Map<string, string>();
  if (withUnion.length > 0) {
    const rows = await runner.query<{ workspace_id: string; union_id: string; contact_id: string }>(findByUnion, [
      withUnion.map((input) => input.workspaceId),
      withUnion.map((input) => input.message.unionId!),
    ]);
    for (const row of rows) byUnion.set(key(row.workspace_id, row.union_id), row.contact_id);
  }
  const newContacts: Array<{ id: string; workspaceId: string; displayName: string | null }> = [];
  const chosen = unknown.map((input) => {
    const unionKey = input.message.unionId ? key(input.workspaceId, input.message.unionId) : undefined;
    let contactId = unionKey ? byUnion.get(unionKey) : undefined;
    if (!contactId) {
      contactId = randomUUID();
      newContacts.push({ id: contactId, workspaceId: input.workspaceId, displayName: input.message.displayName ?? null });
      if (unionKey) byUnion.set(unionKey, contactId);
    }
    return { input, contactId };
  });
  const claimed = await runner.query<{ channel_account_id: string; platform_user_id: string }>(insertContactsAndIdentities, [
    newContacts.map((contact) => contact.id),
    newContacts.map((contact) => contact.workspaceId),
    newContacts.map((contact) => contact.displayName),
    chosen.map(({ input }) => input.workspaceId),
    chosen.map(({ contactId }) => contactId),
    chosen.map(({ input }) => input.channelAccountId),
    chosen.map(({ input }) => input.message.platformUserId),
    chosen.map(({ input }) => input.message.unionId ?? null),
  ]);
  const won = new Set(claimed.map((row) => key(row.channel_account_id, row.platform_user_id)));
  const lost: PersistInboundInput[] = [];
  for (const { input, contactId } of chosen) {
    const id = key(input.channelAccountId, input.message.platformUserId);
    if (won.has(id)) contactIds.set(id, contactId);
    else lost.push(input);
  }
  // Another process stored the identity first: use its contact (ours stays empty, as before).
  if (lost.length > 0) await lookUp(lost);
  for (const input of lost) {
    if (!contactIds.has(key(input.channelAccountId, input.message.platformUserId))) {
      throw new InboundStoreError(`identity of ${input.message.platformUserId} neither inserted nor found`);
    }
  }
  return contactIds;
}

/** Upsert each thread's conversation once (the latest message's send time as last inbound). */
async function resolveConversations(runner: SqlRunner, inputs: readonly PersistInboundInput[]): Promise<Map<string, string>> {
  // ON CONFLICT DO UPDATE may touch a row once per statement: one row per thread.
  const threads = new Map<string, PersistInboundInput>();
  for (const input of inputs) threads.set(key(input.channelAccountId, input.message.platformThreadId), input);
  const rows = [...threads.values()];
  const upserted = await runner.query<{ id: string; channel_account_id: string; platform_thread_id: string }>(upsertConversations, [
    rows.map((input) => input.workspaceId),
    rows.map((input) => input.channelAccountId),
    rows.map((input) => input.message.platformThreadId),
    rows.map((input) => input.message.conversationKind),
    rows.map((input) => input.message.sentAt),
  ]);
  return new Map(upserted.map((row) => [key(row.channel_account_id, row.platform_thread_id), row.id]));
}
