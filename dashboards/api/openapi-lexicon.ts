/**
 * The lexicon part of the OpenAPI document (`openapi.ts` merges it): the workspace's own words and
 * synonyms used by retrieval, and the golden runs a change starts (`GoldenRun` of the knowledge
 * part). Its builders are `openapi-helpers.ts`.
 */
import { maximumLexiconItems, maximumLexiconWordLength } from '../../knowledge/lexicon/lexicon-rules.ts';
import { error, json, object, ok, ref, type Schema } from './openapi-helpers.ts';


const term = { type: 'string', minLength: 1, maxLength: maximumLexiconWordLength };
const words: Schema = {
  type: 'array',
  maxItems: maximumLexiconItems,
  items: { ...term, minLength: 2 },
  description: 'Words segmentation keeps whole: product, store and brand names (杨枝甘露, 芋泥波波).',
};
const synonyms: Schema = {
  type: 'object',
  maxProperties: maximumLexiconItems,
  additionalProperties: term,
  description:
    'Variant → canonical word (`{ "小黄杯": "杨枝甘露" }`), applied to knowledge and messages alike. No self-mapping, chains or cycles, also through the built-in synonyms (退钱 → 退款, 咋 → 怎么…); a variant may replace a built-in one.',
};

/** Schemas of the lexicon routes. */
export const lexiconSchemas: Record<string, Schema> = {
  Lexicon: object(
    {
      words,
      synonyms,
      revision: { type: 'integer', description: '0 until the first change; grows with every change.' },
      updatedBy: { type: ['string', 'null'], format: 'uuid' },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
    },
    ['words', 'synonyms', 'revision', 'updatedBy', 'updatedAt'],
  ),
};

const lexiconResponse = object({ lexicon: ref('Lexicon') }, ['lexicon']);
const replacedResponse = object(
  {
    lexicon: ref('Lexicon'),
    goldenRuns: {
      type: 'array',
      items: ref('GoldenRun'),
      description:
        'The golden set of every published knowledge base, run again with the new lexicon and stored (trigger `lexicon`); a base without a golden set has none, a base whose run failed is left out (reported in the server log).',
    },
  },
  ['lexicon', 'goldenRuns'],
);

/** Paths of the lexicon routes. */
export const lexiconPaths = {
  '/lexicon': {
    get: {
      summary: 'The workspace lexicon: its own words and synonyms',
      responses: {
        '200': ok('The lexicon', lexiconResponse),
        '401': error('No valid session (`unauthorized`, `invalid_session`).'),
      },
    },
    put: {
      summary:
        'Replace the workspace lexicon (admin, operator); retrieval uses it at once, other processes within their 5 s check; the golden sets of the published knowledge bases run again',
      requestBody: {
        required: true,
        content: json(
          object({
            words,
            synonyms,
            revision: { type: 'integer', minimum: 0, description: 'The revision read; when given and no longer current, 409.' },
          }),
        ),
      },
      responses: {
        '200': ok('Replaced', replacedResponse),
        '400': error('A bad item (`invalid_lexicon`; `field` and the message name it: `words.2`, `synonyms.退钱`) or body (`validation_failed`).'),
        '401': error('No valid session (`unauthorized`, `invalid_session`).'),
        '403': error('Wrong role (`forbidden`: changes need admin or operator), or the password must be changed first.'),
        '409': error('The lexicon changed since `revision` was read (`lexicon_changed`).'),
      },
    },
  },
};
