/**
 * Safe parsing of WeChat callback XML. WeChat sends a flat `<xml>` root with CDATA strings; nothing it
 * sends needs a DTD, so any `<!DOCTYPE`, `<!ENTITY` (or other `<!` declaration) outside CDATA is
 * refused outright — the classic entity-expansion and external-entity tricks never reach a parser.
 * fast-xml-parser runs with entity processing off and tag values left as strings (64-bit MsgIds
 * stay exact); only the five predefined entities and character references are decoded, here.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MalformedRequestError } from '../../bot/errors.ts';

/** A parsed element: text for a leaf, a record for an element with children, an array when repeated. */
export type XmlValue = string | XmlRecord | XmlValue[];

/** The children of an element by tag name. */
export interface XmlRecord {
  [name: string]: XmlValue;
}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: false,
});

const cdataSections = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const comments = /<!--[\s\S]*?-->/g;
const predefinedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parse a WeChat XML document whose root element is `<xml>` and return the root's children.
 * Throws `MalformedRequestError` for declarations, ill-formed XML, unknown entities or another root.
 */
export function parseWechatXml(text: string): XmlRecord {
  const outsideCdata = text.replace(cdataSections, '').replace(comments, '');
  if (outsideCdata.includes('<!')) {
    throw new MalformedRequestError('XML declarations (DOCTYPE, ENTITY) are not accepted');
  }
  if (XMLValidator.validate(text) !== true) throw new MalformedRequestError('body is not well-formed XML');
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    throw new MalformedRequestError('body is not well-formed XML', { cause: error });
  }
  const roots = Array.isArray(document) ? document.filter((node) => !isTextNode(node)) : [];
  const root = roots[0];
  if (roots.length !== 1 || !isRecord(root) || !Array.isArray(root.xml)) {
    throw new MalformedRequestError('XML root element must be <xml>');
  }
  const value = elementValue(root.xml);
  return typeof value === 'string' ? {} : value;
}

/** A top-level field as a string; undefined when absent; malformed when repeated or nested. */
export function textField(record: XmlRecord, name: string): string | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const value = record[name];
  if (typeof value !== 'string') throw new MalformedRequestError(`XML field ${name} must be a single text value`);
  return value;
}

function elementValue(children: unknown[]): string | XmlRecord {
  const record: XmlRecord = {};
  let text = '';
  let hasElements = false;
  for (const child of children) {
    if (!isRecord(child)) continue;
    if (isTextNode(child)) {
      text += decodeEntities(String(child['#text']));
      continue;
    }
    if (Array.isArray(child['#cdata'])) {
      text += child['#cdata'].map((node) => (isRecord(node) ? String(node['#text'] ?? '') : '')).join('');
      continue;
    }
    for (const [name, grandChildren] of Object.entries(child)) {
      if (!Array.isArray(grandChildren)) continue;
      hasElements = true;
      const value = elementValue(grandChildren);
      const existing = record[name];
      if (existing === undefined) record[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else record[name] = [existing, value];
    }
  }
  if (!hasElements) return text;
  if (text.trim() !== '') throw new MalformedRequestError('mixed text and elements in XML');
  return record;
}

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new MalformedRequestError('bare "&" in XML text');
    const predefined = predefinedEntities[name];
    if (predefined !== undefined) return predefined;
    const codePoint = /^#x[0-9a-fA-F]{1,6}$/.test(name)
      ? Number.parseInt(name.slice(2), 16)
      : /^#[0-9]{1,7}$/.test(name)
        ? Number.parseInt(name.slice(1), 10)
        : Number.NaN;
    const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    if (!valid) throw new MalformedRequestError(`unknown XML entity &${name};`);
    return String.fromCodePoint(codePoint);
  });
}

function isRecord(value: unknown): value is OrderedNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextNode(value: unknown): boolean {
  return isRecord(value) && Object.hasOwn(value, '#text');
}
