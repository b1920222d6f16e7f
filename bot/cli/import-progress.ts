/**
 * Progress of `kefu import` on stderr: a cli-progress bar when stderr is a terminal, plain lines
 * otherwise (CI logs, pipes). Problems are not printed here — the command prints them once the bar
 * is gone, so they are not torn by redraws.
 */
import cliProgress from 'cli-progress';
import type { ImportEvents } from '../../knowledge/import/import-knowledge-files.ts';

/** The stream the progress is written to: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Import events that draw progress, and `stop()` to call when the import ends either way. */
export interface ImportProgress extends ImportEvents {
  /** The import finished (or failed): clear the bar. */
  stop(): void;
}

/** Progress for parsing `total` files and then publishing. */
export function createImportProgress(stream: ProgressStream, total: number): ImportProgress {
  if (!stream.isTTY) {
    return {
      fileDone: (file, index, count, outcome) => {
        const what = outcome.parsed ? describeParsed(outcome.parsed.entries) : 'could not be used';
        stream.write(`[${index + 1}/${count}] ${file.sourceName}: ${what}\n`);
      },
      publishing: (entries) => stream.write(`publishing ${entries} entries…\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: '{stage} |{bar}| {value}/{total} {detail}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { stage: 'parsing   ', detail: '' });
  return {
    fileDone: (file, index) => bar.update(index + 1, { detail: file.sourceName }),
    publishing: (entries) => {
      // Publishing is one transaction: the bar shows that it is under way, then done.
      bar.setTotal(entries);
      bar.update(0, { stage: 'publishing', detail: 'entries (one transaction)' });
    },
    stop: () => {
      bar.update(bar.getTotal());
      bar.stop();
    },
  };
}

function describeParsed(entries: ReadonlyArray<{ kind: string }>): string {
  const chunks = entries.filter((entry) => entry.kind === 'chunk').length;
  const faqs = entries.length - chunks;
  if (entries.length === 0) return 'no usable entries';
  const parts = [faqs > 0 ? `${faqs} FAQ ${faqs === 1 ? 'entry' : 'entries'}` : '', chunks > 0 ? `${chunks} chunk${chunks === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(', ');
}
