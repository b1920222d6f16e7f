/**
 * Forward maximum matching of a fixed word list, used to keep a workspace's own words whole
 * before jieba sees the text. jieba's dictionary is process-wide; this keeps custom words per
 * workspace without a jieba instance (and its ~50 MB dictionary) per workspace.
 */

/** A piece of text: a protected word, or a gap between protected words. */
export interface TextPiece {
  text: string;
  protected: boolean;
}

export interface WordMatcher {
  /** Split text into protected words (longest match, left to right) and the gaps between them. */
  split(text: string): TextPiece[];
}

/** Build a matcher for the given words; an empty list gives a matcher that never splits. */
export function createWordMatcher(words: Iterable<string>): WordMatcher {
  const byFirstCharacter = new Map<string, Set<string>>();
  let longest = 0;
  for (const word of words) {
    if (!word) continue;
    const first = word[0] as string;
    let set = byFirstCharacter.get(first);
    if (!set) byFirstCharacter.set(first, (set = new Set()));
    set.add(word);
    longest = Math.max(longest, word.length);
  }
  return {
    split(text) {
      if (byFirstCharacter.size === 0) return text ? [{ text, protected: false }] : [];
      const pieces: TextPiece[] = [];
      let gapStart = 0;
      let index = 0;
      while (index < text.length) {
        const candidates = byFirstCharacter.get(text[index] as string);
        let matched = 0;
        if (candidates) {
          for (let length = Math.min(longest, text.length - index); length > 0; length--) {
            if (candidates.has(text.slice(index, index + length))) {
              matched = length;
              break;
            }
          }
        }
        if (matched === 0) {
          index++;
          continue;
        }
        if (gapStart < index) pieces.push({ text: text.slice(gapStart, index), protected: false });
        pieces.push({ text: text.slice(index, index + matched), protected: true });
        index += matched;
        gapStart = index;
      }
      if (gapStart < text.length) pieces.push({ text: text.slice(gapStart), protected: false });
      return pieces;
    },
  };
}
