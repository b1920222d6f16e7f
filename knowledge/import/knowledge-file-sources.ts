/**
 * Which files an import reads: the paths given, with directories expanded (recursively) to the
 * files of supported types inside them, hidden files and folders skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { KefuError } from '../../bot/errors.ts';
import { knowledgeFileFormatOf } from './knowledge-file.ts';

/** A file to import: where it is and the name it is known by (on entries, in ids and reports). */
export interface KnowledgeFileSource {
  path: string;
  /** The file name, or for a file found in a directory its path relative to that directory. */
  sourceName: string;
}

/**
 * Expand paths into files, in the order given (a directory's files sorted by path). A file named
 * explicitly is kept whatever its extension, so that an unsupported one is reported, not ignored.
 */
export async function collectKnowledgeFiles(paths: readonly string[]): Promise<KnowledgeFileSource[]> {
  const files: KnowledgeFileSource[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch((cause: unknown) => {
      throw new KefuError('file_unreadable', `cannot read ${path}: ${(cause as Error).message}`, { cause });
    });
    if (!info.isDirectory()) {
      files.push({ path: absolute, sourceName: basename(absolute) });
      continue;
    }
    const found = (await walk(absolute)).sort();
    if (found.length === 0) throw new KefuError('file_unreadable', `${path}: no supported files in this directory`);
    for (const file of found) files.push({ path: file, sourceName: relative(absolute, file).split('\\').join('/') });
  }
  return files;
}

async function walk(directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && knowledgeFileFormatOf(entry.name)) files.push(path);
  }
  return files;
}
