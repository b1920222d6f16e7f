/**
 * Intents per workspace: the built-in starter set plus what a workspace's operators configure
 * (`intents[]` in kefu.config.json). A configured intent with a starter intent's name replaces it
 * (a shop can say what `store_hours` means for it); other configured intents are added. An intent
 * may carry a fixed `reply`, which the pipeline sends when the intent is detected — the simplest way
 * for an operator to route a question the knowledge base should not answer by similarity.
 *
 * Detectors are trained when this is created (a few hundred examples train in milliseconds), so a
 * bad pattern or an intent without examples stops Kefu at start-up rather than at the first
 * message. Workspaces without intents of their own share the starter detector.
 */
import type { LanguageModel } from 'ai';
import { createIntentDetector, type TrainedIntentDetector } from './intent-detector.ts';
import type { IntentDefinition, IntentDetector } from './types.ts';

/** An intent as a workspace configures it: a definition plus an optional fixed reply. */
export interface WorkspaceIntentDefinition extends IntentDefinition {
  /** Sent as the answer when this intent is detected; without it the intent only routes. */
  reply?: string;
}

/** Options of {@link createWorkspaceIntents}. */
export interface WorkspaceIntentsOptions {
  /** Intents every workspace starts from (the starter set). */
  base: readonly IntentDefinition[];
  /** Replies for base intents (e.g. greetings); a workspace's own `reply` wins. */
  baseReplies?: Readonly<Record<string, string>>;
  /** Utterances no intent may claim (train the out-of-scope class). */
  outOfScopeExamples?: readonly string[];
  /** Workspaces' own intents, each naming its workspace (as `KefuConfig.intents`). */
  own?: ReadonlyArray<WorkspaceIntentDefinition & { workspace: string }>;
  /** LLM for low-confidence cases (see `createIntentDetector`). */
  model?: LanguageModel;
  /** Called when the LLM call fails and the classifier's answer is used instead. */
  onLlmError?: (error: unknown, text: string) => void;
}

/** The intents of every workspace: which detector to ask and which fixed replies to send. */
export interface WorkspaceIntents {
  /** The detector of `workspaceId` (the starter detector for a workspace without intents of its own). */
  detectorFor(workspaceId: string): IntentDetector;
  /** The fixed reply for `intent` in `workspaceId`, if one is configured. */
  replyFor(workspaceId: string, intent: string): string | undefined;
}

/** Merges a workspace's intents over the base set: same name replaces, new names are appended. */
export function mergeIntents(
  base: readonly IntentDefinition[],
  own: readonly WorkspaceIntentDefinition[],
): IntentDefinition[] {
  const byName = new Map(own.map((intent) => [intent.name, intent]));
  const merged: IntentDefinition[] = base.map((intent) => byName.get(intent.name) ?? intent);
  const baseNames = new Set(base.map((intent) => intent.name));
  for (const intent of own) if (!baseNames.has(intent.name)) merged.push(intent);
  return merged.map(({ name, description, examples, keywords, patterns }) => ({ name, description, examples, keywords, patterns }));
}

/** Trains one detector per workspace that has intents of its own, and one shared starter detector. */
export function createWorkspaceIntents(options: WorkspaceIntentsOptions): WorkspaceIntents {
  const train = (intents: readonly IntentDefinition[]): TrainedIntentDetector =>
    createIntentDetector({
      intents,
      outOfScopeExamples: options.outOfScopeExamples,
      model: options.model,
      onLlmError: options.onLlmError,
    });
  const starter = train(options.base);
  const detectors = new Map<string, TrainedIntentDetector>();
  const replies = new Map<string, ReadonlyMap<string, string>>();
  const baseReplies = new Map(Object.entries(options.baseReplies ?? {}));
  const byWorkspace = new Map<string, WorkspaceIntentDefinition[]>();
  for (const { workspace, ...intent } of options.own ?? []) {
    byWorkspace.set(workspace, [...(byWorkspace.get(workspace) ?? []), intent]);
  }
  for (const [workspaceId, own] of byWorkspace) {
    detectors.set(workspaceId, train(mergeIntents(options.base, own)));
    // A workspace that redefines a base intent takes it over, reply included (none if it gives none).
    const workspaceReplies = new Map(baseReplies);
    for (const intent of own) {
      if (intent.reply) workspaceReplies.set(intent.name, intent.reply);
      else workspaceReplies.delete(intent.name);
    }
    replies.set(workspaceId, workspaceReplies);
  }
  return {
    detectorFor: (workspaceId) => detectors.get(workspaceId) ?? starter,
    replyFor: (workspaceId, intent) => (replies.get(workspaceId) ?? baseReplies).get(intent),
  };
}
