export * from './stack';
export * from './wait';
export * from './kafka';
export * from './app';
export * from './service-smoke';
export * from './auth';
export * from './access-sweep';
