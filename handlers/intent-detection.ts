/**
 * Detects the message's intent (rules → example classifier → optional LLM) with the detector of
 * the message's workspace, and records it in `ctx.state.intent` for the stages below and for
 * operators. It never answers by itself. The workspace's detector follows its intents as operators
 * change them (see `createWorkspaceIntents`).
 */
import type { BotMiddleware } from '../bot/context.ts';
import type { IntentPrediction } from '../knowledge/intents/types.ts';
import type { WorkspaceIntents } from '../knowledge/intents/workspace-intents.ts';

export function detectIntent(options: { intents: Pick<WorkspaceIntents, 'detectorFor'> }): BotMiddleware {
  return async function detectIntentMiddleware(ctx, next) {
    if (ctx.text) {
      const detector = await options.intents.detectorFor(ctx.workspaceId);
      const prediction: IntentPrediction = await detector.detect(ctx.text);
      ctx.state.intent = prediction;
      ctx.log.debug({ intent: prediction.intent, confidence: prediction.confidence, source: prediction.source }, 'intent');
    }
    await next();
  };
}

/** The intent recorded by `detectIntent`, if any. */
export function intentOf(state: Record<string, unknown>): IntentPrediction | undefined {
  return state.intent as IntentPrediction | undefined;
}
