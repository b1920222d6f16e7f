/**
 * `BotContext`: what each pipeline middleware sees for one inbound message. Data flows between
 * middleware through `ctx.state` (intent, retrieval hits…); replies through `ctx.reply()`, which
 * only records them — they are stored and sent after the whole pipeline succeeded, so a failing
 * handler never leaves half a conversation behind.
 */
import type { Logger } from 'pino';
import { textOf, type ChannelType, type ContentPart, type ConversationKind, type ConversationStatus, type OutboundReply } from './model.ts';

export interface BotContextInit {
  workspaceId: string;
  channel: { id: string; type: ChannelType };
  conversation: {
    id: string;
    kind: ConversationKind;
    /** The status when this message was taken for processing. */
    status: ConversationStatus;
    /** When that status was entered (null: the conversation never changed status). */
    statusChangedAt?: Date | null;
    platformThreadId: string;
  };
  contact: { id: string };
  message: {
    id: string;
    platformUserId: string;
    parts: ContentPart[];
    mentions: string[];
    /** True when the platform says the bot wrote it (echo of our own send). */
    fromSelf: boolean;
    /** True when the bot was @-mentioned (group chats). */
    mentionsBot: boolean;
  };
  log: Logger;
  traceId: string;
}

export class BotContext {
  readonly workspaceId: string;
  readonly channel: BotContextInit['channel'];
  readonly conversation: BotContextInit['conversation'];
  readonly contact: BotContextInit['contact'];
  readonly message: BotContextInit['message'];
  readonly log: Logger;
  readonly traceId: string;
  /** The message as plain text (voice: its speech recognition), trimmed. */
  readonly text: string;
  /** Free-form data shared between middleware. */
  readonly state: Record<string, unknown> = {};
  /** Replies recorded so far, in order. */
  readonly replies: OutboundReply[] = [];
  /** Set by a middleware that decided the message needs no action (e.g. a human owns it). */
  ignored = false;
  /** The conversation status the pipeline asked for (`changeStatus`), if any. */
  statusChange: ConversationStatus | undefined;

  constructor(init: BotContextInit) {
    this.workspaceId = init.workspaceId;
    this.channel = init.channel;
    this.conversation = init.conversation;
    this.contact = init.contact;
    this.message = init.message;
    this.log = init.log;
    this.traceId = init.traceId;
    this.text = textOf(init.message.parts);
  }

  /** The platform event name when the message is an event (`subscribe`, …). */
  get event(): string | undefined {
    const part = this.message.parts.find((p) => p.type === 'event');
    return part?.type === 'event' ? part.event : undefined;
  }

  /**
   * Move the conversation to `status` (e.g. `pending`: the customer asked for a human). Like
   * replies, it is committed only after the whole pipeline succeeded, together with them — and only
   * if the conversation still has the status this message saw, so an operator who took it over in
   * the meantime keeps it.
   */
  changeStatus(status: ConversationStatus): void {
    this.statusChange = status;
  }

  /** Queue a reply to this message: plain text, or a full reply with citations and intent. */
  reply(reply: string | OutboundReply): void {
    this.replies.push(typeof reply === 'string' ? { parts: [{ type: 'text', text: reply }] } : reply);
  }
}

/** A pipeline stage. */
export type BotMiddleware = (ctx: BotContext, next: () => Promise<void>) => Promise<void>;
