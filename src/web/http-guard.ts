// Request checks of the viewer's HTTP server: the Host header (DNS-rebinding guard for a loopback
// server), the access token for servers reachable from other machines, and the same-origin rule
// for requests that change state.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'cryopick_token';
export const TOKEN_HEADER = 'x-cryopick-token';

/** True for 127.0.0.0/8, ::1 and 'localhost'. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export interface GuardOptions {
  /** The address the server is bound to. */
  readonly host: string;
  readonly port: number;
  /** Required on every request when set (mandatory for non-loopback hosts). */
  readonly token?: string;
}

export type GuardResult = { readonly ok: true; readonly setCookie?: string } | { readonly ok: false; readonly status: number; readonly message: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Checks a request; a valid `?token=` on a page load also sets the token cookie. */
export function guardRequest(req: IncomingMessage, url: URL, o: GuardOptions): GuardResult {
  const hostHeader = req.headers.host ?? '';
  const hostName = hostHeader.replace(/:\d+$/, '');
  if (isLoopbackHost(o.host) && !isLoopbackHost(hostName)) {
    return { ok: false, status: 403, message: `host '${hostHeader}' is not this loopback server` };
  }
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return { ok: false, status: 403, message: `cross-origin request from ${origin} refused` };
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return { ok: false, status: 415, message: 'expected a JSON body (content-type: application/json)' };
  }
  if (o.token === undefined) return { ok: true };
  const given = url.searchParams.get('token');
  if (given !== null && sameSecret(given, o.token)) {
    return { ok: true, setCookie: `${TOKEN_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/` };
  }
  const header = req.headers[TOKEN_HEADER];
  const candidate = typeof header === 'string' ? header : cookieToken(req);
  if (candidate !== undefined && sameSecret(candidate, o.token)) return { ok: true };
  return { ok: false, status: 401, message: 'this viewer needs its access token: open the URL cryopick view printed' };
}
