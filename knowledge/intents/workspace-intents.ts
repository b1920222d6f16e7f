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
 * The API layer can also switch off an intent the workspace inherits: an entry
 * `{ name: 'greeting', disabled: true }` removes the starter (or configured) `greeting`, reply
 * included; leaving the entry out of the list again brings it back.
 *
 * Detectors of the config layer are trained when this is created, at once, so a bad pattern stops
 * Kefu at start-up rather than at the first message. A workspace's API layer is loaded when the
 * workspace first asks for its detector; afterwards its stored revision is compared at most every
 * `checkIntervalMs` (5 s, the retriever's stamp check), and a new revision is trained in the
 * background and swapped in — the old detector answers meanwhile (`workspace-detectors.ts`). The
 * process that stored the change applies it at once (`install`). A changed list trains in slices
 * that hand the event loop back every ~10 ms (`train`, default `trainIntentDetector`), so a
 * retrain (seconds of CPU for 2,000 examples) never stalls the messages of other conversations.
 * Workspaces without intents of their own share the starter detector.
 */
import type { LanguageModel } from 'ai';
import { IntentListError } from './intent-rules.ts';
import { createIntentDetector, trainIntentDetector, type IntentDetectorOptions } from './intent-detector.ts';
import type { IntentDefinition, IntentDetector } from './types.ts';
import { createWorkspaceDetectors } from './workspace-detectors.ts';
import type { StoredIntentSource } from './workspace-intent-store.ts';

/** An intent as a workspace defines it: a definition plus an optional fixed reply. */
export interface WorkspaceIntentDefinition extends IntentDefinition {
  /** Sent as the answer when this intent is detected; without it the intent only routes. */
  reply?: string;
}

/** An entry of a workspace's API-managed list that switches off an intent it inherits (starter or configured). */
export interface DisabledIntent {
  name: string;
  disabled: true;
}

/** An entry of a workspace's API-managed list: an intent of its own, or an inherited one switched off. */
export type OwnIntentEntry = WorkspaceIntentDefinition | DisabledIntent;

/** The entry switches an inherited intent off. */
export function isDisabledIntent(entry: IntentDefinition | DisabledIntent): entry is DisabledIntent {
  return (entry as Partial<DisabledIntent>).disabled === true;
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
  /**
   * Workspaces' configured intents, each naming its workspace (as `KefuConfig.intents`); a
   * `disabled` entry switches the starter intent of its name off for that workspace.
   */
  own?: ReadonlyArray<OwnIntentEntry & { workspace: string }>;
  /** The intents managed through the API (`createStoredIntentSource(db)`); without it, base and config only. */
  stored?: StoredIntentSource;
  /** How long a workspace's detector is trusted before its stored revision is checked again; default 5 s. */
  checkIntervalMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /**
   * Called when loading or training a workspace's stored intents fails; the detector it had (at
   * first, the one without stored intents) keeps answering and the next check tries again.
   * Default: a failed check is thrown to the message that made it, a failed background training
   * to the workspace's next message.
   */
  onRefreshError?: (error: unknown, workspaceId: string) => void;
  /**
   * Trains the detector of a changed list (a new stored revision, or a list `prepare`d for the
   * API); must not stall the event loop for long. Default: `trainIntentDetector` (slices of
   * ~10 ms). The starter and configured detectors are trained at creation, at once.
   */
  train?: (options: IntentDetectorOptions) => Promise<IntentDetector>;
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
   * Train a detector on the workspace's inherited intents with `own` as its API-managed list,
   * without stalling the process; rejects with `IntentListError` when they cannot be trained.
   * Nothing changes until `install`.
   */
  prepare(workspaceId: string, own: readonly OwnIntentEntry[]): Promise<PreparedIntents>;
  /**
   * Use `prepared` for the workspace from now on: the list stored as `revision` (after a replace
   * in this process). A detector of a newer revision already in place stays.
   */
  install(workspaceId: string, revision: number, prepared: PreparedIntents): void;
  /** Check the workspace's stored intents now and wait until a changed list is trained and in place. */
  refresh(workspaceId: string): Promise<void>;
}

/**
 * Merges a workspace's intents over the base set: same name replaces, new names are appended, a
 * `disabled` entry removes the base intent of its name (and is a no-op when there is none).
 */
export function mergeIntents(base: readonly IntentDefinition[], own: readonly OwnIntentEntry[]): IntentDefinition[] {
  return mergeLayer(base, own).map(({ name, description, examples, keywords, patterns }) => ({ name, description, examples, keywords, patterns }));
}

/** `own` over `base` by name, replies kept; disabled entries take their name out. */
function mergeLayer<T extends IntentDefinition>(base: readonly T[], own: ReadonlyArray<T | DisabledIntent>): T[] {
  const byName = new Map(own.map((entry) => [entry.name, entry]));
  const merged: T[] = [];
  for (const intent of base) {
    const entry = byName.get(intent.name) ?? intent;
    if (!isDisabledIntent(entry)) merged.push(entry);
  }
  const baseNames = new Set(base.map((intent) => intent.name));
  for (const entry of own) if (!baseNames.has(entry.name) && !isDisabledIntent(entry)) merged.push(entry);
  return merged;
}

/** Trains the config layer at once (one detector per workspace with configured intents, one shared starter detector). */
export function createWorkspaceIntents(options: WorkspaceIntentsOptions): WorkspaceIntents {
  const detectorOptions = (intents: readonly IntentDefinition[]): IntentDetectorOptions => ({
    intents,
    outOfScopeExamples: options.outOfScopeExamples,
    model: options.model,
    onLlmError: options.onLlmError,
  });
  const trainChanged = options.train ?? trainIntentDetector;
  const baseReplies = new Map(Object.entries(options.baseReplies ?? {}));
  const withReplies = (replies: ReadonlyMap<string, string>, own: readonly OwnIntentEntry[]) => {
    // A workspace that redefines an intent takes it over, reply included (none if it gives none);
    // one that switches it off takes its reply away.
    const merged = new Map(replies);
    for (const entry of own) {
      const reply = isDisabledIntent(entry) ? undefined : entry.reply;
      if (reply) merged.set(entry.name, reply);
      else merged.delete(entry.name);
    }
    return merged;
  };

  const starterIntents: InheritedIntent[] = options.base.map((intent) => {
    const reply = baseReplies.get(intent.name);
    return { ...intent, ...(reply !== undefined && { reply }), source: 'starter' };
  });
  const configured = new Map<string, OwnIntentEntry[]>();
  for (const { workspace, ...intent } of options.own ?? []) configured.set(workspace, [...(configured.get(workspace) ?? []), intent]);

  /** The inherited layers of a workspace: definitions (starter ← config) and their replies. */
  const inheritedOf = (workspaceId: string) => {
    const own = configured.get(workspaceId) ?? [];
    const intents = mergeLayer<InheritedIntent>(
      starterIntents,
      own.map((entry) => (isDisabledIntent(entry) ? entry : { ...entry, source: 'config' as const })),
    );
    return { intents, replies: withReplies(baseReplies, own) };
  };
  /** The intents to train for a workspace with `own` as its API list, and their replies. */
  const layered = (workspaceId: string, own: readonly OwnIntentEntry[]) => {
    const inherited = inheritedOf(workspaceId);
    return { intents: mergeIntents(inherited.intents, own), replies: withReplies(inherited.replies, own) };
  };
  const prepareChanged = async (workspaceId: string, own: readonly OwnIntentEntry[]): Promise<PreparedIntents> => {
    const { intents, replies } = layered(workspaceId, own);
    return { detector: await trainChanged(detectorOptions(intents)), replies };
  };

  const starter: PreparedIntents = { detector: createIntentDetector(detectorOptions(options.base)), replies: baseReplies };
  const configuredPrepared = new Map(
    [...configured.keys()].map((workspaceId) => {
      const { intents, replies } = layered(workspaceId, []);
      return [workspaceId, { detector: createIntentDetector(detectorOptions(intents)), replies }];
    }),
  );
  const withoutStored = (workspaceId: string) => configuredPrepared.get(workspaceId) ?? starter;

  const stored = options.stored;
  const detectors =
    stored &&
    createWorkspaceDetectors({
      stored,
      withoutStored,
      train: (workspaceId, list) => prepareChanged(workspaceId, list.intents),
      checkIntervalMs: options.checkIntervalMs ?? 5000,
      now: options.now ?? Date.now,
      onRefreshError: options.onRefreshError,
    });

  return {
    async detectorFor(workspaceId) {
      return (detectors ? await detectors.forMessage(workspaceId) : withoutStored(workspaceId)).detector;
    },
    async replyFor(workspaceId, intent) {
      return (detectors ? await detectors.current(workspaceId) : withoutStored(workspaceId)).replies.get(intent);
    },
    inherited: (workspaceId) => inheritedOf(workspaceId).intents,
    async prepare(workspaceId, own) {
      try {
        return await prepareChanged(workspaceId, own);
      } catch (error) {
        throw new IntentListError('intents', `cannot be trained: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    install(workspaceId, revision, prepared) {
      if (detectors) detectors.install(workspaceId, revision, prepared);
    },
    async refresh(workspaceId) {
      await detectors?.refresh(workspaceId);
    },
  };
}
