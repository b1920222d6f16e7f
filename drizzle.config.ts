import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './bot/storage/schema.ts',
  out: './bot/storage/migrations',
});
