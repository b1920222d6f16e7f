/**
 * One workspace's entry vectors in memory: unit-length `Float32Array` rows in one contiguous
 * matrix, searched by brute force (a dot product per row = cosine similarity). Exact, no training,
 * no parameters; `bench/knowledge/dense.ts` measures it (10k × 1024 dims in a few milliseconds).
 * Rows are removed by moving the last row into the hole, so the matrix never has gaps.
 */
import { KefuError } from '../../bot/errors.ts';

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

/** Create an empty vector index. */
export function createVectorIndex(): VectorIndex {
  let dimensions: number | undefined;
  let matrix = new Float32Array(0);
  const ids: string[] = [];
  const rowById = new Map<string, number>();

  const checked = (vector: ArrayLike<number>): number => {
    dimensions ??= vector.length;
    if (vector.length !== dimensions) throw new VectorDimensionError(dimensions, vector.length);
    return dimensions;
  };

  const dot = (row: number, query: Float32Array, width: number): number => dotProduct(matrix, row * width, query, width);

  return {
    get size() {
      return ids.length;
    },
    get dimensions() {
      return dimensions;
    },
    get bytes() {
      return matrix.byteLength;
    },
    has: (id) => rowById.has(id),
    add(id, vector) {
      const width = checked(vector);
      let row = rowById.get(id);
      if (row === undefined) {
        row = ids.length;
        if ((row + 1) * width > matrix.length) {
          const grown = new Float32Array(Math.max(64, Math.ceil(row * 1.5)) * width);
          grown.set(matrix);
          matrix = grown;
        }
        ids.push(id);
        rowById.set(id, row);
      }
      matrix.set(normalize(vector), row * width);
    },
    remove(id) {
      const row = rowById.get(id);
      if (row === undefined || dimensions === undefined) return false;
      const last = ids.length - 1;
      if (row !== last) {
        matrix.copyWithin(row * dimensions, last * dimensions, (last + 1) * dimensions);
        const moved = ids[last] as string;
        ids[row] = moved;
        rowById.set(moved, row);
      }
      ids.pop();
      rowById.delete(id);
      if (ids.length === 0) {
        dimensions = undefined;
        matrix = new Float32Array(0);
      }
      return true;
    },
    search(query, limit) {
      if (ids.length === 0 || limit <= 0) return [];
      const width = checked(query);
      const normalized = normalize(query);
      // A small sorted top list: limit is tens, rows are thousands, so inserting beats sorting all.
      const topRows: number[] = [];
      const topScores: number[] = [];
      const rows = matrix;
      for (let row = 0; row < ids.length; row++) {
        const score = dotProduct(rows, row * width, normalized, width);
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
      if (row === undefined || dimensions === undefined || normalizedQuery.length !== dimensions) return undefined;
      return dot(row, normalizedQuery, dimensions);
    },
  };
}

/**
 * Dot product of `query` with the row of `matrix` starting at `offset`. Four accumulators: the
 * loop is the whole cost of a search, and independent sums let the CPU overlap the multiplies.
 */
function dotProduct(matrix: Float32Array, offset: number, query: Float32Array, width: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = 0;
  for (; index + 3 < width; index += 4) {
    sum0 += matrix[offset + index]! * query[index]!;
    sum1 += matrix[offset + index + 1]! * query[index + 1]!;
    sum2 += matrix[offset + index + 2]! * query[index + 2]!;
    sum3 += matrix[offset + index + 3]! * query[index + 3]!;
  }
  for (; index < width; index++) sum0 += matrix[offset + index]! * query[index]!;
  return sum0 + sum1 + sum2 + sum3;
}
