/**
 * A 127.0.0.1 port nothing listens on: one the system just gave a listener, which is closed
 * again. (A fixed "closed" port such as 9, discard, may well be open on a developer's machine.)
 */
import { createServer } from 'node:net';

export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
