/**
 * The same retrieval model as `knowledge/index/bm25-index.ts` — one unit per question variant and
 * one per answer, the same analyzer and term families, entry score = best variant + 0.3 · answer —
 * on MiniSearch instead of our own postings, so the benchmark compares the engines, not the models.
 * MiniSearch scores with BM25+ (d = 0.5 by default) and multiplies each document's score by the
 * number of query terms it matched.
 */
import MiniSearch from 'minisearch';
import { bodyOf, questionsOf, type KnowledgeIndex } from '../../knowledge/index/knowledge-index.ts';
import { insertTop } from '../../knowledge/index/bm25-scoring.ts';
import { interrogativeWords } from '../../knowledge/text/stopwords.ts';
import { createTextAnalyzer, type TextAnalyzer } from '../../knowledge/text/tokenizer.ts';
import type { KnowledgeEntry, RetrievalHit } from '../../knowledge/types.ts';

interface UnitDocument {
  id: number;
  entryId: string;
  question: boolean;
  fields: Record<string, string[]>;
}

const SEPARATOR = '\u0001';
const interrogatives = new Set(interrogativeWords);

export interface MiniSearchIndexOptions {
  analyzer?: TextAnalyzer;
  /** MiniSearch's BM25+ parameters; default k 1.2, b 0.75, d 0.5. */
  bm25?: { k: number; b: number; d: number };
}

/** A `KnowledgeIndex` on MiniSearch, for the engine comparison in the benchmark. */
export function createMiniSearchIndex(options: MiniSearchIndexOptions = {}): KnowledgeIndex {
  const analyzer = options.analyzer ?? createTextAnalyzer();
  const boost = { qw: 1, qg: 0.5, qc: 0.3, aw: 1, ag: 0.5, al: 0.7 };
  const search = new MiniSearch<UnitDocument>({
    fields: Object.keys(boost),
    storeFields: ['entryId', 'question'],
    extractField: (document, field) => {
      if (field === 'id' || field === 'entryId' || field === 'question') return document[field] as never;
      return (document.fields[field] ?? []).join(SEPARATOR);
    },
    tokenize: (text) => (text ? text.split(SEPARATOR) : []),
    processTerm: (term) => term,
    searchOptions: { boost, combineWith: 'OR', bm25: options.bm25 ?? { k: 1.2, b: 0.75, d: 0.5 } },
  });
  const entries = new Map<string, { entry: KnowledgeEntry; units: number[] }>();
  let nextUnit = 0;

  const unitsOf = (entry: KnowledgeEntry): UnitDocument[] => {
    const units: UnitDocument[] = questionsOf(entry).map((question) => {
      const analyzed = analyzer.analyze(question);
      return {
        id: nextUnit++,
        entryId: entry.id,
        question: true,
        fields: { qw: prefixed('w', analyzed.words), qg: prefixed('g', analyzed.grams), qc: prefixed('c', analyzed.characters) },
      };
    });
    const body = bodyOf(entry);
    if (body.trim()) {
      const analyzed = analyzer.analyze(body);
      units.push({
        id: nextUnit++,
        entryId: entry.id,
        question: false,
        fields: {
          aw: prefixed('w', analyzed.words.filter((word) => !interrogatives.has(word))),
          ag: prefixed('g', analyzed.grams),
          al: prefixed('g', analyzer.analyze(body.slice(0, 40)).grams),
        },
      });
    }
    return units;
  };

  const index: KnowledgeIndex = {
    get size() {
      return entries.size;
    },
    get: (id) => entries.get(id)?.entry,
    add(entry) {
      index.remove(entry.id);
      const units = unitsOf(entry);
      search.addAll(units);
      entries.set(entry.id, { entry, units: units.map((unit) => unit.id) });
    },
    remove(id) {
      const stored = entries.get(id);
      if (!stored) return false;
      for (const unit of stored.units) search.discard(unit);
      entries.delete(id);
      return true;
    },
    search(query, limit = 5) {
      const analyzed = analyzer.analyze(query);
      const terms = [
        ...new Set([...prefixed('w', analyzed.words), ...prefixed('g', analyzed.grams), ...prefixed('c', analyzed.characters)]),
      ];
      if (terms.length === 0) return [];
      const scores = new Map<string, { question: number; answer: number }>();
      for (const result of search.search(terms.join(SEPARATOR))) {
        const entryId = result.entryId as string;
        const score = scores.get(entryId) ?? { question: 0, answer: 0 };
        if (result.question) score.question = Math.max(score.question, result.score);
        else score.answer = result.score;
        scores.set(entryId, score);
      }
      const hits: RetrievalHit[] = [];
      for (const [entryId, score] of scores) {
        const entry = entries.get(entryId)?.entry as KnowledgeEntry;
        const hasQuestions = questionsOf(entry).length > 0;
        insertTop(hits, { entry, score: hasQuestions ? score.question + 0.3 * score.answer : score.answer }, limit);
      }
      return hits;
    },
  };
  return index;
}

function prefixed(family: string, terms: readonly string[]): string[] {
  return terms.map((term) => `${family}:${term}`);
}
