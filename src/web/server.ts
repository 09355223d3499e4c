// The viewer's HTTP server (node:http): the page, the compiled browser code (a fixed list of files
// read at start, so no request path ever reaches the file system) and the API. Binds 127.0.0.1 by
// default; any other address needs an access token, which every request must then carry.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, UserError } from '../errors.js';
import { guardRequest, isLoopbackHost } from './http-guard.js';
import { ApiError, handleApi, type ApiContext } from './view-api.js';
import { renderViewerPage } from './viewer-page.js';

export interface ViewServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Access token; required for hosts other than loopback. */
  readonly token?: string;
  /** Receives unexpected errors (bugs), which are answered with status 500. */
  readonly onError?: (err: unknown) => void;
}

export interface RunningViewer {
  readonly server: Server;
  /** The URL to open (with the token when one is set). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 2 ** 20;
const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'client');

/** The compiled browser modules, by file name (read once; nothing else is ever served from disk). */
function loadClientFiles(): Map<string, Buffer> {
  if (!existsSync(CLIENT_DIR)) throw new UserError('ENOENT', `the viewer's browser code is missing (${CLIENT_DIR}); run npm run build`);
  return new Map(readdirSync(CLIENT_DIR).filter((n) => /^[\w-]+\.js$/.test(n)).map((n) => [n, readFileSync(join(CLIENT_DIR, n))]));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'", ...headers,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'request body is not valid JSON');
  }
}

/**
 * Starts the viewer server for an API context.
 * @throws UsageError for a non-loopback host without a token.
 */
export async function startViewServer(context: ApiContext, options: ViewServerOptions = {}): Promise<RunningViewer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && (options.token === undefined || options.token.length < 8)) {
    throw new UsageError(`--host ${host} makes the viewer reachable from other machines: set an access token of at least 8 characters (--token or CRYOPICK_VIEW_TOKEN)`);
  }
  const client = loadClientFiles();
  let port = options.port ?? 0;
  const guard = { host, get port() { return port; }, ...(options.token === undefined ? {} : { token: options.token }) };
  const page = renderViewerPage();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://viewer.invalid');
      const verdict = guardRequest(req, url, guard);
      if (!verdict.ok) return send(res, verdict.status, 'application/json', JSON.stringify({ error: verdict.message }));
      const cookie: Record<string, string> = verdict.setCookie ? { 'set-cookie': verdict.setCookie } : {};
      const method = req.method ?? 'GET';
      const path = url.pathname;
      try {
        if (method === 'GET' && (path === '/' || path === '/index.html')) return send(res, 200, 'text/html; charset=utf-8', page, cookie);
        if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
        const file = path.startsWith('/client/') ? client.get(path.slice('/client/'.length)) : undefined;
        if (method === 'GET' && file !== undefined) return send(res, 200, 'text/javascript; charset=utf-8', file);
        if (path.startsWith('/api/')) {
          const body = method === 'GET' ? undefined : await readBody(req);
          const reply = await handleApi(context, method, path.slice('/api/'.length), url.searchParams, body);
          if (reply.kind === 'png') return send(res, 200, 'image/png', reply.body, { ...reply.headers });
          return send(res, reply.status, 'application/json', JSON.stringify(reply.body));
        }
        return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
      } catch (err) {
        if (err instanceof ApiError) return send(res, err.status, 'application/json', JSON.stringify({ error: err.message }));
        if (err instanceof UserError || (err as { code?: string }).code === 'ENOENT') {
          return send(res, 400, 'application/json', JSON.stringify({ error: (err as Error).message }));
        }
        options.onError?.(err);
        return send(res, 500, 'application/json', JSON.stringify({ error: `internal error: ${err instanceof Error ? err.message : String(err)}` }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new UserError('EADDRINUSE', `port ${options.port} on ${host} is in use; choose another with --port`) : err));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/${options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`}`;
  return {
    server, url, port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
