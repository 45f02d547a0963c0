/**
 * Kafka error types that refuse a record for good: sending it again cannot succeed until someone
 * changes the record or the topic. Anything else (connection loss, leader moves) is retried.
 */
const PERMANENT_RECORD_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
]);

interface KafkaErrorLike {
  type?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/** The permanent refusal inside a (possibly wrapped) kafkajs error, or null when retrying may help. */
export function permanentRefusal(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const candidate = error as KafkaErrorLike;
  if (typeof candidate.type === 'string' && PERMANENT_RECORD_ERRORS.has(candidate.type)) return candidate.type;
  const nested = [
    candidate.cause,
    candidate.originalError,
    ...(Array.isArray(candidate.errors) ? candidate.errors : []),
  ];
  for (const inner of nested) {
    const found = permanentRefusal(inner, depth + 1);
    if (found) return found;
  }
  return null;
}
