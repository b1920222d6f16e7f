import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedRequestError } from '../../bot/errors.ts';
import { parseWechatXml, textField } from './xml.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parseWechatXml', () => {
  it('keeps CDATA verbatim and 64-bit ids as exact strings', () => {
    const fields = parseWechatXml(fixture('text.xml'));
    expect(fields.Content).toBe('  你好，奶茶几点开门？ <b>&amp;</b> ');
    expect(fields.MsgId).toBe('9223372036854775807');
    expect(fields.CreateTime).toBe('1700000000');
  });

  it('decodes only predefined entities and character references outside CDATA', () => {
    const fields = parseWechatXml('<xml><A>a &amp; &lt;b&gt; &#x4e2d;&#25991; &quot;&apos;</A><B><![CDATA[]]]]><![CDATA[>]]></B></xml>');
    expect(fields).toEqual({ A: 'a & <b> 中文 "\'', B: ']]>' });
    expect(() => parseWechatXml('<xml><A>&nbsp;</A></xml>')).toThrow(MalformedRequestError);
    expect(() => parseWechatXml('<xml><A>&#0;</A></xml>')).toThrow(MalformedRequestError);
  });

  it.each(['doctype-entity-expansion.xml', 'doctype-external-entity.xml'])('refuses %s outright', (name) => {
    expect(() => parseWechatXml(fixture(name))).toThrow(/declarations/);
  });

  it('refuses any declaration outside CDATA but accepts the text "<!DOCTYPE" inside one', () => {
    expect(() => parseWechatXml('<!ENTITY x "y"><xml><A>1</A></xml>')).toThrow(MalformedRequestError);
    expect(() => parseWechatXml('<xml><!ELEMENT A ANY><A>1</A></xml>')).toThrow(MalformedRequestError);
    expect(parseWechatXml('<xml><Content><![CDATA[<!DOCTYPE html> <!ENTITY>]]></Content></xml>')).toEqual({
      Content: '<!DOCTYPE html> <!ENTITY>',
    });
  });

  it('refuses ill-formed XML, another root and prototype keys', () => {
    for (const body of ['', 'success', '<xml><A>1</A>', '<xml><A>1</B></xml>', '<root><A>1</A></root>', '<xml/><xml/>', '{"a":1}']) {
      expect(() => parseWechatXml(body), body).toThrow(MalformedRequestError);
    }
    expect(() => parseWechatXml('<xml><__proto__><polluted>1</polluted></__proto__></xml>')).toThrow(MalformedRequestError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores attributes, keeps nested elements and collects repeated ones', () => {
    const fields = parseWechatXml('<xml a="1"><A b="2">x</A><N><M>1</M><M>2</M></N></xml>');
    expect(fields).toEqual({ A: 'x', N: { M: ['1', '2'] } });
  });
});

describe('textField', () => {
  it('returns single text values and refuses repeated or nested ones', () => {
    const fields = parseWechatXml('<xml><A>1</A><B>1</B><B>2</B><C><D>1</D></C></xml>');
    expect(textField(fields, 'A')).toBe('1');
    expect(textField(fields, 'missing')).toBeUndefined();
    expect(textField(fields, 'toString')).toBeUndefined();
    expect(() => textField(fields, 'B')).toThrow(MalformedRequestError);
    expect(() => textField(fields, 'C')).toThrow(MalformedRequestError);
  });
});
