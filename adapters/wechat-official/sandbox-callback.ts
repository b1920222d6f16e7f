/**
 * Building callbacks exactly as WeChat sends them (PLATFORMS.md §2.2): the message XML, the query
 * (`signature`, `timestamp`, `nonce`, `openid`, and in safe / compatibility mode `encrypt_type=aes`
 * plus `msg_signature`), and in safe mode an XML holding only ToUserName and Encrypt.
 */
import { randomInt } from 'node:crypto';
import { ConfigError } from '../../bot/errors.ts';
import { sandboxEncrypt, sandboxSignature } from './sandbox-crypto.ts';

/** How the simulated account's callbacks are protected (the console's 消息加解密方式). */
export type SandboxMode = 'plain' | 'compatible' | 'safe';

/** One callback request, built once and sent identically on every try. */
export interface SandboxCallback {
  /** Query parameters, not yet URL-encoded. */
  query: Record<string, string>;
  /** The request body (XML). */
  body: string;
  /** The message fields in plaintext. */
  fields: Record<string, string>;
}

/** The account identity and secrets a callback is built with. */
export interface CallbackAccount {
  appId: string;
  token: string;
  encodingAesKey?: string;
  originalId: string;
  mode: SandboxMode;
}

/** Fields WeChat writes as bare numbers; all others go in CDATA. */
const numericFields = new Set(['CreateTime', 'MsgId', 'Location_X', 'Location_Y', 'Scale', 'Latitude', 'Longitude', 'Precision']);

/** `<xml>` with one child per field, in order. */
export function fieldsToXml(fields: Record<string, string>): string {
  const children = Object.entries(fields).map(([name, value]) =>
    numericFields.has(name) ? `<${name}>${value}</${name}>` : `<${name}>${sandboxCdata(value)}</${name}>`,
  );
  return `<xml>${children.join('\n')}</xml>`;
}

/** CDATA as WeChat writes it; "]]>" is split across two sections. */
export function sandboxCdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Sign (and in safe / compatibility mode encrypt) `fields` as a callback at `nowMs`. */
export function buildCallback(account: CallbackAccount, fields: Record<string, string>, nowMs: number): SandboxCallback {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = String(randomInt(100_000_000, 2_000_000_000));
  const plainXml = fieldsToXml(fields);
  const query: Record<string, string> = {
    signature: sandboxSignature(account.token, timestamp, nonce),
    timestamp,
    nonce,
    openid: fields.FromUserName ?? '',
  };
  if (account.mode === 'plain') return { query, body: plainXml, fields };
  if (account.encodingAesKey === undefined) throw new ConfigError(`sandbox mode ${account.mode} needs an encodingAesKey`);
  const encrypt = sandboxEncrypt(account.encodingAesKey, plainXml, account.appId);
  query.encrypt_type = 'aes';
  query.msg_signature = sandboxSignature(account.token, timestamp, nonce, encrypt);
  const encryptElement = `<Encrypt>${sandboxCdata(encrypt)}</Encrypt>`;
  const body =
    account.mode === 'safe'
      ? `<xml><ToUserName>${sandboxCdata(account.originalId)}</ToUserName>\n${encryptElement}</xml>`
      : plainXml.replace(/<\/xml>$/, `\n${encryptElement}</xml>`);
  return { query, body, fields };
}

/** The URL of a callback: the webhook URL plus its URL-encoded query. */
export function callbackUrl(webhookUrl: string, query: Record<string, string>): string {
  const url = new URL(webhookUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}
