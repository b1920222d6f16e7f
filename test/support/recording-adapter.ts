/**
 * A fake channel for core tests: accepts every webhook as-is, records every API send, and can be
 * told to fail the next sends — the platform stand-in when the platform itself is not the subject.
 */
import { encodeThreadId, decodeThreadId, type ChannelAdapter, type SendTarget } from '../../adapters/types.ts';
import { ChannelSendError } from '../../bot/errors.ts';
import type { OutboundReply } from '../../bot/model.ts';

export interface RecordingAdapter extends ChannelAdapter {
  sent: Array<{ target: SendTarget; reply: OutboundReply; at: number }>;
  /** The next `times` sends throw this error. */
  failNext(error: ChannelSendError, times?: number): void;
}

export function createRecordingAdapter(accountId: string, options: { replyWindow?: ChannelAdapter['replyWindow'] } = {}): RecordingAdapter {
  const sent: RecordingAdapter['sent'] = [];
  const failures: ChannelSendError[] = [];
  return {
    type: 'web',
    accountId,
    sent,
    replyWindow: options.replyWindow,
    failNext(error, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push(error);
    },
    async handleWebhook() {
      throw new Error('the recording adapter takes no webhooks');
    },
    acknowledge: () => ({ status: 200, body: 'ok' }),
    async postMessage(target, reply) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push({ target, reply, at: Date.now() });
      return { platformMessageId: `sent-${sent.length}` };
    },
    encodeThreadId: (thread) => encodeThreadId('web', accountId, thread),
    decodeThreadId: (id) => decodeThreadId('web', accountId, id),
  };
}

export { ChannelSendError };
