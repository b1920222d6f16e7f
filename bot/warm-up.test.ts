/**
 * Warm-up builds each workspace's retrieval and intents once, before its first customer, and a
 * workspace that fails does not stop the others.
 */
import { describe, expect, test } from 'vitest';
import pino from 'pino';
import { warmUpAnswering } from './warm-up.ts';

describe('warmUpAnswering', () => {
  test('each workspace a channel delivers to is warmed once; a failure is logged and the rest go on', async () => {
    const retrieved: string[] = [];
    const detectors: string[] = [];
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await warmUpAnswering({
      workspaceIds: ['shop-a', 'broken', 'shop-a', 'shop-b'],
      retriever: {
        retrieve: async (workspaceId) => {
          if (workspaceId === 'broken') throw new Error('database went away');
          retrieved.push(workspaceId);
          return [];
        },
      },
      intents: { detectorFor: async (workspaceId) => void detectors.push(workspaceId) },
      log,
    });
    expect(retrieved).toEqual(['shop-a', 'shop-b']);
    expect(detectors).toEqual(['shop-a', 'shop-b']);
    const failed = lines.map((line) => JSON.parse(line) as { msg: string; workspaceId: string }).filter((line) => line.msg.startsWith('warm-up failed'));
    expect(failed.map((line) => line.workspaceId)).toEqual(['broken']);
  });
});
