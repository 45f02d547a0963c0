import { permanentRefusal } from './kafka-refusal';

describe('permanentRefusal', () => {
  it('finds a record-level refusal however kafkajs wrapped it', () => {
    expect(permanentRefusal({ type: 'MESSAGE_TOO_LARGE' })).toBe('MESSAGE_TOO_LARGE');
    expect(permanentRefusal({ name: 'KafkaJSNonRetriableError', cause: { type: 'INVALID_RECORD' } })).toBe(
      'INVALID_RECORD',
    );
    expect(
      permanentRefusal({
        errors: [{ type: 'NOT_LEADER_FOR_PARTITION' }, { originalError: { type: 'RECORD_LIST_TOO_LARGE' } }],
      }),
    ).toBe('RECORD_LIST_TOO_LARGE');
  });

  it('leaves transient failures to the retry loop', () => {
    expect(permanentRefusal({ type: 'NOT_LEADER_FOR_PARTITION' })).toBeNull();
    expect(permanentRefusal(new Error('Connection error: connect ECONNREFUSED'))).toBeNull();
    expect(permanentRefusal(null)).toBeNull();
  });
});
