/**
 * The conversation model shared by every channel: what an adapter produces from a platform payload
 * and what handlers read and write. Platform ids are always strings (64-bit ids lose precision as
 * JavaScript numbers).
 */

/** Every channel type Kefu knows. Webhook paths use these names: `/webhooks/<type>/<account id>`. */
export type ChannelType =
  | 'wechat-official'
  | 'wecom-app'
  | 'wecom-aibot'
  | 'wecom-kf'
  | 'dingtalk'
  | 'douyin'
  | 'wechaty'
  | 'web';

/** One piece of a message's content: a discriminated union on `type`. */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url?: string; mediaId?: string }
  | { type: 'voice'; mediaId?: string; format?: string; recognition?: string }
  | { type: 'video'; mediaId?: string; thumbMediaId?: string }
  | { type: 'file'; mediaId?: string; name?: string; url?: string }
  | { type: 'location'; latitude: number; longitude: number; label?: string; scale?: number }
  | { type: 'link'; title: string; description?: string; url: string }
  | { type: 'card'; title: string; description?: string; url?: string }
  | { type: 'event'; event: string; key?: string };

/** A source an answer was drawn from, shown to the customer and kept on the message. */
export interface Citation {
  /** Id of the knowledge entry or chunk. */
  id: string;
  /** Human-readable title (the FAQ question or document heading). */
  title: string;
  /** Retrieval score of the cited passage. */
  score?: number;
  /** Where a document passage stands: file name and page or lines ("门店手册.pdf 第3页"). */
  source?: string;
}

/** Who wrote a message. */
export type AuthorKind = 'contact' | 'staff' | 'bot' | 'system';

/** Conversation kind: one customer, or a platform group with customers, staff and the bot. */
export type ConversationKind = 'direct' | 'group';

/** Handoff status: `bot` → `pending` (waiting for a human) → `human` → `resolved`. */
export type ConversationStatus = 'bot' | 'pending' | 'human' | 'resolved';

/** Delivery status of an outbound message. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * A platform event normalised by an adapter, before it is stored. `platformMessageId` is the dedup
 * key, unique per channel account.
 */
export interface InboundMessage {
  /** Dedup key: the platform's message id, or a synthetic one the platform's docs recommend. */
  platformMessageId: string;
  /** The platform's id of the customer (OpenID, UserID, …). */
  platformUserId: string;
  /** Display name when the platform sends one. */
  displayName?: string;
  /** Cross-app identity when known (WeChat unionid). */
  unionId?: string;
  /** Platform thread id: for direct chats the user id, for groups the group id. */
  platformThreadId: string;
  conversationKind: ConversationKind;
  /** True when the message was sent by this bot account itself (platform echo); it is ignored. */
  fromSelf: boolean;
  /** Platform user ids @-mentioned in the message. */
  mentions: string[];
  /** True when the bot itself was @-mentioned (group chats). */
  mentionsBot: boolean;
  parts: ContentPart[];
  /** When the platform says the message was sent. */
  sentAt: Date;
  /** The raw platform payload, kept for debugging and replay. */
  raw: unknown;
}

/** A reply the pipeline wants sent. */
export interface OutboundReply {
  parts: ContentPart[];
  /** Platform user ids to @-mention (group chats). */
  mentions?: string[];
  intent?: string;
  confidence?: number;
  citations?: Citation[];
}

/** Plain text of a message's parts, the way handlers read it. */
export function textOf(parts: readonly ContentPart[]): string {
  return parts
    .map((part) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'voice') return part.recognition ?? '';
      return '';
    })
    .join('')
    .trim();
}
