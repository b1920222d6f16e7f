/**
 * `decideAnswer` with dense similarities on the hits: a high similarity lifts a weak lexical
 * decision, never overrules a confident one, and hits without similarity decide as before.
 */
import { describe, expect, it } from 'vitest';
import { faq } from '../__fixtures__/demo-entries.ts';
import type { RetrievalHit } from '../types.ts';
import { decideAnswer } from './answer-decision.ts';

const refund = faq('refund', '怎么申请退款', '在订单详情页申请退款。');
const hours = faq('hours', '几点开门', '每天10点开门。');
const invoice = faq('invoice', '可以开发票吗', '结账后申请电子发票。');
const hit = (entry: typeof refund, score: number, similarity?: number): RetrievalHit =>
  similarity === undefined ? { entry, score } : { entry, score, similarity };

describe('decideAnswer with dense similarity', () => {
  it('answers a paraphrase without common words when one entry is clearly the most similar', () => {
    const decision = decideAnswer('钱能还给我吗', [hit(refund, 0, 0.93), hit(hours, 0, 0.41)]);
    expect(decision).toMatchObject({ outcome: 'answer', support: 'dense', best: { entry: { id: 'refund' } }, confidence: 0.95 });
  });

  it('asks back when two entries are about equally similar, and passes below the clarify bar', () => {
    const close = decideAnswer('钱能还给我吗', [hit(refund, 0, 0.92), hit(invoice, 0, 0.9)]);
    expect(close).toMatchObject({ outcome: 'clarify', support: 'dense' });
    expect(close.choices?.map((choice) => choice.entry.id)).toEqual(['refund', 'invoice']);
    expect(decideAnswer('钱能还给我吗', [hit(refund, 0, 0.6), hit(hours, 0, 0.3)])).toEqual({ outcome: 'none', confidence: 0 });
  });

  it('never overrules a lexical decision that points elsewhere', () => {
    const lexical = decideAnswer('可以开发票吗', [hit(invoice, 20), hit(refund, 0)]);
    const withDense = decideAnswer('可以开发票吗', [hit(invoice, 20, 0.5), hit(refund, 0, 0.97)]);
    expect(withDense.best?.entry.id).toBe('invoice');
    expect(withDense.outcome).toBe(lexical.outcome);
  });

  it('decides exactly as before without similarities, or when turned off', () => {
    const hits = [hit(refund, 0), hit(hours, 0)];
    expect(decideAnswer('钱能还给我吗', hits)).toEqual({ outcome: 'none', confidence: 0 });
    expect(decideAnswer('钱能还给我吗', [hit(refund, 0, 0.99)], { dense: false })).toEqual({ outcome: 'none', confidence: 0 });
  });
});
