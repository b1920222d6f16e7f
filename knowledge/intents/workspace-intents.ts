/**
 * Intents per workspace, in three layers merged by name (a later layer's intent replaces an
 * earlier one of the same name; new names are appended):
 * 1. the built-in starter set;
 * 2. the workspace's intents in `kefu.config.json` (`intents[]`), fixed until a restart;
 * 3. the workspace's intents managed through the dashboard API (`PUT /api/v1/intents`, stored in
 *    `workspace_intents`), changed while Kefu runs.
 * So a shop can say what `store_hours` means for it, and an operator can change it again without
 * editing the config file. An intent may carry a fixed `reply`, which the pipeline sends when the
 * intent is detected — the simplest way to route a question the knowledge base should not answer
 * by similarity; an intent that replaces another takes over its reply too (none if it gives none).
 *
 * Detectors of the config layer are trained when this is created, so a bad pattern stops Kefu at
 * start-up rather than at the first message. A workspace's API layer is loaded when the workspace
 * first asks for its detector; afterwards its stored revision is compared at most every
 * `checkIntervalMs` (5 s, the retriever's stamp check), and a new revision is trained and swapped
 * in — the old detector answers meanwhile. The process that stored the change applies it at once
 * (`install`). Training blocks the process (tens of milliseconds for the starter set, about a
 * second for 2,000 examples), so it happens once per change and process, never per message.
 * Workspaces without intents of their own share the starter detector.
 */
import type { LanguageModel } from 'ai';
import { IntentListError } from './intent-rules.ts';
import { createIntentDetector, type TrainedIntentDetector } from './intent-detector.ts';
import type { IntentDefinition, IntentDetector } from './types.ts';
import type { StoredIntentSource } from './workspace-intent-store.ts';

/** An intent as a workspace defines it: a definition plus an optional fixed reply. */
export interface WorkspaceIntentDefinition extends IntentDefinition {
  /** Sent as the answer when this intent is detected; without it the intent only routes. */
  reply?: string;
}

/** An intent a workspace has before its API-managed list: built in, or from `kefu.config.json`. */
export interface InheritedIntent extends WorkspaceIntentDefinition {
  source: 'starter' | 'config';
}

/** Options of {@link createWorkspaceIntents}. */
export interface WorkspaceIntentsOptions {
  /** Intents every workspace starts from (the starter set). */
  base: readonly IntentDefinition[];
  /** Replies for base intents (e.g. greetings); a workspace's own `reply` wins. */
  baseReplies?: Readonly<Record<string, string>>;
  /** Utterances no intent may claim (train the out-of-scope class). */
  outOfScopeExamples?: readonly string[];
  /** Workspaces' configured intents, each naming its workspace (as `KefuConfig.intents`). */
  own?: ReadonlyArray<WorkspaceIntentDefinition & { workspace: string }>;
  /** The intents managed through the API (`createStoredIntentSource(db)`); without it, base and config only. */
  stored?: StoredIntentSource;
  /** How long a workspace's detector is trusted before its stored revision is checked again; default 5 s. */
  checkIntervalMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /**
   * Called when loading or training a workspace's stored intents fails; the detector it had (at
   * first, the one without stored intents) keeps answering and the next check tries again.
   * Default: rethrow to the message being processed.
   */
  onRefreshError?: (error: unknown, workspaceId: string) => void;
  /** LLM for low-confidence cases (see `createIntentDetector`). */
  model?: LanguageModel;
  /** Called when the LLM call fails and the classifier's answer is used instead. */
  onLlmError?: (error: unknown, text: string) => void;
}

/** A trained detector with the fixed replies of the intents it was trained on. */
export interface PreparedIntents {
  readonly detector: IntentDetector;
  readonly replies: ReadonlyMap<string, string>;
}

/** The intents of every workspace: which detector to ask and which fixed replies to send. */
export interface WorkspaceIntents {
  /** The detector of `workspaceId` (checking its stored intents when the check interval has passed). */
  detectorFor(workspaceId: string): Promise<IntentDetector>;
  /** The fixed reply for `intent` in `workspaceId`, if one is defined (of the detector last returned). */
  replyFor(workspaceId: string, intent: string): Promise<string | undefined>;
  /** The workspace's starter and configured intents (merged, each marked with its source), not changeable through the API. */
  inherited(workspaceId: string): InheritedIntent[];
  /**
   * Train a detector on the workspace's inherited intents with `own` as its API-managed list;
   * throws `IntentListError` when they cannot be trained. Nothing changes until `install`.
   */
  prepare(workspaceId: string, own: readonly WorkspaceIntentDefinition[]): PreparedIntents;
  /** Use `prepared` for the workspace from now on: the list stored as `revision` (after a replace in this process). */
  install(workspaceId: string, revision: number, prepared: PreparedIntents): void;
  /** Check the workspace's stored intents now and retrain when they changed. */
  refresh(workspaceId: string): Promise<void>;
}

/** Merges a workspace's intents over the base set: same name replaces, new names are appended. */
export function mergeIntents(
  base: readonly IntentDefinition[],
  own: readonly WorkspaceIntentDefinition[],
): IntentDefinition[] {
  return mergeLayer(base, own).map(({ name, description, examples, keywords, patterns }) => ({ name, description, examples, keywords, patterns }));
}

/** `own` over `base` by name, replies kept. */
function mergeLayer<T extends IntentDefinition>(base: readonly T[], own: readonly T[]): T[] {
  const byName = new Map(own.map((intent) => [intent.name, intent]));
  const merged = base.map((intent) => byName.get(intent.name) ?? intent);
  const baseNames = new Set(base.map((intent) => intent.name));
  for (const intent of own) if (!baseNames.has(intent.name)) merged.push(intent);
  return merged;
}

interface WorkspaceState {
  prepared: PreparedIntents;
  /** The stored revision `prepared` was trained on (0: none stored). */
  revision: number;
  checkedAt: number;
  refreshing?: Promise<void>;
}

/** Trains the config layer at once (one detector per workspace with configured intents, one shared starter detector). */
export function createWorkspaceIntents(options: WorkspaceIntentsOptions): WorkspaceIntents {
  const checkIntervalMs = options.checkIntervalMs ?? 5000;
  const now = options.now ?? Date.now;
  const train = (intents: readonly IntentDefinition[]): TrainedIntentDetector =>
    createIntentDetector({
      intents,
      outOfScopeExamples: options.outOfScopeExamples,
      model: options.model,
      onLlmError: options.onLlmError,
    });
  const baseReplies = new Map(Object.entries(options.baseReplies ?? {}));
  const withReplies = (replies: ReadonlyMap<string, string>, own: readonly WorkspaceIntentDefinition[]) => {
    // A workspace that redefines an intent takes it over, reply included (none if it gives none).
    const merged = new Map(replies);
    for (const intent of own) {
      if (intent.reply) merged.set(intent.name, intent.reply);
      else merged.delete(intent.name);
    }
    return merged;
  };

  const starterIntents: InheritedIntent[] = options.base.map((intent) => {
    const reply = baseReplies.get(intent.name);
    return { ...intent, ...(reply !== undefined && { reply }), source: 'starter' };
  });
  const starter: PreparedIntents = { detector: train(options.base), replies: baseReplies };
  const configured = new Map<string, WorkspaceIntentDefinition[]>();
  for (const { workspace, ...intent } of options.own ?? []) configured.set(workspace, [...(configured.get(workspace) ?? []), intent]);

  /** The inherited layers of a workspace: definitions (starter ← config) and their replies. */
  const inheritedOf = (workspaceId: string) => {
    const own = configured.get(workspaceId) ?? [];
    const intents = mergeLayer<InheritedIntent>(starterIntents, own.map((intent) => ({ ...intent, source: 'config' })));
    return { intents, replies: withReplies(baseReplies, own) };
  };
  const prepare = (workspaceId: string, own: readonly WorkspaceIntentDefinition[]): PreparedIntents => {
    const inherited = inheritedOf(workspaceId);
    return { detector: train(mergeIntents(inherited.intents, own)), replies: withReplies(inherited.replies, own) };
  };
  const configuredPrepared = new Map([...configured.keys()].map((workspaceId) => [workspaceId, prepare(workspaceId, [])]));
  const withoutStored = (workspaceId: string) => configuredPrepared.get(workspaceId) ?? starter;

  const states = new Map<string, Promise<WorkspaceState>>();
  const stored = options.stored;

  const sync = async (workspaceId: string, state: WorkspaceState): Promise<void> => {
    if (!stored) return;
    const checkedAt = now();
    const revision = await stored.revision(workspaceId);
    if (revision !== state.revision) {
      const list = await stored.load(workspaceId);
      state.prepared = list.intents.length === 0 ? withoutStored(workspaceId) : prepare(workspaceId, list.intents);
      state.revision = list.revision;
    }
    state.checkedAt = checkedAt;
  };
  const refreshOnce = (workspaceId: string, state: WorkspaceState): Promise<void> => {
    state.refreshing ??= sync(workspaceId, state).finally(() => {
      state.refreshing = undefined;
    });
    return state.refreshing;
  };
  /** Refresh, reporting a failure (and keeping the detector) when `onRefreshError` is set. */
  const refreshReporting = async (workspaceId: string, state: WorkspaceState): Promise<void> => {
    try {
      await refreshOnce(workspaceId, state);
    } catch (error) {
      if (!options.onRefreshError) throw error;
      options.onRefreshError(error, workspaceId);
      state.checkedAt = now();
    }
  };
  const stateOf = (workspaceId: string): Promise<WorkspaceState> => {
    let state = states.get(workspaceId);
    if (!state) {
      const fresh: WorkspaceState = { prepared: withoutStored(workspaceId), revision: 0, checkedAt: 0 };
      state = refreshReporting(workspaceId, fresh).then(() => fresh);
      states.set(workspaceId, state);
      // A failed first load is not cached: the next message tries again.
      state.catch(() => states.delete(workspaceId));
    }
    return state;
  };

  return {
    async detectorFor(workspaceId) {
      if (!stored) return withoutStored(workspaceId).detector;
      const state = await stateOf(workspaceId);
      if (now() - state.checkedAt >= checkIntervalMs) await refreshReporting(workspaceId, state);
      return state.prepared.detector;
    },
    async replyFor(workspaceId, intent) {
      const prepared = stored ? (await stateOf(workspaceId)).prepared : withoutStored(workspaceId);
      return prepared.replies.get(intent);
    },
    inherited: (workspaceId) => inheritedOf(workspaceId).intents,
    prepare(workspaceId, own) {
      try {
        return prepare(workspaceId, own);
      } catch (error) {
        throw new IntentListError('intents', `cannot be trained: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    install(workspaceId, revision, prepared) {
      const state: WorkspaceState = { prepared, revision, checkedAt: now() };
      states.set(workspaceId, Promise.resolve(state));
    },
    async refresh(workspaceId) {
      await refreshOnce(workspaceId, await stateOf(workspaceId));
    },
  };
}
