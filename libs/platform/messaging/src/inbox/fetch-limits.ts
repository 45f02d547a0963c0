import { allTopicSpecs } from '@atp/contracts';

/** kafkajs's defaults: 1 MiB per partition, 10 MiB per fetch. */
const DEFAULT_PER_PARTITION = 1024 * 1024;
const DEFAULT_PER_FETCH = 10 * 1024 * 1024;
/** Room for the record batch header and the message's key and headers. */
const BATCH_OVERHEAD = 64 * 1024;

export interface FetchLimits {
  maxBytesPerPartition: number;
  maxBytes: number;
}

/**
 * Fetch sizes that hold the largest message any of the topics accepts (`max.message.bytes` of its
 * spec: 64 MiB for the config snapshots), so one fetch can always carry a whole record batch. Topics
 * of small events keep kafkajs's defaults, which bound how much of a backlog one fetch loads.
 */
export function fetchLimitsFor(topics: readonly string[], specs = allTopicSpecs()): FetchLimits {
  let largest = 0;
  for (const spec of specs) {
    if (!topics.includes(spec.name)) continue;
    largest = Math.max(largest, Number(spec.config?.['max.message.bytes'] ?? 0));
  }
  const maxBytesPerPartition = Math.max(DEFAULT_PER_PARTITION, largest + BATCH_OVERHEAD);
  return { maxBytesPerPartition, maxBytes: Math.max(DEFAULT_PER_FETCH, maxBytesPerPartition) };
}
