/**
 * An answer's text fitted to the channel it goes out on: plain text where the platform shows text
 * messages (WeChat Official Accounts, 微信客服, Douyin, personal WeChat, the web chat), Markdown
 * where the reply is sent as a Markdown message (WeCom app and AI bot, DingTalk); and within the
 * platform's length limit, cut at a sentence boundary so the customer never reads half a word, with
 * room left for the source line the adapter appends (WeChat: "来源：…").
 *
 * Limits (UTF-8 bytes, as the platforms count them; `../shared/PLATFORMS.md` where it has them):
 * - `wechat-official`: the adapter's `textLimitBytes` (2048), which also cuts whatever exceeds it;
 * - `wecom-kf`: `text.content` ≤ 2048 bytes (PLATFORMS.md §4);
 * - `wecom-aibot`: stream `content` ≤ 20480 bytes (PLATFORMS.md §5.3);
 * - `wecom-app`: Markdown `content` ≤ 2048 bytes (WeCom "发送应用消息" doc, not in PLATFORMS.md);
 * - `dingtalk`, `douyin`, `wechaty`, `web`: no documented limit, so none is applied.
 */
import { sourcesLine, textLimitBytes as wechatTextLimitBytes } from '../../adapters/wechat-official/format.ts';
import type { ChannelType, Citation } from '../../bot/model.ts';

/** How a channel shows a text answer. */
export interface ChannelTextStyle {
  format: 'plain' | 'markdown';
  /** The platform's limit on one message, in UTF-8 bytes; undefined = none known. */
  limitBytes?: number;
}

const styles: Record<ChannelType, ChannelTextStyle> = {
  'wechat-official': { format: 'plain', limitBytes: wechatTextLimitBytes },
  'wecom-kf': { format: 'plain', limitBytes: 2048 },
  'wecom-app': { format: 'markdown', limitBytes: 2048 },
  'wecom-aibot': { format: 'markdown', limitBytes: 20480 },
  dingtalk: { format: 'markdown' },
  douyin: { format: 'plain' },
  wechaty: { format: 'plain' },
  web: { format: 'plain' },
};

const ellipsis = '…';
/** Characters after which a sentence (or a list item) ends. */
const sentenceEnds = new Set(['。', '！', '？', '；', '!', '?', ';', '\n', '…']);
/** A cut at a sentence end must keep at least this share of the budget; else cut mid-sentence. */
const minimumSentenceShare = 0.5;

/** The text style of a channel type. */
export function channelTextStyle(channelType: ChannelType): ChannelTextStyle {
  return styles[channelType];
}

/** Size of `text` in UTF-8 bytes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Fit an answer to its channel: Markdown stripped on plain-text channels, then cut to the limit
 * minus what the adapter adds for `citations` (the WeChat source line).
 */
export function fitAnswerToChannel(text: string, channelType: ChannelType, citations: readonly Citation[] = []): string {
  const style = channelTextStyle(channelType);
  const body = style.format === 'plain' ? stripMarkdown(text) : text.trim();
  if (style.limitBytes === undefined) return body;
  return truncateAtSentence(body, style.limitBytes - reservedBytes(channelType, citations));
}

/** Bytes the channel's adapter appends to an answer with these citations. */
function reservedBytes(channelType: ChannelType, citations: readonly Citation[]): number {
  if (channelType !== 'wechat-official') return 0;
  const sources = sourcesLine(citations);
  return sources === '' ? 0 : utf8Bytes(`\n\n${sources}`);
}

/**
 * Cut `text` to at most `limitBytes` UTF-8 bytes, ending with "…": after the last complete
 * sentence that fits when that keeps at least half of the budget, otherwise at the last whole
 * character. Text within the limit is returned unchanged.
 */
export function truncateAtSentence(text: string, limitBytes: number): string {
  if (utf8Bytes(text) <= limitBytes) return text;
  const budget = limitBytes - utf8Bytes(ellipsis);
  if (budget <= 0) return '';
  let used = 0;
  let kept = '';
  let sentenceCut = 0;
  for (const character of text) {
    const size = utf8Bytes(character);
    if (used + size > budget) break;
    used += size;
    kept += character;
    if (sentenceEnds.has(character)) sentenceCut = kept.length;
  }
  const keptBytes = sentenceCut > 0 ? utf8Bytes(kept.slice(0, sentenceCut)) : 0;
  const cut = keptBytes >= budget * minimumSentenceShare ? kept.slice(0, sentenceCut) : kept;
  return cut.trimEnd() + ellipsis;
}

/**
 * Markdown → the plain text a chat shows: headings, emphasis, code marks, quotes and rules dropped;
 * links as "text（url）", images as their alt text, "*"/"+" bullets as "-". Line breaks are kept.
 */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/^```[^\n]*\n?/gm, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, url: string) => (label === url ? url : `${label}（${url}）`))
    .replace(/^ {0,3}#{1,6}\s+/gm, '')
    .replace(/^ {0,3}>\s?/gm, '')
    .replace(/^ {0,3}([-*_])(\s*\1){2,}\s*$/gm, '')
    .replace(/^(\s*)[*+]\s+/gm, '$1- ')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
