import { Gauge, type Registry } from 'prom-client';

export const ORPHANS_GAUGE = 'atp_integrity_orphans';

/** `atp_integrity_orphans{check}`: orphans each check found in the last audit of every workspace. */
export class IntegrityMetrics {
  readonly orphans: Gauge<'check'>;

  constructor(registry: Registry) {
    this.orphans =
      (registry.getSingleMetric(ORPHANS_GAUGE) as Gauge<'check'> | undefined) ??
      new Gauge({
        name: ORPHANS_GAUGE,
        help: 'Rows whose referenced row is missing, per audit check, as of the last audit of every workspace',
        labelNames: ['check'],
        registers: [registry],
      });
  }
}
