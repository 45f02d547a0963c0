export * from './workflow-event-shapes';
export * from './workflow-lifecycle-events.v1';
export * from './stage-events.v1';
