/**
 * Official Account callback XML → `InboundMessage` (PLATFORMS.md §2.2). OA chats are always 1:1, so
 * the thread is the follower's OpenID, and the account never receives its own messages back.
 */
import { MalformedRequestError } from '../../bot/errors.ts';
import type { ContentPart, InboundMessage } from '../../bot/model.ts';
import { textField, type XmlRecord } from './xml.ts';

/**
 * Notification events about the account's own mass / template sends: not something a customer did,
 * so Kefu acknowledges them without creating a message.
 */
const notificationEvents = new Set(['templatesendjobfinish', 'masssendjobfinish', 'publishjobfinish']);

/** True when a parsed callback is a notification Kefu only acknowledges (see `notificationEvents`). */
export function isNotificationEvent(fields: XmlRecord): boolean {
  return textField(fields, 'MsgType') === 'event' && notificationEvents.has((textField(fields, 'Event') ?? '').toLowerCase());
}

/** The fields every OA callback carries. */
export interface CallbackHeader {
  /** The account's original id (`gh_…`). */
  toUserName: string;
  /** The follower's OpenID. */
  fromUserName: string;
  createTime: string;
  msgType: string;
}

/** Read and check the common fields; throws `MalformedRequestError` when one is missing or bad. */
export function readCallbackHeader(fields: XmlRecord): CallbackHeader {
  const toUserName = required(fields, 'ToUserName');
  const fromUserName = required(fields, 'FromUserName');
  const createTime = required(fields, 'CreateTime');
  const msgType = required(fields, 'MsgType');
  if (!/^\d{1,12}$/.test(createTime)) throw new MalformedRequestError('CreateTime must be a number of seconds');
  return { toUserName, fromUserName, createTime, msgType };
}

/**
 * Map a parsed OA callback to an `InboundMessage`. The dedup key is `MsgId` for messages and
 * `FromUserName:CreateTime:Event` for events (the docs recommend FromUserName + CreateTime; the event
 * name keeps e.g. a subscribe and a SCAN of the same second apart). `raw` keeps every field.
 */
export function toInboundMessage(fields: XmlRecord): InboundMessage {
  const header = readCallbackHeader(fields);
  const platformMessageId =
    header.msgType === 'event'
      ? `${header.fromUserName}:${header.createTime}:${required(fields, 'Event')}`
      : required(fields, 'MsgId');
  if (header.msgType !== 'event' && !/^\d+$/.test(platformMessageId)) {
    throw new MalformedRequestError('MsgId must be a decimal id');
  }
  return {
    platformMessageId,
    platformUserId: header.fromUserName,
    platformThreadId: header.fromUserName,
    conversationKind: 'direct',
    fromSelf: false,
    mentions: [],
    mentionsBot: false,
    parts: contentParts(header.msgType, fields),
    sentAt: new Date(Number(header.createTime) * 1000),
    raw: fields,
  };
}

function contentParts(msgType: string, fields: XmlRecord): ContentPart[] {
  const field = (name: string) => textField(fields, name);
  switch (msgType) {
    case 'text':
      return [{ type: 'text', text: field('Content') ?? '' }];
    case 'image':
      return [withoutUndefined({ type: 'image', url: field('PicUrl'), mediaId: field('MediaId') })];
    case 'voice':
      return [
        withoutUndefined({
          type: 'voice',
          mediaId: field('MediaId'),
          format: field('Format'),
          recognition: field('Recognition') || undefined,
        }),
      ];
    case 'video':
    case 'shortvideo':
      return [withoutUndefined({ type: 'video', mediaId: field('MediaId'), thumbMediaId: field('ThumbMediaId') })];
    case 'location':
      return [
        withoutUndefined({
          type: 'location',
          latitude: coordinate(field('Location_X'), 'Location_X'),
          longitude: coordinate(field('Location_Y'), 'Location_Y'),
          scale: field('Scale') === undefined ? undefined : coordinate(field('Scale'), 'Scale'),
          label: field('Label') || undefined,
        }),
      ];
    case 'link':
      return [
        withoutUndefined({
          type: 'link',
          title: field('Title') ?? '',
          description: field('Description') || undefined,
          url: field('Url') ?? '',
        }),
      ];
    case 'event':
      return eventParts(fields);
    default:
      // A message type this adapter does not know yet: keep it (raw) with no content.
      return [];
  }
}

function eventParts(fields: XmlRecord): ContentPart[] {
  const event = textField(fields, 'Event') ?? '';
  // EventKey is empty (or absent) for plain subscribes; a QR subscribe carries "qrscene_<scene>".
  const key = textField(fields, 'EventKey') || undefined;
  const parts: ContentPart[] = [withoutUndefined({ type: 'event', event, key })];
  if (event === 'LOCATION') {
    parts.push({
      type: 'location',
      latitude: coordinate(textField(fields, 'Latitude'), 'Latitude'),
      longitude: coordinate(textField(fields, 'Longitude'), 'Longitude'),
    });
  }
  return parts;
}

function required(fields: XmlRecord, name: string): string {
  const value = textField(fields, name);
  if (value === undefined || value === '') throw new MalformedRequestError(`XML field ${name} is missing`);
  return value;
}

function coordinate(value: string | undefined, name: string): number {
  const number = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) throw new MalformedRequestError(`XML field ${name} must be a number`);
  return number;
}

/** Drop optional keys whose value is undefined (`exactOptionalPropertyTypes`-friendly, tidy `raw`). */
function withoutUndefined<T extends ContentPart>(part: T): T {
  return Object.fromEntries(Object.entries(part).filter(([, value]) => value !== undefined)) as T;
}
