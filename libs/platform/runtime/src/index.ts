export * from './tokens';
export * from './inbox-transport';
export * from './platform.module';
export * from './bootstrap';
export * from './health.controller';
export * from './logger';
export * from './http-metrics';
export * from './periodic-task';
