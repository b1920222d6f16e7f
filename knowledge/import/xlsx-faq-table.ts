/**
 * FAQ tables in Excel workbooks (`.xlsx`, read with exceljs): the first worksheet, or the one
 * named by `sheet`; the first non-empty row is the header, with the same column names as TSV/CSV
 * tables. A problem's `line` is the spreadsheet row number an operator sees in Excel or WPS.
 * Sheets often carry a title row ("茶语时光常见问题") above the header, so the header is the first of
 * the first rows that names an answer column; rows above it are ignored.
 */

/** How far down a sheet the header row is looked for. */
const HEADER_SEARCH_ROWS = 10;
import ExcelJS from 'exceljs';
import { columnOf, entriesFromRows, rowsFromRecords, type FaqCellRecord, type FaqTableEntry, type FaqTableProblem } from './faq-rows.ts';
import { KnowledgeFileError } from './knowledge-file-error.ts';

export interface ParseXlsxFaqTableOptions {
  /** Worksheet name; default the first worksheet. */
  sheet?: string;
  /** File name, stored on every entry. */
  sourceName?: string;
}

/**
 * Parse an XLSX FAQ table. Throws `KnowledgeFileError` when the workbook cannot be opened or the
 * sheet is missing, and `FaqTableError` when its header has no answer column.
 */
export async function parseXlsxFaqTable(
  content: Uint8Array,
  options: ParseXlsxFaqTableOptions = {},
): Promise<{ entries: FaqTableEntry[]; problems: FaqTableProblem[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs wants a Node Buffer; a view over the same bytes avoids a copy.
    await workbook.xlsx.load(Buffer.from(content.buffer, content.byteOffset, content.byteLength) as unknown as ArrayBuffer);
  } catch (cause) {
    throw new KnowledgeFileError('not a readable Excel workbook (.xlsx); was it saved as .xls or damaged?', { cause });
  }
  const worksheet = options.sheet === undefined ? workbook.worksheets[0] : workbook.getWorksheet(options.sheet);
  if (!worksheet) {
    const names = workbook.worksheets.map((sheet) => sheet.name).join(', ');
    throw new KnowledgeFileError(
      options.sheet === undefined ? 'the workbook has no worksheet' : `no worksheet named "${options.sheet}" (the workbook has: ${names})`,
    );
  }
  const records: FaqCellRecord[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    // `row.cellCount` is the last used column; cell.text renders rich text, formulas' results,
    // hyperlinks and dates the way the spreadsheet shows them.
    for (let column = 1; column <= row.cellCount; column++) cells.push(row.getCell(column).text ?? '');
    if (cells.some((cell) => cell.trim() !== '')) records.push({ line: rowNumber, cells });
  });
  const header = records.slice(0, HEADER_SEARCH_ROWS).findIndex((record) => record.cells.some((cell) => columnOf(cell) === 'answer'));
  return entriesFromRows(rowsFromRecords(records.slice(Math.max(0, header)), 'a value outside the header\'s columns?'), options.sourceName);
}
