/**
 * What a workspace's own intent list (`PUT /api/v1/intents`) may hold, checked before it is
 * trained and stored. Each intent is checked with the config file's intent schema
 * (`intentSchema` in `bot/config.ts`: name, examples, keywords, patterns, reply), so an intent the
 * API takes is one `kefu.config.json` would take, and errors name the item the same way:
 * `intents[2].patterns[0]: not a valid regular expression`. On top of the schema:
 * - a name may appear once in the list;
 * - the list is bounded (`maximumWorkspaceIntents` intents, `maximumWorkspaceIntentExamples`
 *   examples in all): training takes seconds of CPU per 2,000 examples (in slices that keep the
 *   process answering), and every process trains again after a change.
 */
import { KefuError } from '../../bot/errors.ts';
import { intentSchema, settingPath } from '../../bot/config.ts';
import type { WorkspaceIntentDefinition } from './workspace-intents.ts';

/** Most intents in a workspace's own list. */
export const maximumWorkspaceIntents = 200;
/** Most example utterances over a workspace's own list. */
export const maximumWorkspaceIntentExamples = 2000;

/** An intent list that may not be stored; `item` is the path of the fault: `intents[2].patterns[0]`. */
export class IntentListError extends KefuError {
  readonly item: string;
  constructor(item: string, message: string) {
    super('invalid_intents', `${item}: ${message}`);
    this.item = item;
  }
}

/**
 * The intents of `list` as the detector takes them (defaults applied), or an `IntentListError`
 * naming the first item the list may not hold.
 */
export function checkIntentList(list: readonly unknown[]): WorkspaceIntentDefinition[] {
  if (list.length > maximumWorkspaceIntents) {
    throw new IntentListError('intents', `more than ${maximumWorkspaceIntents} intents`);
  }
  const intents: WorkspaceIntentDefinition[] = [];
  const positions = new Map<string, number>();
  list.forEach((item, index) => {
    const parsed = intentSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = [...(issue?.path ?? [])];
      // An unknown key is reported on its intent; name the key itself instead.
      if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
      throw new IntentListError(settingPath(['intents', index, ...path]), issue?.message ?? 'invalid');
    }
    const earlier = positions.get(parsed.data.name);
    if (earlier !== undefined) {
      throw new IntentListError(`intents[${index}].name`, `"${parsed.data.name}" is listed twice (as intents[${earlier}] too)`);
    }
    positions.set(parsed.data.name, index);
    intents.push(parsed.data);
  });
  const examples = intents.reduce((sum, intent) => sum + intent.examples.length, 0);
  if (examples > maximumWorkspaceIntentExamples) {
    throw new IntentListError('intents', `${examples} examples in all; at most ${maximumWorkspaceIntentExamples}`);
  }
  return intents;
}
