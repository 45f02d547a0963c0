export * from './audit-sql';
export * from './audit-log.migration';
export * from './integrity-env';
export * from './integrity-metrics';
export * from './orphan-auditor';
export * from './integrity.module';
export * from './integrity.controller';
export * from './schema-coverage';
