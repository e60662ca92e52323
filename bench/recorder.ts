/**
 * A TCP pipe in front of DynamoDB Local that can record the requests going through it. The bench
 * gives the runtime this pipe as its DynamoDB endpoint, so both the application's requests
 * (edge → DynamoDB Local) and the Step Functions emulator's own store requests pass here. Bytes
 * are only copied and, while recording, kept; they are parsed after the recording stops, so the
 * pipe costs next to nothing when it is not recording.
 */
import net, { type Server, type Socket } from 'node:net';
import { parseRequests, type WireRequest } from './dynamo';

export class RecordingPipe {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** While recording: per connection, its chunks with the order they arrived in overall. */
  private recording?: Map<Socket, { chunk: Buffer; seq: number }[]>;
  private seq = 0;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        if (!this.recording) return;
        const chunks = this.recording.get(client) ?? [];
        chunks.push({ chunk, seq: this.seq++ });
        this.recording.set(client, chunks);
      });
      client.pipe(upstream);
      upstream.pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /**
   * Starts keeping bytes. A request already half sent on a connection when recording starts
   * would be cut; the bench starts recording when DynamoDB traffic is quiet.
   */
  record(): void {
    this.recording = new Map();
  }

  /**
   * Stops keeping bytes and returns the requests sent since `record()`, in the order their first
   * bytes arrived (requests on different connections interleave as they were sent).
   */
  stop(): WireRequest[] {
    const recorded = this.recording ?? new Map<Socket, { chunk: Buffer; seq: number }[]>();
    this.recording = undefined;
    const all: { request: WireRequest; seq: number }[] = [];
    for (const chunks of recorded.values()) {
      const { requests, starts } = parseRequests(Buffer.concat(chunks.map((c) => c.chunk)));
      let chunk = 0;
      let chunkStart = 0;
      requests.forEach((request, i) => {
        const start = starts[i] ?? 0;
        while (chunk < chunks.length - 1 && chunkStart + (chunks[chunk]?.chunk.length ?? 0) <= start) chunkStart += chunks[chunk++]?.chunk.length ?? 0;
        all.push({ request, seq: chunks[chunk]?.seq ?? 0 });
      });
    }
    return all.sort((a, b) => a.seq - b.seq).map((x) => x.request);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
