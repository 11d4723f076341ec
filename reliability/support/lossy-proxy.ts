/**
 * A proxy in front of the fake GitHub whose failures come after GitHub has done the work: a share
 * of requests is passed on and carried out, and then the answer is lost — replaced by a 502 or 500,
 * or held and answered 504 as a gateway timeout would. (The fake's own faults fail a request before
 * it changes anything; these are the ones after which a retry can post the same thing twice.)
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../row.js';

export type LostAnswer = '502' | '500' | '504';

export interface LossyProxy {
  url: string;
  /** The requests whose answer was lost, by kind. */
  lost: { method: string; path: string; kind: LostAnswer }[];
  close(): Promise<void>;
}

export async function startLossyProxy(
  target: string,
  o: { rate: number; seed: number; holdMs?: number },
): Promise<LossyProxy> {
  const random = seededRandom(o.seed);
  const kinds: LostAnswer[] = ['502', '500', '504'];
  const lost: LossyProxy['lost'] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = random() < o.rate ? kinds[Math.floor(random() * kinds.length)]! : undefined;
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (!fault) {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
              return;
            }
            lost.push({ method: req.method ?? '', path: req.url ?? '', kind: fault });
            const fail = () => {
              res.writeHead(Number(fault), { 'content-type': 'application/json' });
              res.end(
                JSON.stringify({
                  message:
                    fault === '504' ? 'We couldn\u2019t respond to your request in time.' : 'Server Error',
                }),
              );
            };
            if (fault === '504') setTimeout(fail, o.holdMs ?? 200);
            else fail();
          });
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lost,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
