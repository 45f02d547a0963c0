export * from './workflow-event-shapes';
export * from './workflow-lifecycle-events.v1';
export * from './stage-events.v1';
export * from './override-events.v1';
export * from './stage-skipped.v1';
export * from './workflow-pins-asserted.v1';
