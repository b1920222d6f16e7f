/**
 * Fixed intent replies as a customer meets them through the default pipeline: a workspace's own
 * intent answers with its configured reply, other workspaces go on to the knowledge base.
 */
import { describe, expect, test } from 'vitest';
import { directTextContext } from '../test/support/bot-context.ts';
import { demoPipeline } from '../test/support/demo-pipeline.ts';
import { textOf } from '../bot/model.ts';
import { STARTER_REPLIES } from '../knowledge/intents/starter-intents.ts';

const franchise = {
  workspace: 'shop',
  name: 'franchise',
  examples: ['怎么加盟', '加盟费多少', '我想开一家加盟店', '你们招加盟商吗', '加盟需要什么条件'],
  reply: '加盟请致电 400-000-0000（工作日 9:00–18:00），招商经理会联系您。',
};
const pipeline = demoPipeline([franchise]);

async function send(workspaceId: string, text: string) {
  const ctx = directTextContext(workspaceId, text);
  await pipeline(ctx);
  expect(ctx.replies).toHaveLength(1);
  return { ...ctx.replies[0]!, text: textOf(ctx.replies[0]!.parts) };
}

describe('intent replies', () => {
  test('a workspace’s configured intent answers with its reply', async () => {
    const reply = await send('shop', '请问你们现在还招加盟商吗？');
    expect(reply.text).toBe(franchise.reply);
    expect(reply.intent).toBe('franchise');
  });

  test('the same question in another workspace is not answered with that reply', async () => {
    const reply = await send('elsewhere', '请问你们现在还招加盟商吗？');
    expect(reply.text).not.toBe(franchise.reply);
  });

  test('starter smalltalk still answers everywhere', async () => {
    await expect(send('shop', '谢谢')).resolves.toMatchObject({ text: STARTER_REPLIES.thanks, intent: 'thanks' });
    await expect(send('elsewhere', '你好')).resolves.toMatchObject({ text: STARTER_REPLIES.greeting, intent: 'greeting' });
  });
});
