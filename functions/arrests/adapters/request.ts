import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PayloadTooLarge } from '#shared/errors';
import { parseJsonBody } from '#shared/http';
import { ArrestPacketSchema, MAX_PACKET_BYTES, type ArrestPacket } from '../domain/packet';

/** An arrest packet from the request body, refused over the limit (413) before it is parsed. */
export function packetBody(event: APIGatewayProxyEvent): ArrestPacket {
  const bytes = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
  if (bytes > MAX_PACKET_BYTES) throw new PayloadTooLarge(`An arrest packet may be at most ${MAX_PACKET_BYTES / 1024} KB; this one is ${Math.ceil(bytes / 1024)} KB`);
  return parseJsonBody(event, ArrestPacketSchema);
}
