import { describe, expect, it } from 'vitest';
import type { Database } from '../../bot/storage/database.ts';
import { createOpenApiDocument } from './openapi.ts';
import { createDashboardRouter } from './router.ts';
import { createTestApp } from './test-support.ts';

// Routing and the document need no database: the router only touches `db` inside handlers.
const db = {} as Database;

describe('OpenAPI document', () => {
  it('describes exactly the routes of the router', () => {
    const router = createDashboardRouter({ db });
    const routed = router.stack
      .filter((layer) => layer.methods.length > 0)
      .flatMap((layer) =>
        layer.methods
          .filter((method) => method !== 'HEAD')
          .map((method) => `${method} ${String(layer.path).replace('/api/v1', '').replace(/:(\w+)/g, '{$1}')}`),
      );
    const document = createOpenApiDocument();
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(described)).toEqual(new Set(routed));
  });

  it('is served at /api/v1/openapi.json without a session', async () => {
    const { client } = createTestApp({ db });
    const response = await client.get('/api/v1/openapi.json').expect(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.paths['/conversations/{id}/messages'].get).toBeDefined();
  });
});
