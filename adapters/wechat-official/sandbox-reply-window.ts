/**
 * WeChat's customer-service window as the sandbox enforces it (PLATFORMS.md §2.5, June-2023 rule):
 * a follower's message allows 5 API messages within 48 h; a follow / scan / menu click allows 3
 * within 1 minute; unfollowing closes the window. The counter restarts with each interaction.
 */

/** How long an interaction opens the window for, and how many sends it allows. */
export interface WindowRule {
  durationMs: number;
  maxMessages: number;
}

/** What a follower did, as far as the window cares. */
export type Interaction = 'message' | 'event' | 'unsubscribe';

interface Grant {
  kind: 'message' | 'event';
  expiresAt: number;
  remaining: number;
}

/** Per-follower window state. */
export interface ReplyWindows {
  record(openId: string, interaction: Interaction): void;
  /** Use one send: 0 when allowed, else WeChat's errcode (45015 window closed, 45047 count used). */
  consume(openId: string): 0 | 45015 | 45047;
}

/** Create the windows; `now` is the sandbox clock. */
export function createReplyWindows(options: { now: () => number; message: WindowRule; event: WindowRule }): ReplyWindows {
  const grants = new Map<string, Grant>();
  const active = (grant: Grant | undefined): grant is Grant => grant !== undefined && grant.expiresAt > options.now();

  return {
    record(openId, interaction) {
      if (interaction === 'unsubscribe') {
        grants.delete(openId);
        return;
      }
      const current = grants.get(openId);
      // A follow / click does not shorten a still-open 48-hour window granted by a message.
      if (interaction === 'event' && active(current) && current.kind === 'message') return;
      const rule = interaction === 'message' ? options.message : options.event;
      grants.set(openId, { kind: interaction, expiresAt: options.now() + rule.durationMs, remaining: rule.maxMessages });
    },
    consume(openId) {
      const grant = grants.get(openId);
      if (!active(grant)) return 45015;
      if (grant.remaining <= 0) return 45047;
      grant.remaining -= 1;
      return 0;
    },
  };
}
