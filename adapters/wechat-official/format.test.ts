import { describe, expect, it } from 'vitest';
import { buildEncryptedEnvelopeXml, buildPassiveReplyXml, cdata, formatReplyText, textLimitBytes, truncateUtf8 } from './format.ts';
import { parseWechatXml } from './xml.ts';

describe('formatReplyText', () => {
  it('joins text parts and renders links, dropping media', () => {
    const text = formatReplyText({
      parts: [
        { type: 'text', text: '您好！' },
        { type: 'text', text: '门店 9 点开门。' },
        { type: 'image', mediaId: 'm1' },
        { type: 'link', title: '门店地图', url: 'https://example.com/map' },
      ],
    });
    expect(text).toBe('您好！门店 9 点开门。\n门店地图 https://example.com/map');
  });

  it('adds a Chinese source line naming up to three distinct citations', () => {
    const reply = {
      parts: [{ type: 'text' as const, text: '可以退款。' }],
      citations: [
        { id: '1', title: '退款政策' },
        { id: '2', title: '退款政策' },
        { id: '3', title: '会员规则' },
        { id: '4', title: '配送说明' },
        { id: '5', title: '第四个' },
      ],
    };
    expect(formatReplyText(reply)).toBe('可以退款。\n\n来源：退款政策；会员规则；配送说明');
    expect(formatReplyText({ parts: [{ type: 'image', mediaId: 'm' }] })).toBe('');
  });

  it('stays within 2048 UTF-8 bytes, cutting on a character boundary with an ellipsis', () => {
    const text = formatReplyText({ parts: [{ type: 'text', text: '奶茶🧋'.repeat(400) }] });
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(textLimitBytes);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });
});

describe('truncateUtf8', () => {
  it('leaves short text alone and never splits a surrogate pair', () => {
    expect(truncateUtf8('abc', 3)).toBe('abc');
    expect(truncateUtf8('abcd', 3)).toBe('…');
    expect(truncateUtf8('🧋🧋🧋', 10)).toBe('🧋…');
    expect(truncateUtf8('中文字', 8)).toBe('中…');
  });
});

describe('passive reply XML', () => {
  it('round-trips hostile content through CDATA', () => {
    const content = 'a]]>b]]]]>c <xml> & \u0001 end';
    const xml = buildPassiveReplyXml({ toUserName: 'o1', fromUserName: 'gh_1', createTime: 1700000000.9, content });
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: 'o1',
      FromUserName: 'gh_1',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: 'a]]>b]]]]>c <xml> &  end',
    });
    expect(cdata(']]>')).toBe('<![CDATA[]]]]><![CDATA[>]]>');
  });

  it('builds an image reply when there is only a media id', () => {
    const xml = buildPassiveReplyXml({ toUserName: 'o1', fromUserName: 'gh_1', createTime: 1, imageMediaId: 'media-1' });
    expect(parseWechatXml(xml)).toMatchObject({ MsgType: 'image', Image: { MediaId: 'media-1' } });
  });

  it('builds the four-field encrypted envelope', () => {
    const xml = buildEncryptedEnvelopeXml({ encrypt: 'abc+/=', msgSignature: 'f00', timestamp: '1700000000', nonce: '42' });
    expect(parseWechatXml(xml)).toEqual({ Encrypt: 'abc+/=', MsgSignature: 'f00', TimeStamp: '1700000000', Nonce: '42' });
  });
});
