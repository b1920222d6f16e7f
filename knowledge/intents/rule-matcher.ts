/**
 * Sure-fire rules: keywords and regular expressions that decide an intent without a model
 * ("转人工" always means the customer wants a human). Rules run first, so they should be precise;
 * everything fuzzy belongs in the examples.
 */
import { ConfigError } from '../../bot/errors.ts';
import { normalizeUtterance } from './features.ts';
import type { IntentDefinition, IntentPrediction } from './types.ts';

/** Matches an utterance against the rules of a set of intents. */
export interface RuleMatcher {
  /** The rule prediction (confidence 1), or `undefined` when no rule matches. */
  match(text: string): IntentPrediction | undefined;
}

interface CompiledRule {
  intent: string;
  keywords: string[];
  patterns: RegExp[];
}

/**
 * Compiles the `keywords` and `patterns` of each intent. Keywords and text are compared after the
 * same normalisation as the classifier's (NFKC, lower case, Traditional → Simplified; digits kept), so "轉人工"
 * and "转人工" both match. Patterns are tested against the normalised text too, with flags `iu`.
 * When rules of several intents match, the first intent in `intents` order wins.
 * Throws {@link ConfigError} naming the intent when a pattern is not a valid regular expression.
 */
export function createRuleMatcher(intents: readonly IntentDefinition[]): RuleMatcher {
  const rules: CompiledRule[] = intents
    .filter((intent) => (intent.keywords?.length ?? 0) + (intent.patterns?.length ?? 0) > 0)
    .map((intent) => ({
      intent: intent.name,
      keywords: (intent.keywords ?? []).map((keyword) => normalizeUtterance(keyword, true)).filter(Boolean),
      patterns: (intent.patterns ?? []).map((source) => {
        try {
          return new RegExp(source, 'iu');
        } catch (error) {
          throw new ConfigError(`intent "${intent.name}": invalid pattern /${source}/`, { cause: error });
        }
      }),
    }));
  return {
    match(text: string): IntentPrediction | undefined {
      if (rules.length === 0) return undefined;
      const normalized = normalizeUtterance(text, true);
      for (const rule of rules) {
        const hit =
          rule.keywords.some((keyword) => normalized.includes(keyword)) ||
          rule.patterns.some((pattern) => pattern.test(normalized));
        if (hit) return { intent: rule.intent, confidence: 1, source: 'rule' };
      }
      return undefined;
    },
  };
}
