import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisAvailable, redisUrl } from '../../test/support/services.ts';
import { describeCacheContract } from './cache.contract.ts';
import { createMemoryCache } from './memory-cache.ts';
import { createRedisCache } from './redis-cache.ts';

describeCacheContract('memory', async () => ({ cache: createMemoryCache(), cleanup: async () => {} }));

describeCacheContract(
  'redis',
  async () => {
    const redis = new Redis(redisUrl);
    const prefix = `kefu-test:${randomUUID()}:cache:`;
    return {
      cache: createRedisCache({ redis, prefix }),
      cleanup: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    };
  },
  { skip: !(await redisAvailable()) },
);
