/** Id checks shared by repositories and routes. */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `id` is a UUID. Other strings can never name a row, and must not reach a `uuid`
 * column, where PostgreSQL would reject them with an error instead of finding nothing.
 */
export function isUuid(id: string): boolean {
  return uuidPattern.test(id);
}
