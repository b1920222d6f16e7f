/**
 * What a workspace's own intent list (`PUT /api/v1/intents`) may hold, checked before it is
 * trained and stored. Each intent is checked with the config file's intent schema
 * (`intentSchema` in `bot/config.ts`: name, examples, keywords, patterns, reply), so an intent the
 * API takes is one `kefu.config.json` would take, and errors name the item the same way:
 * `intents[2].patterns[0]: not a valid regular expression`. An entry `{ name, disabled: true }`
 * switches off an intent the workspace inherits (starter or configured) instead; it holds nothing
 * else, and its name must be one of those intents. On top of the schema:
 * - a name may appear once in the list (an intent cannot be both redefined and disabled);
 * - the list is bounded (`maximumWorkspaceIntents` intents, `maximumWorkspaceIntentExamples`
 *   examples in all): training takes seconds of CPU per 2,000 examples (in slices that keep the
 *   process answering), and every process trains again after a change.
 */
import { z } from 'zod';
import { KefuError } from '../../bot/errors.ts';
import { intentSchema, settingPath } from '../../bot/config.ts';
import type { OwnIntentEntry } from './workspace-intents.ts';

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

/** An entry switching off an inherited intent: its name and `disabled: true`, nothing else. */
const disabledIntentSchema = z.strictObject(
  {
    name: z.string(),
    disabled: z.literal(true, { error: 'only true; to switch the intent back on, leave it out of the list' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'a disabled intent holds only its name' : undefined) },
);

const isDisabledEntry = (item: unknown) => typeof item === 'object' && item !== null && 'disabled' in item;

/**
 * The entries of `list` as the detector takes them (defaults applied), or an `IntentListError`
 * naming the first item the list may not hold. `inherited` are the names of the intents the
 * workspace has without its list (starter and configured): the ones it may disable.
 */
export function checkIntentList(list: readonly unknown[], options: { inherited: Iterable<string> }): OwnIntentEntry[] {
  if (list.length > maximumWorkspaceIntents) {
    throw new IntentListError('intents', `more than ${maximumWorkspaceIntents} intents`);
  }
  const inherited = new Set(options.inherited);
  const entries: OwnIntentEntry[] = [];
  const positions = new Map<string, number>();
  list.forEach((item, index) => {
    const parsed = isDisabledEntry(item) ? disabledIntentSchema.safeParse(item) : intentSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = [...(issue?.path ?? [])];
      // An unknown key is reported on its intent; name the key itself instead.
      if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
      throw new IntentListError(settingPath(['intents', index, ...path]), issue?.message ?? 'invalid');
    }
    const { name } = parsed.data;
    const earlier = positions.get(name);
    if (earlier !== undefined) {
      throw new IntentListError(`intents[${index}].name`, `"${name}" is listed twice (as intents[${earlier}] too)`);
    }
    if ('disabled' in parsed.data && !inherited.has(name)) {
      throw new IntentListError(`intents[${index}].name`, `"${name}" is no starter or configured intent of this workspace; only those can be disabled`);
    }
    positions.set(name, index);
    entries.push(parsed.data);
  });
  const examples = entries.reduce((sum, entry) => sum + ('examples' in entry ? entry.examples.length : 0), 0);
  if (examples > maximumWorkspaceIntentExamples) {
    throw new IntentListError('intents', `${examples} examples in all; at most ${maximumWorkspaceIntentExamples}`);
  }
  return entries;
}
