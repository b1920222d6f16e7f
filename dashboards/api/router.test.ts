import { describe, expect, it } from 'vitest';
import type { Database } from '../../bot/storage/database.ts';
import { createTestApp } from './test-support.ts';

// A database whose every use fails, standing in for an outage or a bug below the routes.
const brokenDatabase = new Proxy({} as Database, {
  get() {
    throw new Error('connection refused at 10.0.0.5:5432 (password=hunter2)');
  },
});

describe('dashboard router', () => {
  it('reports unexpected errors and renders them without details', async () => {
    const { client, reported } = createTestApp({ db: brokenDatabase });
    const response = await client.post('/api/v1/auth/login').send({ username: 'alice', password: 'whatever' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(reported).toHaveLength(1);
  });

  it('marks responses uncacheable and leaves unknown paths to the app', async () => {
    const { client } = createTestApp({ db: brokenDatabase });
    const openapi = await client.get('/api/v1/openapi.json').expect(200);
    expect(openapi.headers['cache-control']).toBe('no-store');
    expect(openapi.headers['x-content-type-options']).toBe('nosniff');
    await client.get('/api/v1/nothing-here').expect(404);
  });
});
