/**
 * One workspace's entry vectors in memory: unit-length float32 rows in one contiguous matrix
 * (`score-matrix.ts`, WebAssembly SIMD), searched by brute force (a dot product per row = cosine
 * similarity). Exact, no training, no parameters; `bench/knowledge/dense.ts` measures it.
 * Rows are removed by moving the last row into the hole, so the matrix never has gaps.
 */
import { KefuError } from '../../bot/errors.ts';
import { createScoreMatrix, dotProduct, type ScoreMatrix } from './score-matrix.ts';

/** An entry id with its cosine similarity to the query. */
export interface VectorHit {
  id: string;
  similarity: number;
}

/** The in-memory vectors of one workspace's entries. */
export interface VectorIndex {
  /** Add or replace the vector of an entry; it is normalised to unit length. */
  add(id: string, vector: ArrayLike<number>): void;
  /** Remove an entry's vector; false when it had none. */
  remove(id: string): boolean;
  has(id: string): boolean;
  /** Number of vectors. */
  readonly size: number;
  /** Dimensions of the vectors, fixed by the first one added; undefined while empty. */
  readonly dimensions: number | undefined;
  /** Bytes held by the matrix (its capacity, not only the rows in use). */
  readonly bytes: number;
  /** The `limit` most similar entries to a (not necessarily normalised) query vector, best first. */
  search(query: ArrayLike<number>, limit: number): VectorHit[];
  /** Cosine similarity of an entry to a query vector normalised with `normalize`; undefined without a vector. */
  similarity(id: string, normalizedQuery: Float32Array): number | undefined;
}

/** A vector whose dimensions differ from the index's (a different model answered). */
export class VectorDimensionError extends KefuError {
  constructor(expected: number, actual: number) {
    super('vector_dimensions', `vector has ${actual} dimensions, the index holds ${expected}`);
  }
}

/** The vector scaled to unit length, as 32-bit floats (a zero vector stays zero). */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let index = 0; index < vector.length; index++) norm += (vector[index] as number) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const result = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) result[index] = (vector[index] as number) * scale;
  return result;
}

/** Create an empty vector index; `simd: false` scores in JavaScript (tests compare both). */
export function createVectorIndex(options: { simd?: boolean } = {}): VectorIndex {
  let matrix: ScoreMatrix | undefined;
  const ids: string[] = [];
  const rowById = new Map<string, number>();

  const checked = (vector: ArrayLike<number>): ScoreMatrix => {
    matrix ??= createScoreMatrix(vector.length, options);
    if (vector.length !== matrix.width) throw new VectorDimensionError(matrix.width, vector.length);
    return matrix;
  };

  return {
    get size() {
      return ids.length;
    },
    get dimensions() {
      return matrix?.width;
    },
    get bytes() {
      return matrix?.bytes ?? 0;
    },
    has: (id) => rowById.has(id),
    add(id, vector) {
      const rows = checked(vector);
      let row = rowById.get(id);
      if (row === undefined) {
        row = ids.length;
        rows.reserve(row + 1);
        ids.push(id);
        rowById.set(id, row);
      }
      rows.rows.set(normalize(vector), row * rows.stride);
    },
    remove(id) {
      const row = rowById.get(id);
      if (row === undefined || !matrix) return false;
      const last = ids.length - 1;
      const { stride } = matrix;
      if (row !== last) {
        matrix.rows.copyWithin(row * stride, last * stride, (last + 1) * stride);
        const moved = ids[last] as string;
        ids[row] = moved;
        rowById.set(moved, row);
      }
      ids.pop();
      rowById.delete(id);
      if (ids.length === 0) matrix = undefined;
      return true;
    },
    search(query, limit) {
      if (ids.length === 0 || limit <= 0) return [];
      const rows = checked(query);
      rows.query.set(normalize(query));
      const scores = rows.scoreAll(ids.length);
      // A small sorted top list: limit is tens, rows are thousands, so inserting beats sorting all.
      const topRows: number[] = [];
      const topScores: number[] = [];
      for (let row = 0; row < ids.length; row++) {
        const score = scores[row] as number;
        if (topRows.length === limit && score <= (topScores[limit - 1] as number)) continue;
        let position = topRows.length === limit ? limit - 1 : topRows.length;
        while (position > 0 && (topScores[position - 1] as number) < score) {
          topScores[position] = topScores[position - 1] as number;
          topRows[position] = topRows[position - 1] as number;
          position--;
        }
        topScores[position] = score;
        topRows[position] = row;
      }
      return topRows.map((row, position) => ({ id: ids[row] as string, similarity: topScores[position] as number }));
    },
    similarity(id, normalizedQuery) {
      const row = rowById.get(id);
      if (row === undefined || !matrix || normalizedQuery.length !== matrix.width) return undefined;
      return dotProduct(matrix.rows, row * matrix.stride, normalizedQuery, matrix.width);
    },
  };
}
