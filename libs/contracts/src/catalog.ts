import type { EventDefinition } from './event-definition';
import { WorkspaceCreatedV1, WorkspaceDeactivatedV1, WorkspaceUpdatedV1 } from './events/config/workspace-events.v1';

/**
 * Every event the platform publishes. Producers refuse to write an event type missing here and
 * consumers validate what they read against the same entry.
 */
export const eventCatalog: readonly EventDefinition[] = [
  WorkspaceCreatedV1,
  WorkspaceUpdatedV1,
  WorkspaceDeactivatedV1,
] as EventDefinition[];
