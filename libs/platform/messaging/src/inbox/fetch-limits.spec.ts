import { SNAPSHOT_MAX_MESSAGE_BYTES, Topics } from '@atp/contracts';
import { fetchLimitsFor } from './fetch-limits';

describe('fetchLimitsFor', () => {
  it('lets one fetch carry a whole 64 MiB snapshot message', () => {
    const limits = fetchLimitsFor([Topics.configSnapshots]);
    expect(limits.maxBytesPerPartition).toBeGreaterThan(SNAPSHOT_MAX_MESSAGE_BYTES);
    expect(limits.maxBytes).toBeGreaterThanOrEqual(limits.maxBytesPerPartition);
  });

  it("keeps kafkajs's defaults for topics of small events", () => {
    expect(fetchLimitsFor([Topics.submissionEvents, Topics.workflowEvents])).toEqual({
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 10 * 1024 * 1024,
    });
  });
});
