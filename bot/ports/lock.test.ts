import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisAvailable, redisUrl } from '../../test/support/services.ts';
import { describeLockContract } from './lock.contract.ts';
import { createMemoryLock } from './memory-lock.ts';
import { createRedisLock } from './redis-lock.ts';

describeLockContract('memory', async () => ({ lock: createMemoryLock(), cleanup: async () => {} }));

describeLockContract(
  'redis',
  async () => {
    const redis = new Redis(redisUrl);
    const prefix = `kefu-test:${randomUUID()}:lock:`;
    return {
      lock: createRedisLock({ redis, prefix }),
      cleanup: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    };
  },
  { skip: !(await redisAvailable()) },
);
