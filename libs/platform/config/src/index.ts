export * from './env-schema';
export * from './common-env';
export * from './kafka-security-env';
