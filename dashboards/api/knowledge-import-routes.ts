/**
 * `POST /knowledge-bases/:id/import`: the request body is the file itself (any content type, no
 * multipart), its name in the `fileName` query parameter or the `X-File-Name` header
 * (percent-encoded when not ASCII). The file's entries replace the draft's content, touching only
 * what changed; with `publish=true` the draft is published in the same transaction. Rows that
 * cannot be used are reported with their line and skipped; a file without one usable entry, or
 * unreadable, answers 400 and writes nothing. The response's `diff` is what `kefu import` prints:
 * the counts against what the import replaced and the first changed and removed entries.
 */
import type { Router } from '@koa/router';
import { z } from 'zod';
import { KefuError } from '../../bot/errors.ts';
import { parseKnowledgeFile, type ParsedKnowledgeFile } from '../../knowledge/import/knowledge-file.ts';
import { summarizeImportDiff } from '../../knowledge/import-diff-summary.ts';
import { importEntries } from '../../knowledge/knowledge-import.ts';
import { currentOperator, type DashboardState } from './auth.ts';
import { DashboardError, notFound } from './http-errors.ts';
import {
  afterPublish,
  requireKnowledgeBase,
  requireKnowledgeEditor,
  versionView,
  type KnowledgeRouteDependencies,
} from './knowledge-route-support.ts';
import { readRawBody, validate } from './request-body.ts';

/** Largest accepted knowledge file: 20 MB. */
export const importLimitBytes = 20 * 1024 * 1024;

const formats = ['tsv', 'csv', 'json', 'xlsx', 'markdown', 'html', 'text', 'pdf', 'docx'] as const satisfies ReadonlyArray<
  ParsedKnowledgeFile['format']
>;

const importQuerySchema = z.object({
  fileName: z.string().trim().min(1).max(255).optional(),
  format: z.enum(formats).optional(),
  publish: z.enum(['true', 'false']).default('false'),
});

/** Problems shown in the message of a 400 for a file without any usable entry. */
const problemsInMessage = 5;

function fileNameOf(queryName: string | undefined, header: string): string {
  if (queryName) return queryName;
  try {
    const name = decodeURIComponent(header).trim();
    if (name) return name.slice(0, 255);
  } catch {
    // Not percent-encoded after all: fall through to the missing-name error.
  }
  throw new DashboardError(400, 'validation_failed', 'fileName: the file name is required (query fileName or header X-File-Name)', {
    field: 'fileName',
  });
}

function describeProblems(problems: ParsedKnowledgeFile['problems']): string {
  const shown = problems
    .slice(0, problemsInMessage)
    .map((problem) => (problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`));
  const more = problems.length > problemsInMessage ? `; and ${problems.length - problemsInMessage} more` : '';
  return shown.length > 0 ? ` (${shown.join('; ')}${more})` : '';
}

/** Register `POST /knowledge-bases/:id/import` on `router`. */
export function registerKnowledgeImportRoutes(router: Router<DashboardState>, deps: KnowledgeRouteDependencies): void {
  const { db, authenticate } = deps;

  router.post('/knowledge-bases/:id/import', authenticate, requireKnowledgeEditor(), async function importFile(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const query = validate(importQuerySchema, ctx.query, 'query');
    const fileName = fileNameOf(query.fileName, ctx.get('x-file-name'));
    const content = await readRawBody(ctx, { limitBytes: importLimitBytes });
    let parsed: ParsedKnowledgeFile;
    try {
      parsed = await parseKnowledgeFile({ fileName, content, ...(query.format ? { format: query.format } : {}) });
    } catch (error) {
      if (error instanceof KefuError && error.code === 'bad_knowledge_file') {
        throw new DashboardError(400, 'bad_knowledge_file', `${fileName}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (parsed.entries.length === 0) {
      throw new DashboardError(400, 'empty_import', `${fileName}: no usable entry${describeProblems(parsed.problems)}`);
    }
    const publish = query.publish === 'true';
    let result;
    try {
      result = await importEntries(db, key, parsed.entries, { operatorId: currentOperator(ctx).id, publish });
    } catch (error) {
      if (error instanceof KefuError && error.code === 'duplicate_entry_key') {
        throw new DashboardError(400, 'duplicate_entry_key', `${fileName}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (!result) throw notFound('knowledge base');
    const goldenRun = result.published ? await afterPublish(ctx, deps, key, result.published, 'import') : null;
    ctx.body = {
      fileName,
      format: parsed.format,
      entries: parsed.entries.length,
      diff: summarizeImportDiff(result),
      problems: parsed.problems,
      draft: { id: result.draft.id, number: result.draft.number, created: result.draft.created },
      version: result.published ? versionView(result.published) : null,
      goldenRun,
    };
  });
}
