import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedRequestError } from '../../bot/errors.ts';
import { officialAccountSample as oa } from '../wechat-crypto/official-vectors.ts';
import { isNotificationEvent, toInboundMessage } from './inbound.ts';
import { parseWechatXml } from './xml.ts';

const openId = 'oyORnuP8q7ou2gfYjqLzSIWZf0rs';
const parse = (name: string) => toInboundMessage(parseWechatXml(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')));

describe('toInboundMessage', () => {
  it('maps a text message, keeping the 64-bit MsgId exact and the raw fields', () => {
    const message = parse('text.xml');
    expect(message).toMatchObject({
      platformMessageId: '9223372036854775807',
      platformUserId: openId,
      platformThreadId: openId,
      conversationKind: 'direct',
      fromSelf: false,
      mentions: [],
      mentionsBot: false,
      parts: [{ type: 'text', text: '  你好，奶茶几点开门？ <b>&amp;</b> ' }],
    });
    expect(message.sentAt.toISOString()).toBe(new Date(1_700_000_000_000).toISOString());
    expect(message.raw).toMatchObject({ MsgId: '9223372036854775807', ToUserName: 'gh_10f6c3c3ac5a' });
  });

  it('parses the decrypted official OA sample', () => {
    const message = toInboundMessage(parseWechatXml(oa.plaintext));
    expect(message.platformMessageId).toBe(oa.msgId);
    expect(message.platformUserId).toBe(oa.openId);
    expect(message.parts).toEqual([{ type: 'text', text: oa.content }]);
  });

  it.each([
    ['image.xml', [{ type: 'image', url: 'http://mmbiz.qpic.cn/mmbiz_jpg/abc/0', mediaId: 'media_image_1' }]],
    ['voice.xml', [{ type: 'voice', mediaId: 'media_voice_1', format: 'amr', recognition: '我要退款' }]],
    ['video.xml', [{ type: 'video', mediaId: 'media_video_1', thumbMediaId: 'thumb_video_1' }]],
    ['shortvideo.xml', [{ type: 'video', mediaId: 'media_short_1', thumbMediaId: 'thumb_short_1' }]],
    ['location.xml', [{ type: 'location', latitude: 23.134521, longitude: 113.358803, scale: 20, label: '广州市天河区' }]],
    ['link.xml', [{ type: 'link', title: '新品上市', description: '杨枝甘露回归', url: 'https://example.com/a?x=1&y=2' }]],
  ])('maps %s', (name, parts) => {
    const message = parse(name);
    expect(message.parts).toEqual(parts);
    expect(message.platformMessageId).toMatch(/^60547685900647137\d\d$/);
  });

  it.each([
    ['event-subscribe.xml', 1700000007, [{ type: 'event', event: 'subscribe', key: 'qrscene_123123' }]],
    ['event-unsubscribe.xml', 1700000008, [{ type: 'event', event: 'unsubscribe' }]],
    ['event-scan.xml', 1700000009, [{ type: 'event', event: 'SCAN', key: 'SCENE_VALUE' }]],
    ['event-click.xml', 1700000010, [{ type: 'event', event: 'CLICK', key: 'MENU_ORDER_STATUS' }]],
    ['event-view.xml', 1700000011, [{ type: 'event', event: 'VIEW', key: 'https://example.com/menu' }]],
    ['event-scancode.xml', 1700000013, [{ type: 'event', event: 'scancode_waitmsg', key: 'rselfmenu_0_0' }]],
    [
      'event-location.xml',
      1700000012,
      [
        { type: 'event', event: 'LOCATION' },
        { type: 'location', latitude: 23.137466, longitude: 113.352425 },
      ],
    ],
  ])('maps %s with the FromUserName:CreateTime:Event dedup key', (name, createTime, parts) => {
    const message = parse(name);
    expect(message.parts).toEqual(parts);
    const event = (parts[0] as { event: string }).event;
    expect(message.platformMessageId).toBe(`${openId}:${createTime}:${event}`);
  });

  it('keeps nested event details in raw', () => {
    expect(parse('event-scancode.xml').raw).toMatchObject({ ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' } });
  });

  it('recognises send-job notifications, which Kefu only acknowledges', () => {
    const xml = readFileSync(new URL('./__fixtures__/event-template-finish.xml', import.meta.url), 'utf8');
    expect(isNotificationEvent(parseWechatXml(xml))).toBe(true);
    expect(isNotificationEvent(parseWechatXml(oa.plaintext))).toBe(false);
  });

  it('keeps an unknown message type with no parts', () => {
    const xml = '<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>miniprogrampage</MsgType><MsgId>5</MsgId></xml>';
    expect(toInboundMessage(parseWechatXml(xml)).parts).toEqual([]);
  });

  it.each([
    ['no FromUserName', '<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>5</MsgId></xml>'],
    ['no MsgId', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>'],
    ['a non-numeric MsgId', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>x</MsgId></xml>'],
    ['a bad CreateTime', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><MsgId>5</MsgId></xml>'],
    ['an event without Event', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>'],
    ['a bad coordinate', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>5</MsgId></xml>'],
    ['a repeated field', '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><FromUserName>p</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>5</MsgId></xml>'],
  ])('refuses a callback with %s', (_reason, xml) => {
    expect(() => toInboundMessage(parseWechatXml(xml))).toThrow(MalformedRequestError);
  });
});
