/**
 * Configuration: `kefu.config.json` (path from `KEFU_CONFIG`) for workspaces and channel accounts,
 * the environment for the runtime mode and secrets. Validated at start-up; an invalid setting stops
 * Kefu with a message naming it (`channels[0].token: …`).
 *
 * With no config file Kefu runs the embedded demo: one workspace, the demo knowledge base and a
 * sandbox WeChat Official Account mounted on this same server (see `demoConfig`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { STARTER_INTENTS } from '../knowledge/intents/starter-intents.ts';
import type { OwnIntentEntry } from '../knowledge/intents/workspace-intents.ts';
import type { HandoffNotifyTarget } from './handoff-notifications.ts';
import type { ChannelType } from './model.ts';

export const channelTypes = [
  'wechat-official',
  'wecom-app',
  'wecom-aibot',
  'wecom-kf',
  'dingtalk',
  'douyin',
  'wechaty',
  'web',
] as const satisfies readonly ChannelType[];

const idPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const idSchema = z.string().regex(idPattern, 'use 1–63 lower-case letters, digits, "-" or "_"');

/** A channel entry: the generic keys; platform keys are validated by the channel's own schema. */
const channelSchema = z.looseObject({
  id: idSchema,
  type: z.enum(channelTypes),
  /** Workspace id; omitted = the default workspace. */
  workspace: idSchema.optional(),
  name: z.string().optional(),
  /** Time the webhook may wait for the answer to reply passively (ms, below the platform deadline). */
  passiveReplyBudgetMs: z.number().int().min(0).max(4500).optional(),
  /** Most replies sent through the platform's API per minute for this account (the outbox's limit). */
  sendsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
});

/** A regular-expression source that compiles with the flags rules use (`iu`). */
const patternSchema = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const intentFields = {
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'use 1–63 lower-case letters, digits, "-" or "_", starting with a letter')
    .refine((name) => name !== 'oos', { message: '"oos" is reserved for out-of-scope utterances' }),
  description: z.string().optional(),
  examples: z.array(z.string().min(1)).default([]),
  keywords: z.array(z.string().min(1)).optional(),
  patterns: z.array(patternSchema).optional(),
  /** A fixed answer sent when the intent is detected. */
  reply: z.string().min(1).optional(),
};
const hasExamplesOrRules = (intent: { examples: string[]; keywords?: string[]; patterns?: string[] }) =>
  intent.examples.length + (intent.keywords?.length ?? 0) + (intent.patterns?.length ?? 0) > 0;
const needsExamplesOrRules = { message: 'give the intent examples, keywords or patterns' };

/**
 * One intent of a workspace (see `knowledge/intents/workspace-intents.ts`), as `intents[]` of the
 * config file and the dashboard's `PUT /api/v1/intents` take it (the API names no workspace: it is
 * the operator's).
 */
export const intentSchema = z.strictObject(intentFields).refine(hasExamplesOrRules, needsExamplesOrRules);

/** An intent of the config file: the intent and the workspace it belongs to (default: the first). */
const configIntentSchema = z
  .strictObject({ workspace: idSchema.optional(), ...intentFields })
  .refine(hasExamplesOrRules, needsExamplesOrRules);

/** A config-file entry switching a starter intent off for a workspace: `{ "name": "greeting", "disabled": true }`. */
const configDisabledIntentSchema = z.strictObject(
  {
    workspace: idSchema.optional(),
    name: z.string(),
    disabled: z.literal(true, { error: 'only true; to keep the starter intent, leave the entry out' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'a disabled intent holds only its name (and workspace)' : undefined) },
);
const isDisabledEntry = (item: unknown) => typeof item === 'object' && item !== null && 'disabled' in item;
/** An entry of `intents[]`: an intent, or a starter intent switched off (told apart by `disabled`). */
const configIntentEntrySchema = z.unknown().transform((item, ctx) => {
  const parsed = isDisabledEntry(item) ? configDisabledIntentSchema.safeParse(item) : configIntentSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const fileSchema = z.strictObject({
  workspaces: z.array(z.strictObject({ id: idSchema, name: z.string().min(1) })).default([]),
  channels: z.array(channelSchema).default([]),
  /** Knowledge files (FAQ tables and documents) or directories imported into a workspace's knowledge base at start-up when it is empty. */
  knowledge: z
    .array(z.strictObject({ workspace: idSchema.optional(), file: z.string().min(1), name: z.string().optional() }))
    .default([]),
  /**
   * Workspaces' own intents, added to (or replacing, by name) the starter set; an entry
   * `{ "name": "<starter intent>", "disabled": true }` switches that starter intent off.
   */
  intents: z.array(configIntentEntrySchema).default([]),
  /**
   * Handoff to a human: how long a request waits for someone to take it over before the bot resumes
   * (0 = forever), and the WeCom group robots that tell staff about it.
   */
  handoff: z
    .strictObject({
      pendingTimeoutMinutes: z.number().min(0).max(7 * 24 * 60).default(10),
      notify: z
        .array(
          z.strictObject({
            workspace: idSchema.optional(),
            wecomRobotUrl: z.url({ protocol: /^https?$/, error: 'must be the robot\'s http(s) webhook address' }),
            mentionedList: z.array(z.string().min(1)).max(100).optional(),
            mentionedMobileList: z.array(z.string().regex(/^\+?\d{5,20}$/, { error: 'a mobile number' })).max(100).optional(),
          }),
        )
        .default([]),
    })
    .default({ pendingTimeoutMinutes: 10, notify: [] }),
  /** Mount the platform sandboxes under /sandbox (demo and tests). Never enable in production. */
  sandbox: z.boolean().default(false),
});

export type ChannelConfig = z.infer<typeof channelSchema>;

export interface KefuConfig {
  port: number;
  host: string;
  role: 'all' | 'web' | 'worker';
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  /** Key material for encrypting channel secrets at rest. */
  secretKey?: string;
  /** An OpenAI-compatible endpoint; `timeoutMs` bounds the model calls of one message. */
  llm?: { baseUrl: string; apiKey?: string; model: string; embeddingModel?: string; timeoutMs: number };
  defaultWorkspaceId: string;
  workspaces: Array<{ id: string; name: string }>;
  channels: ChannelConfig[];
  knowledge: Array<{ workspace: string; file: string; name: string }>;
  /** Workspaces' own intents, each with its workspace resolved. */
  intents: Array<OwnIntentEntry & { workspace: string }>;
  /** Handoff to a human (`handlers/handoff.ts`, `handlers/human-mode-gate.ts`, `bot/handoff-notifications.ts`). */
  handoff: { pendingTimeoutMinutes: number; notify: HandoffNotifyTarget[] };
  sandbox: boolean;
  /** Where the config came from: a file path, or `demo`. */
  source: string;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** `all` (default): HTTP and workers; `web`: HTTP only; `worker`: workers (and health) only. */
  KEFU_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** Namespace of every Redis key (queues, cache, locks), so several Kefus can share one Redis. */
  KEFU_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'use 1–32 letters, digits, "-" or "_"').default('kefu'),
  KEFU_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  EMBEDDING_MODEL: z.string().optional(),
  /** Time for the model calls of one message (follow-up rewrite + answer); beyond it, extractive answers. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2500),
});

/** The repository's demo knowledge base (a fictional milk-tea chain). */
export const demoKnowledgeFile = fileURLToPath(new URL('../knowledge/demo/milk-tea-faq.tsv', import.meta.url));

/** The embedded demo: a sandbox Official Account whose "WeChat" is mounted on this server. */
export function demoConfig(port: number): z.input<typeof fileSchema> {
  return {
    workspaces: [{ id: 'default', name: '演示工作区' }],
    channels: [
      {
        id: 'demo-oa',
        type: 'wechat-official',
        name: '茶语时光 公众号（沙箱）',
        appId: 'wxdemo0000000001',
        appSecret: 'demo-app-secret-not-for-production',
        token: 'kefudemotoken',
        encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        originalId: 'gh_kefudemo0001',
        apiBaseUrl: `http://127.0.0.1:${port}/sandbox/wechat-official`,
      },
    ],
    knowledge: [{ file: demoKnowledgeFile, name: '茶语时光 FAQ' }],
    sandbox: true,
  };
}

/** A setting's path as messages name it: `["intents", 2, "patterns", 0]` → `intents[2].patterns[0]`. */
export function settingPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

function explain(error: z.ZodError, where: string): string {
  return error.issues.map((issue) => `${where}${issue.path.length ? ` ${settingPath(issue.path)}` : ''}: ${issue.message}`).join('\n');
}

/** Read and validate configuration; throws `ConfigError` naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): KefuConfig {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(explain(parsedEnv.error, 'environment'));
  const e = parsedEnv.data;

  const configPath = resolve(cwd, env.KEFU_CONFIG ?? 'kefu.config.json');
  let raw: unknown;
  let source = 'demo';
  if (existsSync(configPath)) {
    source = configPath;
    try {
      raw = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (cause) {
      throw new ConfigError(`${configPath}: not valid JSON (${(cause as Error).message})`, { cause });
    }
  } else if (env.KEFU_CONFIG) {
    throw new ConfigError(`KEFU_CONFIG: file ${configPath} does not exist`);
  } else {
    raw = demoConfig(e.PORT);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(explain(parsed.error, source === 'demo' ? 'demo config' : configPath));
  const file = parsed.data;

  const defaultWorkspaceId = file.workspaces[0]?.id ?? 'default';
  const workspaces = file.workspaces.length ? file.workspaces : [{ id: 'default', name: 'Default' }];
  const known = new Set(workspaces.map((w) => w.id));
  const seen = new Set<string>();
  file.channels.forEach((channel, index) => {
    if (seen.has(channel.id)) throw new ConfigError(`channels[${index}].id: duplicate channel id "${channel.id}"`);
    seen.add(channel.id);
    if (channel.workspace && !known.has(channel.workspace)) {
      throw new ConfigError(`channels[${index}].workspace: unknown workspace "${channel.workspace}"`);
    }
  });
  file.handoff.notify.forEach((target, index) => {
    const workspace = target.workspace ?? defaultWorkspaceId;
    if (!known.has(workspace)) throw new ConfigError(`handoff.notify[${index}].workspace: unknown workspace "${workspace}"`);
  });
  const intentNames = new Set<string>();
  const starterNames = new Set(STARTER_INTENTS.map((intent) => intent.name));
  file.intents.forEach((intent, index) => {
    const workspace = intent.workspace ?? defaultWorkspaceId;
    if (!known.has(workspace)) throw new ConfigError(`intents[${index}].workspace: unknown workspace "${workspace}"`);
    const key = `${workspace}/${intent.name}`;
    if (intentNames.has(key)) throw new ConfigError(`intents[${index}].name: intent "${intent.name}" is defined twice in workspace "${workspace}"`);
    intentNames.add(key);
    if ('disabled' in intent && !starterNames.has(intent.name)) {
      throw new ConfigError(
        `intents[${index}].name: "${intent.name}" is no starter intent; only those can be disabled (starter intents: ${[...starterNames].join(', ')})`,
      );
    }
  });
  if (e.LLM_BASE_URL && !e.LLM_MODEL) throw new ConfigError('LLM_MODEL: required when LLM_BASE_URL is set');

  return {
    port: e.PORT,
    host: e.HOST,
    role: e.KEFU_ROLE,
    dataDir: resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.KEFU_REDIS_PREFIX,
    secretKey: e.KEFU_SECRET_KEY,
    llm: e.LLM_BASE_URL && e.LLM_MODEL
      ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, embeddingModel: e.EMBEDDING_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
      : undefined,
    defaultWorkspaceId,
    workspaces,
    channels: file.channels.map((channel) => ({ ...channel, workspace: channel.workspace ?? defaultWorkspaceId })),
    knowledge: file.knowledge.map((entry) => ({
      workspace: entry.workspace ?? defaultWorkspaceId,
      file: resolve(source === 'demo' ? cwd : resolve(configPath, '..'), entry.file),
      name: entry.name ?? 'FAQ',
    })),
    intents: file.intents.map((intent) => ({ ...intent, workspace: intent.workspace ?? defaultWorkspaceId })),
    handoff: {
      pendingTimeoutMinutes: file.handoff.pendingTimeoutMinutes,
      notify: file.handoff.notify.map((target) => ({ ...target, workspace: target.workspace ?? defaultWorkspaceId })),
    },
    sandbox: file.sandbox,
    source,
  };
}
