export * from './start-tracing';
export * from './message-tracing';
export * from './http-tracing';
