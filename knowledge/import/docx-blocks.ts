/**
 * DOCX into document blocks: mammoth converts the document to HTML (Word's heading styles become
 * `h1`–`h6`, numbered and bulleted paragraphs lists, tables tables), which then takes the HTML
 * path. Word has no line numbers, so blocks carry no lines; chunks keep their heading path.
 */
import mammoth from 'mammoth';
import type { DocumentBlock } from './document-block.ts';
import { htmlBlocks } from './html-blocks.ts';
import { KnowledgeFileError } from './knowledge-file-error.ts';

/** Read a DOCX file. */
export async function docxBlocks(content: Uint8Array): Promise<DocumentBlock[]> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(content.buffer, content.byteOffset, content.byteLength) },
      // Images would arrive as data: URLs, which chunks do not use.
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
  } catch (cause) {
    throw new KnowledgeFileError('not a readable Word document (.docx); was it saved as .doc or damaged?', { cause });
  }
  return htmlBlocks(html, { lines: false });
}
