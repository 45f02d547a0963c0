/**
 * Thrown by a handler when the message can never be applied (a business rule refuses it): the
 * consumer sends it to the DLQ at once instead of retrying.
 */
export class PermanentMessageError extends Error {
  override name = 'PermanentMessageError';
}
