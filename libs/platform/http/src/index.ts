export * from './problem-details';
export * from './problem-details.filter';
export * from './validation.pipe';
export * from './request-context';
export * from './pagination';
export * from './idempotency/idempotency-key';
export * from './idempotency/idempotency.store';
export * from './idempotency/idempotency-keys.migration';
