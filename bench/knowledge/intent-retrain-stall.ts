/**
 * How long retraining a workspace's intents stalls the event loop:
 * `npx tsx bench/knowledge/intent-retrain-stall.ts [--examples 2000] [--rounds 2]`.
 *
 * A process holds a workspace with the largest list the API takes (200 intents, 2,000 examples,
 * synthetic but Chinese, deterministic) over the starter set, and answers a stream of messages
 * (one every 2 ms) through `detectorFor`. Then the stored list changes: the next check sees the
 * new revision and retrains (`refresh` waits until the new detector is in place), and the `PUT`
 * path trains a list for validation (`prepare`); last, four other workspaces with a quarter of the
 * examples each load and train their lists at once (the first messages after a restart). For
 * each it reports the wall time, the longest and p99 event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution), and the messages answered meanwhile with
 * the slowest of them. Prints progress on stderr and one JSON line; it records nothing.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from '../../knowledge/intents/starter-intents.ts';
import { memoryIntentSource } from '../../test/support/memory-intent-source.ts';
import { createWorkspaceIntents, type WorkspaceIntentDefinition } from '../../knowledge/intents/workspace-intents.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '2' },
  },
});
const exampleCount = Number(values.examples);
const rounds = Number(values.rounds);

const things = '奶茶 咖啡 果汁 蛋糕 面包 会员卡 优惠券 积分 外卖 门店 杯子 吸管 包装 配料 珍珠 椰果 冰块 糖度 小料 套餐 新品 季节限定 早餐 午餐 生日 团购 礼品卡 充值 发票 停车 座位 插座 宠物 儿童椅 打包袋 保温袋 纸巾 菜单 价格 热量'.split(' ');
const asks = [
  '请问{}怎么弄', '{}有什么要求', '我想问一下{}', '{}现在还有吗', '{}多少钱', '你们的{}在哪里',
  '{}可以换吗', '能不能帮我看看{}', '{}是什么意思', '{}怎么用不了', '关于{}的问题', '{}什么时候有',
];
const moods = ['', '急', '谢谢', '麻烦了', '在线等', '可以吗'];

/** `count` examples over `count / 10` intents, each intent about two things. */
function syntheticList(count: number, variant = 0): WorkspaceIntentDefinition[] {
  const intents: WorkspaceIntentDefinition[] = [];
  for (let i = 0; i * 10 < count; i++) {
    const a = things[i % things.length]!;
    const b = things[(i * 7 + 3) % things.length]!;
    const examples = Array.from({ length: Math.min(10, count - i * 10) }, (_, k) => {
      const ask = asks[(i + k * 5) % asks.length]!.replace('{}', k % 2 ? a + b : b + a);
      return `${ask}${moods[(i + k + variant) % moods.length]}`;
    });
    intents.push({ name: `topic_${i}`, examples, reply: `关于${a}${b}的说明。` });
  }
  return intents;
}

interface Stall {
  wall_ms: number;
  max_stall_ms: number;
  p99_stall_ms: number;
  messages: number;
  max_message_ms: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Runs `work` while a message arrives every 2 ms; measures the loop delay and message latency meanwhile. */
async function underTraffic(answer: () => Promise<unknown>, work: () => Promise<unknown>): Promise<Stall> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const sent = performance.now();
    const message = answer().then(() => {
      latencies.push(performance.now() - sent);
      inFlight.delete(message);
    });
    inFlight.add(message);
  }, 2);
  histogram.enable();
  // The histogram records the delay between two of its ticks: let it tick before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  await work();
  const wall = performance.now() - started;
  // A loop blocked to the end records its delay only when it turns again.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  clearInterval(timer);
  await Promise.all(inFlight);
  return {
    wall_ms: round1(wall),
    max_stall_ms: round1(histogram.max / 1e6),
    p99_stall_ms: round1(histogram.percentile(99) / 1e6),
    messages: latencies.length,
    max_message_ms: round1(Math.max(0, ...latencies)),
  };
}

const { source, put } = memoryIntentSource();
let clock = 0;
const intents = createWorkspaceIntents({
  base: STARTER_INTENTS,
  baseReplies: STARTER_REPLIES,
  outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
  stored: source,
  now: () => clock,
});
const list = syntheticList(exampleCount);
put('shop', list);
const started = performance.now();
await intents.detectorFor('shop');
const firstLoadMs = performance.now() - started;
console.error(`first load of ${list.length} intents, ${exampleCount} examples: ${firstLoadMs.toFixed(0)} ms`);

const answer = async () => (await intents.detectorFor('shop')).detect('请问会员卡怎么弄');
const retrains: Stall[] = [];
const prepares: Stall[] = [];
for (let round = 1; round <= rounds; round++) {
  put('shop', syntheticList(exampleCount, round));
  const retrain = await underTraffic(answer, async () => {
    clock += 5000;
    await intents.detectorFor('shop'); // the check that sees the new revision
    await intents.refresh('shop'); // until the new detector is in place
  });
  const prepare = await underTraffic(answer, async () => intents.prepare('shop', syntheticList(exampleCount, round + 10)));
  console.error(`round ${round}: retrain ${JSON.stringify(retrain)}, prepare ${JSON.stringify(prepare)}`);
  retrains.push(retrain);
  prepares.push(prepare);
}
// After a restart the first messages of several workspaces load and train their lists at once.
const others = ['w1', 'w2', 'w3', 'w4'];
for (const [index, workspaceId] of others.entries()) put(workspaceId, syntheticList(exampleCount / others.length, index + 20));
const concurrent = await underTraffic(answer, () => Promise.all(others.map((workspaceId) => intents.detectorFor(workspaceId))));
console.error(`${others.length} first loads at once: ${JSON.stringify(concurrent)}`);
const worst = (stalls: Stall[]) => stalls.reduce((a, b) => (b.max_stall_ms > a.max_stall_ms ? b : a));
console.log(
  JSON.stringify({
    bench: 'intent-retrain-stall',
    examples: exampleCount,
    intents: list.length,
    rounds,
    first_load_ms: round1(firstLoadMs),
    retrain_worst: worst(retrains),
    prepare_worst: worst(prepares),
    concurrent_first_loads: concurrent,
    retrain: retrains,
    prepare: prepares,
    machine: { cpus: cpus().length, load: loadavg().map(round1) },
  }),
);
