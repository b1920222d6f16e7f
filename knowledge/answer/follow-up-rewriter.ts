/**
 * Follow-up questions rewritten into standalone ones before retrieval, with the conversation's last
 * turns: after a question about opening hours, "那周末呢？" becomes "周末的营业时间是什么？", which the
 * retriever can match. Only with an LLM and only when there is history; the caller bounds the call
 * with its deadline and keeps the original text when the call fails (`LlmCallError`).
 */
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import { boundedLlmCall } from '../llm/llm-call.ts';

/** One earlier message of the conversation. */
export interface ConversationTurn {
  role: 'customer' | 'bot' | 'staff';
  text: string;
}

/** The last turns of a conversation before a message, oldest first (see `bot/storage/conversation-history.ts`). */
export type RecentTurns = (query: { conversationId: string; messageId: string }) => Promise<ConversationTurn[]>;

export interface FollowUpRewriteRequest {
  model: LanguageModel;
  /** The customer's latest message. */
  message: string;
  /** Earlier turns, oldest first. */
  turns: readonly ConversationTurn[];
  abortSignal: AbortSignal;
}

/** Each earlier turn is shown to the model up to this many characters (answers can be long). */
const turnCharacters = 200;
/** A "rewrite" longer than this is an answer or a ramble, not a question: the original is kept. */
const maximumQuestionCharacters = 120;

const rewriteSchema = z.object({ question: z.string() });

const labels: Record<ConversationTurn['role'], string> = { customer: '客户', bot: '客服', staff: '人工客服' };

/** The system prompt of the rewriting call. */
export const followUpSystemPrompt = [
  '你负责改写客户的最新消息：把它改写成一个不看上文也能理解、可以单独检索的问题。',
  'Rewrite the latest customer message into a standalone question, using the conversation only to fill in what it leaves out.',
  '1. 用上文补全省略的主语、对象、时间、商品等。例：上文问营业时间，最新消息"那周末呢？" → "周末的营业时间是什么？"',
  '2. 最新消息本身已经完整，或与上文无关时，原样返回。',
  '3. 不要回答问题，不要加入对话里没有的信息。',
  'Output JSON only, exactly: {"question": "…"}',
].join('\n');

/** The user prompt: the earlier turns, then the latest message. */
export function buildFollowUpPrompt(message: string, turns: readonly ConversationTurn[]): string {
  const lines = turns.map((turn) => `${labels[turn.role]}：${clip(turn.text.replace(/\s+/g, ' '), turnCharacters)}`);
  return ['对话（从早到晚）：', ...lines, '', `最新消息：${message}`].join('\n');
}

/**
 * The standalone form of `message`; `message` itself when there are no turns or the model's
 * rewrite is empty or too long to be a question. Throws `LlmCallError` on failure or timeout.
 */
export async function rewriteFollowUp(request: FollowUpRewriteRequest): Promise<string> {
  if (request.turns.length === 0) return request.message;
  const { output } = await boundedLlmCall('follow-up rewrite', request.abortSignal, (abortSignal) =>
    generateText({
      model: request.model,
      system: followUpSystemPrompt,
      prompt: buildFollowUpPrompt(request.message, request.turns),
      temperature: 0,
      maxOutputTokens: 100,
      maxRetries: 0,
      abortSignal,
      output: Output.object({ schema: rewriteSchema, name: 'standalone_question' }),
    }),
  );
  const question = output.question.trim();
  if (question === '' || [...question].length > maximumQuestionCharacters) return request.message;
  return question;
}

function clip(text: string, characters: number): string {
  const codePoints = [...text];
  return codePoints.length <= characters ? text : `${codePoints.slice(0, characters).join('')}…`;
}
