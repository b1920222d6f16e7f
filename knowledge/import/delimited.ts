/**
 * Reads delimited text (TSV, CSV) into records with the line each starts on, so callers can name
 * the line of a bad row. TSV follows the IANA definition: no quoting, fields hold no tab or
 * newline. CSV follows RFC 4180: fields may be quoted, quotes doubled, newlines inside quotes.
 */

/** One record: its cells and the 1-based line it starts on. */
export interface DelimitedRecord {
  line: number;
  cells: string[];
}

export type DelimitedFormat = 'tsv' | 'csv';

/** Split text into records; blank lines are skipped, a UTF-8 BOM is dropped. */
export function parseDelimited(text: string, format: DelimitedFormat): DelimitedRecord[] {
  const source = text.replace(/^\ufeff/, '');
  return format === 'tsv' ? parseTsv(source) : parseCsv(source);
}

function parseTsv(text: string): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    if (line.trim() !== '') records.push({ line: index + 1, cells: line.split('\t') });
  });
  return records;
}

function parseCsv(text: string): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]?.trim()) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else {
        if (character === '\n') line++;
        cell += character;
      }
    } else if (character === '"' && cell === '') quoted = true;
    else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += character;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}
