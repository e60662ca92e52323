import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildPortal, type PortalBundle } from '../../portal/build';
import { PORTAL_PATH, portalConfig, portalCsp, type PortalConfig } from '../../portal/config';
import { PAGE_HEADERS, send } from './http';
import { PORTAL_CLIENT_ID } from './oauth';

/** The portal's prefix on the local API Gateway's origin (CloudFront's `/portal/*` in AWS). */
export const PORTAL_PREFIX = PORTAL_PATH.replace(/\/$/, '');

const TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'portal.js': 'text/javascript; charset=utf-8',
  'portal.css': 'text/css; charset=utf-8',
  'config.json': 'application/json; charset=utf-8',
};

/**
 * The CISS portal at home: the same bundle CloudFront serves from S3 in AWS, under `/portal/` on
 * the local API's origin, with a `config.json` that sends sign-in to the local issuer's OAuth
 * endpoints on that origin. Built once on first use (esbuild), so runtimes that never show the
 * portal pay nothing.
 */
export class LocalPortal {
  private bundle?: Promise<PortalBundle>;
  readonly config: PortalConfig;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(apiOrigin: string) {
    this.config = portalConfig(apiOrigin, { authBase: apiOrigin, clientId: PORTAL_CLIENT_ID });
    this.headers = { ...PAGE_HEADERS, 'Content-Security-Policy': portalCsp(this.config.authBase), 'Permissions-Policy': 'camera=(), microphone=(), geolocation=()' };
  }

  readonly serve = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    if (url.pathname === PORTAL_PREFIX) {
      res.writeHead(308, { ...this.headers, Location: `${PORTAL_PATH}${url.search}` });
      return void res.end();
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, { message: `${method} is not allowed here` }, { ...this.headers, Allow: 'GET, HEAD' });
    const name = url.pathname.slice(PORTAL_PATH.length) || 'index.html';
    const type = TYPES[name];
    if (!type) return send(res, 404, { message: 'Not found' }, this.headers);
    const body = name === 'config.json' ? JSON.stringify(this.config) : (await (this.bundle ??= buildPortal())).files[name as keyof PortalBundle['files']];
    res.writeHead(200, { ...this.headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(method === 'HEAD' ? undefined : body);
  };
}
