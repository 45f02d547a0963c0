#!/usr/bin/env node
// The development token issuer alone, for docker-compose (`npm start` runs it in-process): the JWKS of the key
// under .local/issuer/ (made on first start; docker-compose mounts that folder from the host, so `npm run token`
// there signs with the same key). Refuses NODE_ENV=production.
//   ATP_DEV_ISSUER_LISTEN=0.0.0.0 node scripts/dev-issuer.mjs
import { startDevIssuer } from './lib/dev-issuer.mjs';

try {
  const { issuer, close } = await startDevIssuer({ listenHost: process.env.ATP_DEV_ISSUER_LISTEN || undefined });
  console.log(`[issuer] development token issuer ${issuer} (JWKS at /.well-known/jwks.json)`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void close().then(() => process.exit(0)));
} catch (error) {
  console.error(`[issuer] ${error.message}`);
  process.exit(1);
}
