export * from './tokens';
export * from './inbox-transport';
export * from './platform.module';
export * from './bootstrap';
export * from './health.controller';
export * from './logger';
export * from './http-exchange';
export * from './periodic-task';
