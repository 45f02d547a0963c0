export * from './envelope';
export * from './topics';
export * from './event-definition';
export * from './catalog';
export * from './validation/contract-validator';
export * from './events/config/workspace-events.v1';
export * from './events/submission/qa-approved.v1';
export * from './events/workflow';
