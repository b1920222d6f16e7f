/**
 * The datasets' reference floor, recomputed in the same run: a plain BM25 over character unigrams
 * and bigrams of the raw text (one bag of terms per document, whitespace removed), k1 1.5 and
 * b 0.75 as in rank_bm25's BM25Okapi, Lucene's non-negative idf. No segmentation, no
 * normalisation, no families: the "char BM25" of the dataset READMEs.
 */
import type { KnowledgeEntry } from '../../knowledge/types.ts';

const K1 = 1.5;
const B = 0.75;

function charTerms(text: string): string[] {
  const characters = [...text.replace(/\s+/g, '')];
  const terms = [...characters];
  for (let index = 0; index + 1 < characters.length; index++) terms.push(characters[index]! + characters[index + 1]!);
  return terms;
}

/** Rank entries (by question, or by answer when the question is empty) for each query. */
export function charBm25Rankings(entries: readonly KnowledgeEntry[], queries: readonly string[], limit = 10): string[][] {
  const postings = new Map<string, Array<[number, number]>>();
  const lengths: number[] = [];
  entries.forEach((entry, document) => {
    const terms = charTerms(entry.question || entry.answer);
    lengths.push(terms.length);
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let posting = postings.get(term);
      if (!posting) postings.set(term, (posting = []));
      posting.push([document, count]);
    }
  });
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / (lengths.length || 1);
  return queries.map((query) => {
    const scores = new Float64Array(entries.length);
    for (const term of new Set(charTerms(query))) {
      const posting = postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (entries.length - posting.length + 0.5) / (posting.length + 0.5));
      for (const [document, tf] of posting) {
        scores[document]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[document]!) / averageLength));
      }
    }
    return [...scores.keys()]
      .filter((document) => scores[document]! > 0)
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, limit)
      .map((document) => entries[document]!.id);
  });
}
