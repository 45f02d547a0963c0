import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeServiceDocuments } from '@atp/platform-openapi';
import { upstreamFor, type UpstreamService } from '../proxy/service-routes';

/** The services behind the gateway and the file each one's document is committed in (docs/openapi/). */
export const SERVICE_DOCUMENT_FILES: Readonly<Record<UpstreamService, string>> = {
  config: 'config-service.json',
  workflow: 'workflow-service.json',
  submission: 'submission-service.json',
  punchlist: 'punchlist-service.json',
};

/**
 * The public API as the gateway exposes it: each service's paths that the gateway routes to that
 * service (the same table the proxy forwards by), one document (docs/openapi.json).
 */
export function publicApiDocument(documents: Readonly<Record<UpstreamService, OpenAPIObject>>): OpenAPIObject {
  const services = Object.keys(SERVICE_DOCUMENT_FILES) as UpstreamService[];
  return mergeServiceDocuments(
    services.map((service) => ({
      service: `${service}-service`,
      document: documents[service],
      routes: (path: string) => upstreamFor(path) === service,
      // Every service serves the integrity routes; the gateway forwards `/integrity/<service>/…` by name.
      fixedParams: { service },
    })),
    {
      title: 'ATP Workflow Approval Platform API',
      description:
        'The public API behind the gateway. Every route needs a bearer token (JWT) unless it says `x-access: public`; ' +
        'errors are application/problem+json with a stable `code`; POSTs accept an `Idempotency-Key` header.',
      version: '1',
    },
  );
}

/** The merged document from the services' committed documents in `directory`. */
export function readPublicApiDocument(directory: string): OpenAPIObject {
  const read = (file: string) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as OpenAPIObject;
  const entries = Object.entries(SERVICE_DOCUMENT_FILES).map(([service, file]) => [service, read(file)]);
  return publicApiDocument(Object.fromEntries(entries) as Record<UpstreamService, OpenAPIObject>);
}
