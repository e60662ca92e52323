import type { Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';
import { close } from './http';
import { freePort } from './net';

export interface LocalSes {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * SES v1/v2 by `aws-ses-v2-local`, with its mailbox web viewer at `/` and the mail as JSON at
 * `/store`. (Its v1 SendTemplatedEmail hangs: the application sends rendered mail instead.)
 */
export async function startLocalSes(port?: number): Promise<LocalSes> {
  const chosen = port || (await freePort());
  // A CommonJS package with `exports.default`: seen from ESM, the function is one level down.
  const start = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as typeof sesModule;
  const server: Server = await start({ host: '127.0.0.1', port: chosen });
  return {
    endpoint: `http://127.0.0.1:${chosen}`,
    port: chosen,
    stop: () => close(server),
  };
}
