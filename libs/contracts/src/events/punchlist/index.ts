export * from './punchlist-event-shapes';
export * from './punchlist-created.v1';
export * from './punchlist-items-added.v1';
export * from './punchlist-item-status-changed.v1';
export * from './punchlist-progress-events.v1';
export * from './punchlist-cleared.v1';
