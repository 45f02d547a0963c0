export * from './submission-event-shapes';
export * from './qa-approved.v1';
export * from './submission-created.v1';
export * from './submission-document-uploaded.v1';
export * from './submission-submitted.v1';
export * from './submission-qa-rejected.v1';
export * from './submission-status-changed.v1';
