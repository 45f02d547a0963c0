import { Client } from 'pg';
import { IntegrityServices } from '@atp/contracts';
import { readSchemaFacts, registryGaps } from '../src';

/**
 * The registry against the migrated databases of `npm test`: every id-shaped column of every service table is an
 * intra-service foreign key, a registered cross-service reference, or explained; every audit lookup is indexed.
 */
describe.each(Object.values(IntegrityServices))('the reference registry against the %s-service database', (service) => {
  it('has no gaps', async () => {
    const url = process.env[`${service.toUpperCase()}_DATABASE_URL`];
    if (!url) throw new Error(`${service.toUpperCase()}_DATABASE_URL is not set: run with npm test`);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const facts = await readSchemaFacts(async (sql) => (await client.query(sql)).rows);
      expect(facts.columns.size).toBeGreaterThan(20);
      expect(registryGaps(service, facts)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
