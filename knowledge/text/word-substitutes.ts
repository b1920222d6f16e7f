/**
 * Which words stand in for one another in a knowledge base's questions — learned from the
 * questions themselves, no labels: two words are substitutes when they occur between the same
 * neighbours (怎么 [开通] 花呗 / 怎么 [激活] 花呗; 花呗 [逾期] 了 / 花呗 [延期] 了). Each word with at
 * least `minCount` occurrences gets a vector of its contexts — the word before it and the word after
 * it — weighted by positive pointwise mutual information with the context distribution smoothed
 * (counts^0.75, Levy, Goldberg & Dagan 2015); the similarity of two words is the cosine of their
 * vectors (0 when either is rarer).
 *
 * The pair score (`pair-score.ts`) uses it for words left over on each side of a pair: a left-over
 * word with a substitute on the other side is a rewording, not a different question — ATEC pair
 * ROC-AUC 0.754 → 0.768 on held-out halves. Not in the index's re-ranking: there the candidates
 * compete on exactly the words that share contexts (开通 / 关闭 / 开启), and crediting them cost
 * ATEC hit@1 (`knowledge/README.md`, "What was tried").
 */

/** Word similarity by shared contexts, 0..1. */
export interface WordSubstitutes {
  /** Cosine of the two words' context vectors; 0 for a word seen fewer than `minCount` times. */
  similarity(left: string, right: string): number;
}

export interface WordSubstituteOptions {
  /** Occurrences a word needs to get a vector; default 2. */
  minCount?: number;
  /** Texts the corpus needs before anything is learned from it; default 1,000. */
  minTexts?: number;
}

const start = '\u0002';
const end = '\u0003';
/** Context distribution smoothing exponent. */
const smoothing = 0.75;

interface Vector {
  weights: Map<string, number>;
  norm: number;
}

/**
 * Substitutes learned from a corpus of analyzed texts (their `words`, in order) — none (every
 * similarity 0) from fewer than `minTexts` texts: in a small corpus most words are seen in one or
 * two places, and any two words after the same 怎么 at the end of a question look interchangeable
 * (还款 / 提升).
 */
export function learnWordSubstitutes(texts: readonly (readonly string[])[], options: WordSubstituteOptions = {}): WordSubstitutes {
  if (texts.length < (options.minTexts ?? 1_000)) return { similarity: (left, right) => (left === right ? 1 : 0) };
  const vectors = contextVectors(texts, options.minCount ?? 2);
  const cache = new Map<string, number>();
  return {
    similarity(left, right) {
      if (left === right) return 1;
      const a = vectors.get(left);
      const b = vectors.get(right);
      if (!a || !b) return 0;
      const key = left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`;
      let value = cache.get(key);
      if (value === undefined) {
        const [small, large] = a.weights.size <= b.weights.size ? [a, b] : [b, a];
        let dot = 0;
        for (const [context, weight] of small.weights) dot += weight * (large.weights.get(context) ?? 0);
        value = dot / (a.norm * b.norm);
        if (cache.size > 100_000) cache.clear();
        cache.set(key, value);
      }
      return value;
    },
  };
}

/** Each word's PPMI vector over its contexts: `<` + the previous word, `>` + the next one. */
function contextVectors(texts: readonly (readonly string[])[], minCount: number): Map<string, Vector> {
  const contexts = new Map<string, Map<string, number>>();
  const occurrences = new Map<string, number>();
  const contextTotals = new Map<string, number>();
  for (const words of texts) {
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as string;
      increment(occurrences, word);
      let own = contexts.get(word);
      if (!own) contexts.set(word, (own = new Map()));
      for (const context of [`<${words[index - 1] ?? start}`, `>${words[index + 1] ?? end}`]) {
        increment(own, context);
        increment(contextTotals, context);
      }
    }
  }
  let smoothedTotal = 0;
  let total = 0;
  for (const value of contextTotals.values()) {
    smoothedTotal += value ** smoothing;
    total += value;
  }
  const vectors = new Map<string, Vector>();
  for (const [word, own] of contexts) {
    if ((occurrences.get(word) ?? 0) < minCount) continue;
    let wordTotal = 0;
    for (const value of own.values()) wordTotal += value;
    const weights = new Map<string, number>();
    let squares = 0;
    for (const [context, value] of own) {
      // PMI(w, c) = log(P(w, c) / (P(w) · P_α(c))), P_α(c) = #c^α / Σ #c'^α.
      const pmi = Math.log((value / total) / ((wordTotal / total) * ((contextTotals.get(context) as number) ** smoothing / smoothedTotal)));
      if (pmi <= 0) continue;
      weights.set(context, pmi);
      squares += pmi * pmi;
    }
    if (squares > 0) vectors.set(word, { weights, norm: Math.sqrt(squares) });
  }
  return vectors;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
