import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import { describeAdapterContract } from '../contract.ts';
import type { WebhookRequest } from '../types.ts';
import { createWechatOfficialAdapter } from './index.ts';
import { createWechatOfficialSandbox, type SandboxCallback } from './sandbox.ts';

const account = {
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'contract-secret',
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

const toRequest = (callback: SandboxCallback): WebhookRequest => ({
  method: 'POST',
  query: callback.query,
  headers: { 'content-type': 'text/xml' },
  rawBody: Buffer.from(callback.body),
});

for (const mode of ['plain', 'compatible', 'safe'] as const) {
  describeAdapterContract(`wechat-official (${mode} mode)`, async () => {
    const sandbox = createWechatOfficialSandbox({ ...account, mode });
    const adapter = createWechatOfficialAdapter(
      { id: `contract-oa-${mode}`, ...account, encodingAesKey: mode === 'plain' ? undefined : account.encodingAesKey },
      { cache: createMemoryCache(), lock: createMemoryLock() },
    );
    return {
      adapter,
      textRequest: ({ platformMessageId, userId, text }) =>
        toRequest(sandbox.buildCallback(userId, 'text', { Content: text, MsgId: platformMessageId })),
      withBadSignature: (request) => ({
        ...request,
        query: { ...request.query, signature: '0'.repeat(40), ...(request.query.msg_signature ? { msg_signature: '0'.repeat(40) } : {}) },
      }),
      malformedRequest: () => {
        // Correctly signed, but the (decrypted) body is not a WeChat message.
        const callback = sandbox.buildCallback('u', 'text', { Content: 'x' });
        return mode === 'plain'
          ? { ...toRequest(callback), rawBody: Buffer.from('<xml><ToUserName>broken') }
          : toRequest({ ...callback, body: '<xml><Encrypt>not-base64!!</Encrypt' });
      },
      expectedAcknowledgement: 'success',
    };
  });
}
