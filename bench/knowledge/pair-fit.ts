/**
 * Logistic regression for the question-pair weights (`knowledge/text/pair-score.ts`): Newton's
 * method with a small L2 penalty on standardised features, returned in raw feature space. Used by
 * `pairs.ts --fit`; a handful of features and ~16k rows converge in a few iterations.
 */
import type { PairWeights } from '../../knowledge/text/pair-score.ts';

export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly number[], l2 = 1e-3): PairWeights {
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  const deviation = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((value, k) => (mean[k]! += value / rows.length));
  for (const row of rows) row.forEach((value, k) => (deviation[k]! += (value - mean[k]!) ** 2 / rows.length));
  for (let k = 0; k < width; k++) deviation[k] = Math.sqrt(deviation[k]!) || 1;
  const standard = rows.map((row) => [1, ...row.map((value, k) => (value - mean[k]!) / deviation[k]!)]);
  const size = width + 1;
  const w = new Array<number>(size).fill(0);
  for (let iteration = 0; iteration < 20; iteration++) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    standard.forEach((x, n) => {
      let logit = 0;
      for (let k = 0; k < size; k++) logit += w[k]! * x[k]!;
      const p = 1 / (1 + Math.exp(-logit));
      const residual = p - labels[n]!;
      const variance = p * (1 - p);
      for (let k = 0; k < size; k++) {
        gradient[k]! += residual * x[k]!;
        for (let l = 0; l < size; l++) hessian[k]![l]! += variance * x[k]! * x[l]!;
      }
    });
    for (let k = 1; k < size; k++) {
      gradient[k]! += l2 * rows.length * w[k]!;
      hessian[k]![k]! += l2 * rows.length;
    }
    const step = solve(hessian, gradient);
    for (let k = 0; k < size; k++) w[k]! -= step[k]!;
  }
  const weights = w.slice(1).map((value, k) => value / deviation[k]!);
  const bias = w[0]! - weights.reduce((sum, value, k) => sum + value * mean[k]!, 0);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { bias: round(bias), weights: weights.map(round) };
}

/** Gauss–Jordan elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const augmented = matrix.map((row, index) => [...row, vector[index]!]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(augmented[row]![column]!) > Math.abs(augmented[pivot]![column]!)) pivot = row;
    [augmented[column], augmented[pivot]] = [augmented[pivot]!, augmented[column]!];
    for (let row = 0; row < size; row++) {
      if (row === column) continue;
      const factor = augmented[row]![column]! / augmented[column]![column]!;
      for (let k = column; k <= size; k++) augmented[row]![k]! -= factor * augmented[column]![k]!;
    }
  }
  return augmented.map((row, index) => row[size]! / row[index]!);
}
