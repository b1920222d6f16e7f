/**
 * The knowledge part of the OpenAPI document (`openapi.ts` merges it): knowledge bases, versions,
 * entries, the draft, publish, rollback, import, golden sets and golden runs (of a version or of
 * the draft). Its builders are `openapi-helpers.ts`.
 */
import { array, body, error, json, nullable, object, ok, ref, type Schema } from './openapi-helpers.ts';

const uuid = { type: 'string', format: 'uuid' };
const dateTime = { type: 'string', format: 'date-time' };

const authErrors = {
  '401': error('No valid session (`unauthorized`, `invalid_session`).'),
  '403': error('Wrong role (`forbidden`: changes need admin or operator), or the password must be changed first.'),
};
const baseMissing = { '404': error('No such knowledge base in this workspace.') };
const idParameter = { name: 'id', in: 'path', required: true, description: 'Knowledge-base id.', schema: uuid };
const keyParameter = { name: 'key', in: 'path', required: true, description: 'Entry key (the FAQ id), percent-encoded.', schema: { type: 'string' } };
const versionHeadline = object(
  { id: uuid, number: { type: 'integer' }, entries: { type: 'integer' }, updatedAt: dateTime, publishedAt: nullable('string', { format: 'date-time' }) },
  ['id', 'number', 'entries'],
);
const publishedVersion = object({ id: uuid, number: { type: 'integer' }, entries: { type: 'integer' } }, ['id', 'number', 'entries']);
const publishResult = object({ version: publishedVersion, goldenRun: { oneOf: [ref('GoldenRun'), { type: 'null' }] } }, ['version', 'goldenRun']);
const versionGoldenFigures = object(
  {
    versionId: uuid,
    versionNumber: { type: 'integer' },
    entries: { type: 'integer' },
    'hit@1': { type: 'number' },
    'hit@5': { type: 'number' },
    'mrr@10': { type: 'number' },
    misses: array(ref('GoldenMiss')),
  },
  ['versionId', 'versionNumber', 'entries', 'hit@1', 'hit@5', 'mrr@10', 'misses'],
);
const entryFields = {
  kind: { type: 'string', enum: ['faq', 'chunk'], default: 'faq' },
  question: { type: 'string', maxLength: 1000 },
  variants: array({ type: 'string' }),
  answer: { type: 'string', minLength: 1, maxLength: 20000 },
  category: nullable('string'),
};

/** Schemas of the knowledge routes. */
export const knowledgeSchemas: Record<string, Schema> = {
  KnowledgeBase: object(
    {
      id: uuid,
      name: { type: 'string' },
      published: { oneOf: [versionHeadline, { type: 'null' }] },
      draft: {
        oneOf: [{ allOf: [versionHeadline, object({ basedOnVersionId: nullable('string', { format: 'uuid' }) })] }, { type: 'null' }],
      },
      createdAt: dateTime,
      updatedAt: dateTime,
    },
    ['id', 'name', 'published', 'draft'],
  ),
  KnowledgeVersion: object(
    {
      id: uuid,
      number: { type: 'integer' },
      status: { type: 'string', enum: ['draft', 'published', 'archived'] },
      entries: { type: 'integer' },
      basedOnVersionId: nullable('string', { format: 'uuid' }),
      basedOnVersionNumber: nullable('integer'),
      createdBy: nullable('string', { format: 'uuid' }),
      publishedBy: nullable('string', { format: 'uuid' }),
      createdAt: dateTime,
      updatedAt: dateTime,
      publishedAt: nullable('string', { format: 'date-time' }),
    },
    ['id', 'number', 'status', 'entries'],
  ),
  KnowledgeEntry: object(
    { id: { type: 'string' }, ...entryFields, sourceName: { type: 'string' }, position: nullable('object'), contentHash: { type: 'string' } },
    ['id', 'kind', 'question', 'variants', 'answer', 'contentHash'],
  ),
  GoldenMiss: object(
    {
      query: { type: 'string' },
      expectedKeys: array({ type: 'string' }),
      expectedRank: { ...nullable('integer'), description: 'Rank of the best expected entry within the first 10 hits; null when absent.' },
      retrieved: { ...array(object({ key: { type: 'string' }, question: { type: 'string' }, score: { type: 'number' } })), description: 'The first 3 hits, retrieved instead.' },
    },
    ['query', 'expectedKeys', 'expectedRank', 'retrieved'],
  ),
  GoldenRun: object(
    {
      id: uuid,
      knowledgeBaseId: uuid,
      versionId: uuid,
      versionNumber: { type: 'integer' },
      trigger: {
        type: 'string',
        enum: ['publish', 'rollback', 'import', 'manual', 'lexicon'],
        description: 'What started the run; `lexicon`: the workspace lexicon changed (PUT /lexicon), the published version ran again.',
      },
      operatorId: nullable('string', { format: 'uuid' }),
      queries: { type: 'integer' },
      'hit@1': { type: 'number' },
      'hit@5': { type: 'number' },
      'mrr@10': { type: 'number' },
      misses: array(ref('GoldenMiss')),
      createdAt: dateTime,
    },
    ['id', 'knowledgeBaseId', 'versionNumber', 'trigger', 'queries', 'hit@1', 'hit@5', 'mrr@10', 'misses'],
  ),
  ImportDiff: {
    ...object(
      {
        added: { type: 'integer' },
        changed: { type: 'integer' },
        removed: { type: 'integer' },
        unchanged: { type: 'integer' },
        against: {
          oneOf: [object({ status: { type: 'string', enum: ['draft', 'published'] }, number: { type: 'integer' } }, ['status', 'number']), { type: 'null' }],
          description: 'What the counts compare with: the open draft the file replaced (its other edits gone), else the published version; null when the base had neither.',
        },
        named: {
          ...array(object({ change: { type: 'string', enum: ['changed', 'removed'] }, key: { type: 'string' }, question: { type: 'string' } }, ['change', 'key', 'question'])),
          description: 'Up to 10 changed (file order), then removed entries, by key and question (a chunk’s heading path; may be empty).',
        },
        more: { type: 'integer', description: 'Changed and removed entries beyond `named`.' },
      },
      ['added', 'changed', 'removed', 'unchanged', 'against', 'named', 'more'],
    ),
    description: 'What the import changed, as `kefu import` prints it.',
  },
  DraftGoldenRun: object(
    {
      queries: { type: 'integer' },
      draft: versionGoldenFigures,
      published: { oneOf: [versionGoldenFigures, { type: 'null' }], description: 'The published version on the same rows; null when nothing is published.' },
      regressions: { ...array(ref('GoldenMiss')), description: 'Hit at rank 1 by the published version, missed by the draft: the draft’s miss (what it retrieves instead).' },
      fixes: { ...array(ref('GoldenMiss')), description: 'Missed by the published version, hit at rank 1 by the draft: the published version’s miss (what customers get today).' },
    },
    ['queries', 'draft', 'published', 'regressions', 'fixes'],
  ),
};

const knowledgeBaseResponse = object({ knowledgeBase: ref('KnowledgeBase') }, ['knowledgeBase']);
const entryResponse = object({ entry: ref('KnowledgeEntry') }, ['entry']);
const noDraft = error('No such knowledge base, or it has no draft (`not_found`, "draft not found").');

/** Paths of the knowledge routes. */
export const knowledgePaths = {
  '/knowledge-bases': {
    get: {
      summary: 'Knowledge bases of the workspace with their published version and draft (entry counts)',
      responses: { '200': ok('Knowledge bases', object({ knowledgeBases: array(ref('KnowledgeBase')) })), ...authErrors },
    },
    post: {
      summary: 'Create an empty knowledge base (admin, operator)',
      requestBody: body(object({ name: { type: 'string', minLength: 1, maxLength: 100 } }, ['name'])),
      responses: {
        '201': ok('Created', knowledgeBaseResponse),
        '400': error('Invalid body.'),
        '409': error('The workspace has a base of that name (`name_taken`).'),
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}': {
    get: { summary: 'One knowledge base', parameters: [idParameter], responses: { '200': ok('The base', knowledgeBaseResponse), ...baseMissing, ...authErrors } },
  },
  '/knowledge-bases/{id}/versions': {
    get: {
      summary: 'Every version, newest first, with entry counts',
      parameters: [idParameter],
      responses: { '200': ok('Versions', object({ versions: array(ref('KnowledgeVersion')) })), ...baseMissing, ...authErrors },
    },
  },
  '/knowledge-bases/{id}/entries': {
    get: {
      summary: 'A page of the entries of the published version, the draft or version N, by key',
      parameters: [
        idParameter,
        { name: 'version', in: 'query', schema: { oneOf: [{ type: 'string', enum: ['published', 'draft'] }, { type: 'integer', minimum: 1 }], default: 'published' } },
        { name: 'q', in: 'query', description: 'Substring of key, question, variants, answer or category (case-insensitive).', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
        { name: 'cursor', in: 'query', description: 'The `nextCursor` of the previous page.', schema: { type: 'string' } },
      ],
      responses: {
        '200': ok(
          'A page',
          object({
            version: object({ id: uuid, number: { type: 'integer' }, status: { type: 'string' } }),
            entries: array(ref('KnowledgeEntry')),
            nextCursor: nullable('string'),
          }),
        ),
        '400': error('Invalid query parameter.'),
        '404': error('No such knowledge base, version or draft.'),
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/draft': {
    post: {
      summary: 'Open the draft: a copy of the published version (or empty); returns the open one if any (admin, operator)',
      parameters: [idParameter],
      responses: {
        '200': ok('Already open', object({ draft: versionHeadline, created: { type: 'boolean' } })),
        '201': ok('Opened', object({ draft: versionHeadline, created: { type: 'boolean' } })),
        ...baseMissing,
        ...authErrors,
      },
    },
    delete: {
      summary: 'Discard the draft and its edits (admin, operator)',
      parameters: [idParameter],
      responses: { '204': { description: 'Discarded' }, '404': noDraft, ...authErrors },
    },
  },
  '/knowledge-bases/{id}/draft/entries': {
    post: {
      summary: 'Add an entry to the draft (admin, operator)',
      parameters: [idParameter],
      requestBody: body(object({ id: { type: 'string', minLength: 1, maxLength: 200 }, ...entryFields }, ['id', 'answer'])),
      responses: {
        '201': ok('Added', entryResponse),
        '400': error('Invalid body.'),
        '404': noDraft,
        '409': error('The draft has an entry with this key (`entry_exists`).'),
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/draft/entries/{key}': {
    patch: {
      summary: 'Change a draft entry (admin, operator); customers see it after publish',
      parameters: [idParameter, keyParameter],
      requestBody: body(object(entryFields)),
      responses: { '200': ok('Changed', entryResponse), '400': error('Invalid body.'), '404': error('No such base, draft or entry.'), ...authErrors },
    },
    delete: {
      summary: 'Delete a draft entry (admin, operator)',
      parameters: [idParameter, keyParameter],
      responses: { '204': { description: 'Deleted' }, '404': error('No such base, draft or entry.'), ...authErrors },
    },
  },
  '/knowledge-bases/{id}/draft/publish': {
    post: {
      summary: 'Publish the draft (the previous version is archived), refresh retrieval and run the golden set (admin, operator)',
      parameters: [idParameter],
      responses: { '200': ok('Published; `goldenRun` is null without a golden set', publishResult), '404': noDraft, ...authErrors },
    },
  },
  '/knowledge-bases/{id}/draft/golden-run': {
    post: {
      summary:
        'Run the golden set on the draft before publishing: its hit@1 and misses, and the questions it would break (regressions) or fix against the published version; not stored (admin, operator)',
      parameters: [idParameter],
      responses: {
        '200': ok('The draft run', ref('DraftGoldenRun')),
        '409': error('No open draft (`no_draft`) or no golden set (`empty_golden_set`).'),
        ...baseMissing,
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/rollback': {
    post: {
      summary: 'Publish a copy of version N as the newest version (history is kept) and run the golden set (admin, operator)',
      parameters: [idParameter],
      requestBody: body(object({ version: { type: 'integer', minimum: 1 } }, ['version'])),
      responses: {
        '200': ok('Published', publishResult),
        '400': error('Invalid body.'),
        '404': error('No such knowledge base or version.'),
        '409': error('Version N is the published one (`already_published`) or the draft (`not_published_yet`).'),
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/import': {
    post: {
      summary: 'Import a file into the draft, touching only changed entries; `publish=true` publishes it in the same transaction (admin, operator)',
      parameters: [
        idParameter,
        { name: 'fileName', in: 'query', description: 'File name (or header X-File-Name, percent-encoded); its extension selects the format.', schema: { type: 'string' } },
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['tsv', 'csv', 'json', 'xlsx', 'markdown', 'html', 'text', 'pdf', 'docx'] } },
        { name: 'publish', in: 'query', schema: { type: 'string', enum: ['true', 'false'], default: 'false' } },
      ],
      requestBody: { required: true, description: 'The file bytes (up to 20 MB).', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '200': ok(
          'Imported',
          object({
            fileName: { type: 'string' },
            format: { type: 'string' },
            entries: { type: 'integer' },
            diff: ref('ImportDiff'),
            problems: array(object({ line: { type: 'integer' }, reason: { type: 'string' } }, ['reason'])),
            draft: object({ id: uuid, number: { type: 'integer' }, created: { type: 'boolean' } }),
            version: { oneOf: [publishedVersion, { type: 'null' }] },
            goldenRun: { oneOf: [ref('GoldenRun'), { type: 'null' }] },
          }),
        ),
        '400': error('Unreadable file (`bad_knowledge_file`), no usable entry (`empty_import`, names lines and reasons) or a repeated id; nothing written.'),
        '413': error('File larger than 20 MB.'),
        ...baseMissing,
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/golden-set': {
    get: {
      summary: 'The golden set: queries and the entry keys expected to answer them',
      parameters: [idParameter],
      responses: { '200': ok('Rows', object({ rows: array(object({ query: { type: 'string' }, expectedKeys: array({ type: 'string' }) })) })), ...baseMissing, ...authErrors },
    },
    put: {
      summary: 'Replace the golden set: JSON rows, or TSV with the columns query and gold_ids (admin, operator)',
      parameters: [idParameter],
      requestBody: {
        required: true,
        content: {
          ...json(object({ rows: array(object({ query: { type: 'string' }, expectedKeys: array({ type: 'string' }) }, ['query', 'expectedKeys'])) }, ['rows'])),
          'text/tab-separated-values': { schema: { type: 'string' } },
        },
      },
      responses: {
        '200': ok(
          'Replaced; `problems` are skipped TSV lines, `unknownKeys` keys no published entry has',
          object({ rows: { type: 'integer' }, problems: array(object({ line: { type: 'integer' }, reason: { type: 'string' } })), unknownKeys: array({ type: 'string' }) }),
        ),
        '400': error('Invalid rows, or a TSV without the query and gold_ids columns (`bad_golden_set`).'),
        ...baseMissing,
        ...authErrors,
      },
    },
  },
  '/knowledge-bases/{id}/golden-runs': {
    get: {
      summary: 'Golden-set runs, newest first',
      parameters: [idParameter, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }],
      responses: { '200': ok('Runs', object({ runs: array(ref('GoldenRun')) })), ...baseMissing, ...authErrors },
    },
    post: {
      summary: 'Run the golden set against the published version now (admin, operator)',
      parameters: [idParameter],
      responses: {
        '201': ok('The run', object({ run: ref('GoldenRun') }, ['run'])),
        '409': error('Nothing published (`nothing_published`) or no golden set (`empty_golden_set`).'),
        ...baseMissing,
        ...authErrors,
      },
    },
  },
};
