/**
 * OutboundReply → what WeChat displays: one text with a Chinese source line for citations, cut to
 * WeChat's text limit, and the passive-reply XML (plain or as an encrypted envelope, §1.5 / §2.4).
 */
import type { Citation, OutboundReply } from '../../bot/model.ts';

/** WeChat's limit on a customer-service text message, in UTF-8 bytes. */
export const textLimitBytes = 2048;
const ellipsis = '…';
/** At most this many cited titles are listed. */
const maximumCitations = 3;

/**
 * The text WeChat should show for a reply: text parts joined, links and cards as "title url" lines,
 * then "来源：…" naming the cited sources, truncated to `limitBytes`. Empty when nothing is textual.
 */
export function formatReplyText(reply: OutboundReply, limitBytes = textLimitBytes): string {
  const body = reply.parts
    .map((part) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'link') return `\n${part.title} ${part.url}\n`;
      if (part.type === 'card') return `\n${[part.title, part.description, part.url].filter(Boolean).join(' ')}\n`;
      return '';
    })
    .join('')
    .trim();
  const sources = sourcesLine(reply.citations ?? []);
  const text = body === '' ? sources : sources === '' ? body : `${body}\n\n${sources}`;
  return truncateUtf8(text, limitBytes);
}

/** The "来源：…" line naming the cited sources (at most three, each once); empty without citations. */
export function sourcesLine(citations: readonly Citation[]): string {
  const titles = [
    ...new Set(
      citations
        .map((citation) => (citation.source ? `${citation.title.trim()}（${citation.source}）` : citation.title.trim()))
        .filter(Boolean),
    ),
  ];
  return titles.length === 0 ? '' : `来源：${titles.slice(0, maximumCitations).join('；')}`;
}

/**
 * Cut `text` to at most `limitBytes` UTF-8 bytes on a code-point boundary, ending with "…" when cut.
 */
export function truncateUtf8(text: string, limitBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= limitBytes) return text;
  const budget = limitBytes - Buffer.byteLength(ellipsis, 'utf8');
  let used = 0;
  let kept = '';
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (used + size > budget) break;
    used += size;
    kept += character;
  }
  return kept + ellipsis;
}

/** The fields of a passive reply; exactly one of `content` (text) or `imageMediaId` is used. */
export interface PassiveReplyFields {
  /** The follower's OpenID. */
  toUserName: string;
  /** The account's original id `gh_…`. */
  fromUserName: string;
  /** Seconds since the epoch. */
  createTime: number;
  content?: string;
  imageMediaId?: string;
}

/** Build the plaintext passive-reply XML (text, or image by media id when there is no text). */
export function buildPassiveReplyXml(fields: PassiveReplyFields): string {
  const head =
    `<ToUserName>${cdata(fields.toUserName)}</ToUserName>` +
    `<FromUserName>${cdata(fields.fromUserName)}</FromUserName>` +
    `<CreateTime>${Math.floor(fields.createTime)}</CreateTime>`;
  if (fields.content === undefined && fields.imageMediaId !== undefined) {
    return `<xml>${head}<MsgType>${cdata('image')}</MsgType><Image><MediaId>${cdata(fields.imageMediaId)}</MediaId></Image></xml>`;
  }
  return `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(fields.content ?? '')}</Content></xml>`;
}

/** The safe-mode envelope around an encrypted reply (§1.5). */
export function buildEncryptedEnvelopeXml(envelope: {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}): string {
  return (
    `<xml><Encrypt>${cdata(envelope.encrypt)}</Encrypt>` +
    `<MsgSignature>${cdata(envelope.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${envelope.timestamp}</TimeStamp>` +
    `<Nonce>${cdata(envelope.nonce)}</Nonce></xml>`
  );
}

/**
 * A CDATA section holding `text` exactly: "]]>" cannot appear inside one, so it is split across two
 * sections; characters XML 1.0 forbids (most C0 controls) are dropped since no parser would accept them.
 */
export function cdata(text: string): string {
  const allowed = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  return `<![CDATA[${allowed.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
