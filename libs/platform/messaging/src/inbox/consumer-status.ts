/**
 * Where an inbox consumer stands, for readiness and operators. Only `consuming` is ready: a member
 * that has not joined its group yet (after a start, a crash or a rebalance) receives nothing, and a
 * consumer waiting for its database applies nothing.
 */
export type ConsumerState =
  | 'starting'
  | 'consuming'
  | 'rebalancing'
  | 'waiting-for-database'
  | 'restarting'
  | 'stopped';

export interface ConsumerStatus {
  consumer: string;
  state: ConsumerState;
  ready: boolean;
  /** When the consumer entered this state (ISO time). */
  since: string;
  /** Partitions assigned at the last group join, per topic. */
  assignment: Record<string, number[]>;
  /** Why it is not consuming (the crash or database error), if known. */
  detail?: string;
}
