/**
 * Metrics of pair scoring ("same question?"): ROC-AUC and the best F1 on the positive label over
 * all thresholds, as the ATEC protocol asks (shared/datasets/atec-antfin-zh/README.md).
 */

/** ROC-AUC of scores against 0/1 labels (Mann–Whitney, ties get the average rank). */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, index) => index).sort((a, b) => scores[a]! - scores[b]!);
  let positiveRankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!] === 1) {
        positiveRankSum += averageRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The best F1 of label 1 over thresholds "score ≥ t", and that threshold. */
export function bestThresholdF1(scores: readonly number[], labels: readonly number[]): { f1: number; threshold: number } {
  const order = scores.map((_, index) => index).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.filter((label) => label === 1).length;
  let truePositives = 0;
  let best = { f1: 0, threshold: Infinity };
  for (let k = 0; k < order.length; k++) {
    truePositives += labels[order[k]!] === 1 ? 1 : 0;
    // Only cut between distinct scores: a threshold cannot split tied pairs.
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[order[k]!]) continue;
    const f1 = (2 * truePositives) / (k + 1 + positives);
    if (f1 > best.f1) best = { f1, threshold: scores[order[k]!]! };
  }
  return best;
}
