/**
 * Answers written by an LLM from the retrieved passages only (AI SDK `generateText` +
 * `Output.object`). The model sees the customer's question and the top passages, numbered, each
 * with its entry id and source, and must answer `{ answerable, answer, citations }`:
 *
 * - an answer counts only if it cites at least one passage it was given: citations of ids that
 *   were not among the passages are dropped, and an answer left without citations is declined;
 * - `answerable: false` is a decline: the caller goes on as without a model (extractive answer,
 *   asking back, or the fallback), so the model can only add answers, never invent one;
 * - the text is fitted to the channel (`fitAnswerToChannel`): plain text within WeChat's limit,
 *   Markdown for WeCom and DingTalk; passage markers like "[1]" are removed, since the sources
 *   reach the customer through the reply's citations (WeChat: the "来源：…" line).
 *
 * Errors and timeouts are thrown as `LlmCallError`; the caller falls back.
 */
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import type { ChannelType, Citation } from '../../bot/model.ts';
import { boundedLlmCall } from '../llm/llm-call.ts';
import type { RetrievalHit } from '../types.ts';
import { citationOf } from './citation.ts';
import { channelTextStyle, fitAnswerToChannel } from './channel-format.ts';

/** What the model must answer. */
const groundedAnswerSchema = z.object({
  answerable: z.boolean(),
  answer: z.string(),
  citations: z.array(z.string()),
});

/** The question and what it is answered from. */
export interface GroundedAnswerRequest {
  /** The customer's question, already standalone (see `rewriteFollowUp`). */
  question: string;
  /** Retrieved passages, best first. */
  passages: readonly RetrievalHit[];
  channelType: ChannelType;
  /** Aborts the model call (the pipeline's deadline). */
  abortSignal: AbortSignal;
}

/** The composer's result: an answer with the passages it cites, or a decline. */
export type GroundedAnswer =
  | {
      outcome: 'answer';
      /** Fitted to the channel, without passage markers. */
      text: string;
      /** The cited passages, in the passages' order. */
      cited: RetrievalHit[];
      /** The same, as the reply's citations. */
      citations: Citation[];
      /** Cited ids that were not among the passages (dropped). */
      rejectedCitations: string[];
    }
  | { outcome: 'decline'; reason: 'unanswerable' | 'no-valid-citation'; rejectedCitations: string[] };

/** Options of {@link createGroundedAnswerComposer}. */
export interface GroundedAnswerOptions {
  model: LanguageModel;
  /** Extra instructions for the system prompt (the shop's name, tone, …). */
  instructions?: string;
  /** Upper bound on the model's output; default 600 tokens. */
  maxOutputTokens?: number;
}

/** Writes grounded answers. */
export interface GroundedAnswerComposer {
  compose(request: GroundedAnswerRequest): Promise<GroundedAnswer>;
}

/** The system prompt: the grounding rules and the output format for the channel. */
export function buildGroundedAnswerSystemPrompt(channelType: ChannelType, instructions?: string): string {
  const markdown = channelTextStyle(channelType).format === 'markdown';
  return [
    '你是客服机器人，根据编号资料回答客户的问题。You answer a customer using ONLY the numbered passages given.',
    '规则：',
    '1. 只使用资料中的信息，不要用常识或猜测补充；资料不足以回答时，answerable 为 false，answer 留空。',
    '2. 回答简洁、礼貌、直接，一般不超过200字；用客户的语言（通常是中文）。',
    markdown
      ? '3. 可以使用简单的 Markdown（加粗、列表）。'
      : '3. 只用纯文本，不要使用 Markdown（不要 #、**、列表符号以外的格式）。',
    '4. citations 列出回答所依据的资料 id（资料里 "id:" 后面的值），至少一个；不要在回答正文里写资料编号或 id。',
    'Output JSON only, exactly: {"answerable": true or false, "answer": "…", "citations": ["id", …]}',
    ...(instructions ? [instructions] : []),
  ].join('\n');
}

/** The user prompt: the numbered passages (id, source, question, text), then the question. */
export function buildGroundedAnswerPrompt(question: string, passages: readonly RetrievalHit[]): string {
  const numbered = passages.map(({ entry }, index) =>
    [
      `[${index + 1}] id: ${entry.id}`,
      `来源: ${entry.sourceName ?? '知识库'}`,
      ...(entry.question ? [`问题: ${entry.question}`] : []),
      `内容: ${entry.answer}`,
    ].join('\n'),
  );
  return ['资料：', numbered.join('\n\n'), '', `客户问题：${question}`].join('\n');
}

/** A composer that asks `options.model` for a grounded answer. */
export function createGroundedAnswerComposer(options: GroundedAnswerOptions): GroundedAnswerComposer {
  return {
    async compose(request) {
      const { output } = await boundedLlmCall('grounded answer', request.abortSignal, (abortSignal) =>
        generateText({
          model: options.model,
          system: buildGroundedAnswerSystemPrompt(request.channelType, options.instructions),
          prompt: buildGroundedAnswerPrompt(request.question, request.passages),
          temperature: 0,
          maxOutputTokens: options.maxOutputTokens ?? 600,
          maxRetries: 0,
          abortSignal,
          output: Output.object({ schema: groundedAnswerSchema, name: 'grounded_answer' }),
        }),
      );
      const byId = new Map(request.passages.map((hit) => [hit.entry.id, hit]));
      const claimed = [...new Set(output.citations.map(normalizeCitation))];
      const rejectedCitations = claimed.filter((id) => !byId.has(id));
      const answer = removePassageMarkers(output.answer, request.passages).trim();
      if (!output.answerable || answer === '') return { outcome: 'decline', reason: 'unanswerable', rejectedCitations };
      const cited = request.passages.filter((hit) => claimed.includes(hit.entry.id));
      if (cited.length === 0) return { outcome: 'decline', reason: 'no-valid-citation', rejectedCitations };
      const citations = cited.map(citationOf);
      return { outcome: 'answer', text: fitAnswerToChannel(answer, request.channelType, citations), cited, citations, rejectedCitations };
    },
  };
}

/** "[hours]", "【hours】" or " hours " → "hours". */
function normalizeCitation(citation: string): string {
  return citation.trim().replace(/^[[【(（]\s*(.*?)\s*[\]】)）]$/u, '$1');
}

/** Remove "[1]", "【2】", "[hours]"-style markers that name a passage (by number or id). */
function removePassageMarkers(text: string, passages: readonly RetrievalHit[]): string {
  const names = new Set(passages.flatMap(({ entry }, index) => [String(index + 1), entry.id]));
  return text.replace(/\s?[[【]([^\]】\n]{1,64})[\]】]/gu, (marker, name: string) => (names.has(name.trim()) ? '' : marker));
}
