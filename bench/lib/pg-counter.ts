/**
 * Round trips counted on the wire (issue 12): a TCP relay between the app server and PostgreSQL
 * that counts every ReadyForQuery ('Z') the database sends. PostgreSQL sends exactly one per
 * completed simple query and one per Sync of the extended protocol, so the count is what the
 * database itself answered — session check, BEGIN, each statement, COMMIT, NOTIFY, whatever the
 * app does — with nothing estimated and nothing in the app instrumented.
 *
 * Framing: every backend message after startup is `type(1) length(4) body`; the only unframed byte
 * is the answer to an SSLRequest ('S'/'N'), which the relay skips when the client asked for one.
 */
import net from 'node:net';

export type PgCounter = { url: string; readyForQuery: () => number; close: () => Promise<void> };

const SSL_REQUEST = 80877103;

export async function startPgCounter(targetUrl: string, port: number): Promise<PgCounter> {
  const target = new URL(targetUrl);
  const host = target.hostname;
  const targetPort = Number(target.port || 5432);
  let z = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, host);
    sockets.add(client).add(upstream);
    let sslAnswerPending = false;
    let firstPacket = true;
    client.on('data', (d: Buffer) => {
      if (firstPacket) {
        firstPacket = false;
        if (d.length >= 8 && d.readInt32BE(0) === 8 && d.readInt32BE(4) === SSL_REQUEST)
          sslAnswerPending = true;
      }
      upstream.write(d);
    });
    // Backend stream: count 'Z' messages, carrying a partial header across chunks.
    let pending = Buffer.alloc(0);
    let skip = 0; // bytes of the current message body still to pass
    upstream.on('data', (d: Buffer) => {
      client.write(d);
      let buf = pending.length ? Buffer.concat([pending, d]) : d;
      pending = Buffer.alloc(0);
      let i = 0;
      if (sslAnswerPending && buf.length) {
        sslAnswerPending = false;
        i = 1;
      }
      while (i < buf.length) {
        if (skip) {
          const n = Math.min(skip, buf.length - i);
          skip -= n;
          i += n;
          continue;
        }
        if (buf.length - i < 5) {
          pending = Buffer.from(buf.subarray(i));
          break;
        }
        if (buf[i] === 0x5a /* 'Z' */) z++;
        skip = buf.readInt32BE(i + 1) - 4;
        i += 5;
      }
      buf = Buffer.alloc(0);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    readyForQuery: () => z,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
