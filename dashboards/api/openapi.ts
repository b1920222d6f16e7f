/**
 * The OpenAPI 3.1 description of the dashboard API, written by hand. `openapi.test.ts` checks that
 * every route of the router is described here and nothing else, so the two cannot drift apart.
 */
import { intentPaths, intentSchemas } from './openapi-intents.ts';
import { knowledgePaths, knowledgeSchemas } from './openapi-knowledge.ts';
import { lexiconPaths, lexiconSchemas } from './openapi-lexicon.ts';
import { body, error, nullable, object, ok, ref, type Schema } from './openapi-helpers.ts';


const authErrors = {
  '401': error('No valid session (`unauthorized`, `invalid_session`).'),
  '403': error('Wrong role (`forbidden`), or the password must be changed first (`password_change_required`).'),
};
const limitParameter = {
  name: 'limit',
  in: 'query',
  schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
};
const cursorParameter = {
  name: 'cursor',
  in: 'query',
  description: 'The `nextCursor` of the previous page.',
  schema: { type: 'string' },
};
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const role = { type: 'string', enum: ['admin', 'operator', 'staff', 'viewer'] };

const schemas: Record<string, Schema> = {
  Error: object(
    { error: object({ code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } }, ['code', 'message']) },
    ['error'],
  ),
  Operator: object(
    {
      id: { type: 'string', format: 'uuid' },
      workspaceId: { type: 'string' },
      username: { type: 'string' },
      displayName: nullable('string'),
      role,
      mustChangePassword: { type: 'boolean' },
      disabled: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
    ['id', 'workspaceId', 'username', 'role', 'mustChangePassword', 'disabled'],
  ),
  Conversation: object(
    {
      id: { type: 'string', format: 'uuid' },
      channelAccountId: { type: 'string' },
      platformThreadId: { type: 'string' },
      kind: { type: 'string', enum: ['direct', 'group'] },
      status: { type: 'string', enum: ['bot', 'pending', 'human', 'resolved'] },
      statusChangedAt: nullable('string', { format: 'date-time' }),
      assigneeId: nullable('string', { format: 'uuid' }),
      team: nullable('string'),
      priority: { type: 'integer' },
      labels: { type: 'array', items: { type: 'string' } },
      lastInboundAt: nullable('string', { format: 'date-time' }),
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
    ['id', 'status', 'updatedAt'],
  ),
  Message: object(
    {
      id: { type: 'string', format: 'uuid' },
      sequence: { type: 'integer' },
      conversationId: { type: 'string', format: 'uuid' },
      direction: { type: 'string', enum: ['inbound', 'outbound'] },
      authorKind: { type: 'string', enum: ['contact', 'staff', 'bot', 'system'] },
      authorOperatorId: nullable('string', { format: 'uuid' }),
      deliveryError: nullable('string'),
      parts: { type: 'array', items: { type: 'object', required: ['type'] } },
      deliveryStatus: nullable('string'),
      intent: nullable('string'),
      confidence: nullable('number'),
      citations: nullable('array'),
      createdAt: { type: 'string', format: 'date-time' },
    },
    ['id', 'sequence', 'direction', 'authorKind', 'parts'],
  ),
};

const operatorResponse = object({ operator: ref('Operator') }, ['operator']);

const paths = {
  '/auth/login': {
    post: {
      summary: 'Log in; returns a bearer token once and sets the kefu_session cookie',
      security: [],
      requestBody: body(object({ username: { type: 'string' }, password: { type: 'string' } }, ['username', 'password'])),
      responses: {
        '200': ok(
          'Logged in',
          object(
            {
              token: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
              operator: ref('Operator'),
              mustChangePassword: { type: 'boolean' },
            },
            ['token', 'expiresAt', 'operator', 'mustChangePassword'],
          ),
        ),
        '400': error('Invalid body (`validation_failed`, names the field).'),
        '401': error('Wrong username or password (`invalid_credentials`); never says which.'),
        '429': error('Too many failed attempts for this username (`too_many_attempts`); see Retry-After.'),
      },
    },
  },
  '/auth/logout': {
    post: { summary: 'End the current session and clear the cookie', security: [], responses: { '204': { description: 'Logged out' } } },
  },
  '/me': {
    get: { summary: 'The current operator', responses: { '200': ok('The operator', operatorResponse), ...authErrors } },
  },
  '/me/password': {
    post: {
      summary: 'Change the own password; clears mustChangePassword and ends the other sessions',
      requestBody: body(
        object({ currentPassword: { type: 'string' }, newPassword: { type: 'string', minLength: 10 } }, ['currentPassword', 'newPassword']),
      ),
      responses: {
        '200': ok('Changed', operatorResponse),
        '400': error('Invalid body, weak new password, or wrong current password (`invalid_current_password`).'),
        ...authErrors,
      },
    },
  },
  '/operators': {
    get: {
      summary: 'Operators of the workspace (admin)',
      responses: { '200': ok('Operators', object({ operators: { type: 'array', items: ref('Operator') } })), ...authErrors },
    },
    post: {
      summary: 'Create an operator (admin); without a password a one-time password is generated and returned once',
      requestBody: body(
        object(
          {
            username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._@-]{1,63}$' },
            password: { type: 'string', minLength: 10 },
            role,
            displayName: { type: 'string' },
          },
          ['username', 'role'],
        ),
      ),
      responses: {
        '201': ok('Created', object({ operator: ref('Operator'), initialPassword: { type: 'string' } }, ['operator'])),
        '400': error('Invalid body (`validation_failed`, names the field).'),
        '409': error('Username taken (`username_taken`).'),
        ...authErrors,
      },
    },
  },
  '/operators/{id}': {
    patch: {
      summary: 'Change role, disabled or display name (admin); the last active admin cannot be demoted or disabled',
      parameters: [idParameter],
      requestBody: body(object({ role, disabled: { type: 'boolean' }, displayName: nullable('string') })),
      responses: {
        '200': ok('Updated', operatorResponse),
        '400': error('Invalid body.'),
        '404': error('No such operator in this workspace.'),
        '409': error('Would leave no active admin (`last_admin`).'),
        ...authErrors,
      },
    },
  },
  '/conversations': {
    get: {
      summary: 'Conversations of the workspace, most recently updated first',
      parameters: [
        limitParameter,
        cursorParameter,
        { name: 'status', in: 'query', schema: { type: 'string', enum: ['bot', 'pending', 'human', 'resolved'] } },
      ],
      responses: {
        '200': ok(
          'A page',
          object({ conversations: { type: 'array', items: ref('Conversation') }, nextCursor: nullable('string') }),
        ),
        '400': error('Invalid query parameter.'),
        ...authErrors,
      },
    },
  },
  '/conversations/{id}/messages': {
    get: {
      summary: 'Messages of a conversation, newest first',
      parameters: [idParameter, limitParameter, cursorParameter],
      responses: {
        '200': ok('A page', object({ messages: { type: 'array', items: ref('Message') }, nextCursor: nullable('string') })),
        '404': error('No such conversation in this workspace.'),
        ...authErrors,
      },
    },
    post: {
      summary:
        'Write to the customer as staff: takes the conversation over (the bot stays quiet) and sends the text through the platform API, within its reply window. Roles admin, operator, staff.',
      parameters: [idParameter],
      requestBody: body(object({ text: { type: 'string', minLength: 1, maxLength: 600 } }, ['text'])),
      responses: {
        '201': ok(
          'Queued for delivery; its `deliveryStatus` becomes `sent`, or `failed` with the platform\'s `deliveryError`',
          object({ message: ref('Message'), conversation: ref('Conversation') }, ['message', 'conversation']),
        ),
        '400': error('Invalid body.'),
        '404': error('No such conversation in this workspace.'),
        '409': error('Another operator owns it (`conversation_taken`).'),
        ...authErrors,
      },
    },
  },
  ...handoffPaths(),
  '/openapi.json': {
    get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document' } } },
  },
};

/** The OpenAPI document of the dashboard API mounted at `serverUrl` (default `/api/v1`). */
export function createOpenApiDocument(serverUrl = '/api/v1') {
  return {
    openapi: '3.1.0',
    info: { title: 'Kefu dashboard API', version: '1.0.0' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { sessionCookie: [] }],
    paths: { ...paths, ...knowledgePaths, ...lexiconPaths, ...intentPaths },
    components: {
      schemas: { ...schemas, ...knowledgeSchemas, ...lexiconSchemas, ...intentSchemas },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'kefu_session' },
      },
    },
  };
}

/** `POST /conversations/{id}/take-over|hand-back|resolve` (`conversation-handoff.ts`). */
function handoffPaths() {
  const summaries = {
    'take-over': 'Take the conversation over: a human owns it (`human`, assigned to you) and the bot stays quiet',
    'hand-back': 'Hand the conversation back to the bot (`bot`, no assignee)',
    resolve: 'Mark the conversation resolved; the customer\'s next message is the bot\'s again',
  } as const;
  return Object.fromEntries(
    Object.entries(summaries).map(([action, summary]) => [
      `/conversations/{id}/${action}`,
      {
        post: {
          summary: `${summary}. Roles admin, operator, staff.`,
          parameters: [idParameter],
          responses: {
            '200': ok('The conversation as it is now', object({ conversation: ref('Conversation') }, ['conversation'])),
            '404': error('No such conversation in this workspace.'),
            ...(action === 'take-over' ? { '409': error('Another operator owns it (`conversation_taken`).') } : {}),
            ...authErrors,
          },
        },
      },
    ]),
  );
}
