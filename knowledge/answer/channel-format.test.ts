import { describe, expect, test } from 'vitest';
import { formatReplyText, textLimitBytes } from '../../adapters/wechat-official/format.ts';
import { fitAnswerToChannel, stripMarkdown, truncateAtSentence, utf8Bytes } from './channel-format.ts';

/** `count` sentences of 27 UTF-8 bytes each (7 Chinese characters and 3 digits). */
const sentences = (count: number) => Array.from({ length: count }, (_, index) => `第${String(index).padStart(3, '0')}句话说完了呀。`).join('');

describe('truncateAtSentence', () => {
  test('counts UTF-8 bytes: Chinese characters are 3 bytes each', () => {
    expect(utf8Bytes('营业时间')).toBe(12);
    expect(truncateAtSentence('营业时间', 12)).toBe('营业时间');
    expect(utf8Bytes(truncateAtSentence('营业时间到晚上十点', 12))).toBeLessThanOrEqual(12);
  });

  test('cuts after the last whole sentence that fits and ends with an ellipsis', () => {
    const text = sentences(100);
    const cut = truncateAtSentence(text, 2048);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(2048);
    expect(cut.endsWith('。…')).toBe(true);
    // 75 sentences = 2025 bytes, + 3 for "…"; a 76th would not fit.
    expect(utf8Bytes(sentences(1))).toBe(27);
    expect(cut).toBe(`${sentences(75)}…`);
  });

  test('cuts mid-sentence when the only sentence end would waste most of the budget', () => {
    const text = `好的。${'很长的一句话没有标点'.repeat(50)}`;
    const cut = truncateAtSentence(text, 300);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(300);
    expect(utf8Bytes(cut)).toBeGreaterThan(290);
    expect(cut.endsWith('…')).toBe(true);
  });

  test('never splits a code point', () => {
    const cut = truncateAtSentence('😀'.repeat(20), 10);
    expect(cut).toBe('😀…');
  });
});

describe('stripMarkdown', () => {
  test('keeps the words and drops the marks', () => {
    const markdown = [
      '## 营业时间',
      '',
      '门店**每天** 10:00–22:00 营业，*节假日*照常。',
      '* 万象城店：周五、周六到 `23:00`',
      '+ 大学城店：同上',
      '> 以门店公告为准',
      '---',
      '详见[门店页](https://example.com/stores)。',
    ].join('\n');
    expect(stripMarkdown(markdown)).toBe(
      [
        '营业时间',
        '',
        '门店每天 10:00–22:00 营业，节假日照常。',
        '- 万象城店：周五、周六到 23:00',
        '- 大学城店：同上',
        '以门店公告为准',
        '',
        '详见门店页（https://example.com/stores）。',
      ].join('\n'),
    );
  });

  test('leaves arithmetic and plain text alone', () => {
    expect(stripMarkdown('满39元免配送费，3 * 2 = 6')).toBe('满39元免配送费，3 * 2 = 6');
  });
});

describe('fitAnswerToChannel', () => {
  const citations = [{ id: 'hours', title: '你们几点开门？几点关门？' }];

  test('WeChat: plain text, and with the source line the adapter adds it still fits 2048 bytes', () => {
    const answer = `**营业时间**\n${sentences(100)}`;
    const text = fitAnswerToChannel(answer, 'wechat-official', citations);
    expect(text.startsWith('营业时间\n')).toBe(true);
    const shown = formatReplyText({ parts: [{ type: 'text', text }], citations });
    expect(utf8Bytes(shown)).toBeLessThanOrEqual(textLimitBytes);
    expect(shown.endsWith('。…\n\n来源：你们几点开门？几点关门？')).toBe(true);
  });

  test('a short answer is unchanged but for the Markdown', () => {
    expect(fitAnswerToChannel('每天**10:00–22:00**营业。', 'wechat-official', citations)).toBe('每天10:00–22:00营业。');
  });

  test('WeCom and DingTalk keep Markdown', () => {
    expect(fitAnswerToChannel('每天**10:00–22:00**营业。', 'wecom-app')).toBe('每天**10:00–22:00**营业。');
    expect(fitAnswerToChannel('- 每天**10:00–22:00**营业。', 'dingtalk')).toBe('- 每天**10:00–22:00**营业。');
    expect(utf8Bytes(fitAnswerToChannel(sentences(100), 'wecom-app'))).toBeLessThanOrEqual(2048);
  });
});
