import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy in front of one server, which a test can cut (a partition) and restore. */
export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1; clients connect here instead of to the target. */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  /** Resets every open connection and refuses new ones (ECONNREFUSED) until `restore`. */
  cut(): Promise<void>;
  /**
   * Stops forwarding on every open connection and keeps it open, whatever either side sends or closes: a
   * partition that drops packets, where each side learns nothing until its own timeout (a half-open connection).
   * New connections are still forwarded. Ends with `close`.
   */
  freeze(): void;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target`. Fault-injection tests cut it to make a dependency unreachable for one
 * service under test without touching the dependency itself: stopping the shared PostgreSQL cluster
 * would take it away from every other test of the run as well, and a cluster that fails to come back
 * fails the whole run.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    const pair = { client, upstream };
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
    track(client);
    track(upstream);
    // Either side ending or failing ends the other: the client sees what it would see from the server.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const port = await listen(0);
  let listening = true;

  return {
    port,
    urlThrough(url) {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.toString();
    },
    async cut() {
      if (!listening) return;
      listening = false;
      const closed = stopListening();
      for (const socket of open) socket.resetAndDestroy();
      await closed;
    },
    freeze() {
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        for (const socket of [client, upstream]) {
          socket.removeAllListeners('error');
          socket.on('error', () => undefined);
          socket.allowHalfOpen = true; // the other side's FIN is not answered either
          socket.pause();
        }
      }
      pairs.clear();
    },
    async restore() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    async close() {
      for (const socket of open) socket.destroy();
      if (listening) await stopListening();
      listening = false;
    },
  };
}
