/**
 * The retrieval seam between the pipeline (`handlers/knowledge-answer.ts`) and the knowledge
 * module. The pipeline only knows `KnowledgeRetriever`; how entries are indexed (BM25, dense,
 * fused) is the knowledge module's business.
 */
import type { TextAnalyzer } from './text/tokenizer.ts';

/** A retrievable entry: an FAQ (question + variants + answer) or a document passage. */
export interface KnowledgeEntry {
  /** Stable id (FAQ id or chunk id); cited to the customer. */
  id: string;
  kind: 'faq' | 'chunk';
  /** The FAQ question, or the passage's heading path; may be empty. */
  question: string;
  /** Other phrasings of the same question. */
  variants: string[];
  /** The FAQ answer, or the passage text. */
  answer: string;
  category?: string;
  /** Human-readable source (file name, FAQ table name). */
  sourceName?: string;
  /** Where in the source the entry stands (a document chunk's heading path, lines or pages). */
  position?: SourcePosition;
}

/** A place in a source file, as far as its format tells (every field optional). */
export interface SourcePosition {
  headingPath?: string[];
  /** Source line of an FAQ row. */
  line?: number;
  lineStart?: number;
  lineEnd?: number;
  page?: number;
  pageEnd?: number;
}

/** One retrieved entry with its relevance score (higher is better; scale is the retriever's). */
export interface RetrievalHit {
  entry: KnowledgeEntry;
  /**
   * The lexical (BM25) score; 0 for an entry that only dense retrieval found. The BM25 index
   * re-ranks its best question matches and dense retrieval fuses rankings, so hits are in that
   * order and scores need not decrease.
   */
  score: number;
  /**
   * Cosine similarity (-1..1) of the query's and the entry's vectors, when dense retrieval ran for
   * this query and the entry has a vector; absent otherwise.
   */
  similarity?: number;
}

export interface RetrieveOptions {
  /** How many hits to return; default 5. */
  limit?: number;
}

/** Finds the entries that best answer a query, within one workspace's published knowledge. */
export interface KnowledgeRetriever {
  retrieve(workspaceId: string, query: string, options?: RetrieveOptions): Promise<RetrievalHit[]>;
  /**
   * The analyzer the workspace's entries are indexed with (built-in words plus the workspace
   * lexicon), so that what decides on the hits reads the message as retrieval did. Absent: the
   * built-in analyzer.
   */
  analyzer?(workspaceId: string): Promise<TextAnalyzer>;
}
