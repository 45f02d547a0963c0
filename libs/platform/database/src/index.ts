export * from './data-source';
export * from './transaction';
export * from './workspace-scope';
export * from './pg-errors';
export * from './migration-runner';
export * from './tenant-scope';
export * from './statement-builder';
