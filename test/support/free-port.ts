/** A TCP port on 127.0.0.1 free at the time of asking, for servers that cannot listen on port 0 (Probot's treats 0 as 3000). */
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
