/**
 * A TCP pipe in front of DynamoDB Local that can record the requests going through it, and the
 * keep-alive agent the runtime reaches DynamoDB Local with (`agent`): both the application's
 * requests (edge → DynamoDB Local) and the Step Functions emulator's own store requests go
 * through that agent. It connects through the pipe only while recording, and straight to
 * DynamoDB Local otherwise: the pipe copies every byte on the runtime's own thread, which cost
 * the levels a fifth of their throughput at concurrency 16 and 100 (paired runs), and the
 * storage ceiling it is set against replays straight to DynamoDB Local. Bytes are only copied
 * and, while recording, kept; they are parsed after the recording stops.
 */
import { Agent, type AgentOptions } from 'node:http';
import net, { type Server, type Socket } from 'node:net';
import { parseRequests, type WireRequest } from './dynamo';

/** A keep-alive agent whose new connections go to the pipe's port or to DynamoDB Local's, as `target` says when they are made. */
class SwitchingAgent extends Agent {
  constructor(options: AgentOptions, private readonly target: () => number) {
    super(options);
  }

  /** Closes the idle connections, so the next requests connect to the current target. */
  dropIdle(): void {
    for (const sockets of Object.values(this.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  /** The socket returned is the connection (the agent takes it as made; it needs no callback). */
  override createConnection(options: net.NetConnectOpts): net.Socket {
    return net.createConnection({ ...options, host: '127.0.0.1', port: this.target() } as net.TcpNetConnectOpts);
  }
}

export class RecordingPipe {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** While recording: per connection, its chunks with the order they arrived in overall. */
  private recording?: Map<Socket, { chunk: Buffer; seq: number }[]>;
  private seq = 0;
  port = 0;
  /** Give the runtime this agent: through the pipe while recording, straight to DynamoDB Local otherwise. */
  readonly agent: SwitchingAgent;

  constructor(private readonly upstreamPort: number) {
    this.agent = new SwitchingAgent({ keepAlive: true, maxSockets: Infinity }, () => (this.recording ? this.port : this.upstreamPort));
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
    this.agent.dropIdle();
  }

  /**
   * Stops keeping bytes and returns the requests sent since `record()`, in the order their first
   * bytes arrived (requests on different connections interleave as they were sent).
   */
  stop(): WireRequest[] {
    const recorded = this.recording ?? new Map<Socket, { chunk: Buffer; seq: number }[]>();
    this.recording = undefined;
    this.agent.dropIdle();
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
    this.agent.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
