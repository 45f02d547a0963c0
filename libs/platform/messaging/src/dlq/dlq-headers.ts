/** Headers a dead-lettered message carries, so an operator can see why and replay it. */
export const DlqHeader = {
  reason: 'dlq-reason',
  errorClass: 'dlq-error-class',
  consumer: 'dlq-consumer',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
  replayedAt: 'dlq-replayed-at',
} as const;

export type DlqErrorClass = 'schema-violation' | 'permanent' | 'retries-exhausted';

export function decodeHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = (Array.isArray(value) ? value[value.length - 1] : value).toString();
  }
  return decoded;
}
