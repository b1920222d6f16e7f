/** Prometheus metrics for `/metrics`: webhook traffic and latency, processing, deliveries. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookRequests: new Counter({
      name: 'kefu_webhook_requests_total',
      help: 'Webhook calls by channel type and outcome',
      labelNames: ['channel_type', 'outcome'] as const,
      registers: [registry],
    }),
    webhookLatency: new Histogram({
      name: 'kefu_webhook_ack_seconds',
      help: 'Time from webhook request to acknowledgement',
      labelNames: ['channel_type', 'reply'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    messagesProcessed: new Counter({
      name: 'kefu_messages_processed_total',
      help: 'Inbound messages through the pipeline, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    statusChanges: new Counter({
      name: 'kefu_conversation_status_changes_total',
      help: 'Conversation status changes the pipeline asked for (pending: a customer asked for a human; bot: the bot has it again, after a wait nobody took up or a resolved conversation), by new status',
      labelNames: ['to'] as const,
      registers: [registry],
    }),
    processingLatency: new Histogram({
      name: 'kefu_processing_seconds',
      help: 'Pipeline time per inbound message',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'kefu_deliveries_total',
      help: 'Outbound messages by path and outcome',
      labelNames: ['via', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
