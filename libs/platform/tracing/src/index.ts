export * from './start-tracing';
export * from './message-tracing';
