/**
 * The intents part of the OpenAPI document (`openapi.ts` merges it): the workspace's own intents
 * and the built-in ones they are layered over. Its builders are `openapi-helpers.ts`.
 */
import { maximumWorkspaceIntentExamples, maximumWorkspaceIntents } from '../../knowledge/intents/intent-rules.ts';
import { error, json, object, ok, ref, type Schema } from './openapi-helpers.ts';

const texts = (description: string): Schema => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });

const intentProperties: Record<string, Schema> = {
  name: {
    type: 'string',
    pattern: '^[a-z][a-z0-9_-]{0,62}$',
    description: 'Stable routing name, unique in the list; not `oos`. An own intent with a built-in one’s name replaces it.',
  },
  description: { type: 'string', description: 'What the intent means, in a sentence; shown to the LLM classifier.' },
  examples: texts('Example utterances that train the classifier (Chinese first).'),
  keywords: texts('Substrings that make the intent certain when present.'),
  patterns: texts('Regular-expression sources (flags `iu`) that make the intent certain when they match.'),
  reply: { type: 'string', minLength: 1, description: 'Sent when the intent is detected; without it the intent only routes.' },
};

/** Schemas of the intent routes. */
export const intentSchemas: Record<string, Schema> = {
  Intent: {
    ...object(intentProperties, ['name']),
    additionalProperties: false,
    description: 'Needs at least one example, keyword or pattern. Checked like `intents[]` of kefu.config.json.',
  },
  DisabledIntent: {
    ...object(
      {
        name: { type: 'string', description: 'The name of a starter or configured intent of the workspace (one listed in `builtIn`).' },
        disabled: { const: true, description: 'Only `true`; to switch the intent back on, leave the entry out of the list.' },
      },
      ['name', 'disabled'],
    ),
    additionalProperties: false,
    description: 'Switches off an intent the workspace inherits, reply included: the bot no longer detects or answers it.',
  },
  OwnIntentEntry: { oneOf: [ref('Intent'), ref('DisabledIntent')] },
  BuiltInIntent: object(
    {
      ...intentProperties,
      source: { enum: ['starter', 'config'], description: '`starter`: built into Kefu; `config`: `intents[]` of kefu.config.json.' },
      replaced: { type: 'boolean', description: 'An own intent of the same name replaces this one.' },
      disabled: { type: 'boolean', description: 'The own list switches this one off (`{ "name": …, "disabled": true }`).' },
    },
    ['name', 'examples', 'source', 'replaced', 'disabled'],
  ),
  WorkspaceIntents: object(
    {
      intents: {
        type: 'array',
        items: ref('OwnIntentEntry'),
        description: 'The workspace’s own intents and the inherited ones it switches off, in order.',
      },
      builtIn: {
        type: 'array',
        items: ref('BuiltInIntent'),
        description: 'The intents the workspace has without its own list (starter set, then kefu.config.json by name); read-only here.',
      },
      revision: { type: 'integer', description: '0 until the first change; grows with every change.' },
      updatedBy: { type: ['string', 'null'], format: 'uuid' },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
    },
    ['intents', 'builtIn', 'revision', 'updatedBy', 'updatedAt'],
  ),
};

/** Paths of the intent routes. */
export const intentPaths = {
  '/intents': {
    get: {
      summary: 'The workspace’s own intents, and the built-in ones they go over or switch off',
      responses: {
        '200': ok('The intents', ref('WorkspaceIntents')),
        '401': error('No valid session (`unauthorized`, `invalid_session`).'),
      },
    },
    put: {
      summary: 'Replace the workspace’s own intents (admin, operator); trained before they are stored, used at once, by other processes within their 5 s check',
      requestBody: {
        required: true,
        content: json(
          object(
            {
              intents: {
                type: 'array',
                maxItems: maximumWorkspaceIntents,
                items: ref('OwnIntentEntry'),
                description: `Own intents, and \`{ "name": "greeting", "disabled": true }\` entries switching off built-in ones; each name once. At most ${maximumWorkspaceIntents} entries and ${maximumWorkspaceIntentExamples} examples in all; \`[]\` removes them all (every built-in intent answers again).`,
              },
              revision: { type: 'integer', minimum: 0, description: 'The revision read; when given and no longer current, 409.' },
            },
            ['intents'],
          ),
        ),
      },
      responses: {
        '200': ok('Replaced', ref('WorkspaceIntents')),
        '400': error(
          'A bad intent (`invalid_intents`; `field` and the message name it: `intents[2].patterns[0]: not a valid regular expression`, a duplicate or reserved name, no examples, keywords or patterns; a disabled entry whose name is no built-in intent (`intents[0].name`), that holds other keys, or whose `disabled` is not `true`; a list that leaves nothing to train) or body (`validation_failed`). Nothing is stored.',
        ),
        '401': error('No valid session (`unauthorized`, `invalid_session`).'),
        '403': error('Wrong role (`forbidden`: changes need admin or operator), or the password must be changed first.'),
        '409': error('The intents changed since `revision` was read (`intents_changed`).'),
      },
    },
  },
};
