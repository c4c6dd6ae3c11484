/**
 * Reading from a browser beyond loopback: a browser cannot add `Authorization: Bearer`, so the pages
 * take the reader token once as `?token=…`, answer with an HttpOnly, SameSite=Strict cookie and a
 * redirect to the same page without it, and every later request (the page, its saves to
 * /api/analysis) carries the cookie. The collector's read hook accepts header, cookie or that query.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_COOKIE = 'unsilo_token';

const cookieToken = (cookie: string | undefined): string | null => {
  for (const part of (cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE && v.length > 0) return decodeURIComponent(v.join('='));
  }
  return null;
};

const queryToken = (url: string): string | null => new URL(url, 'http://x').searchParams.get('token');

/** The credential of a request as an Authorization header value: the header, else the cookie, else ?token= on a page. */
export function readerAuthorization(req: FastifyRequest): string | string[] | undefined {
  if (req.headers.authorization) return req.headers.authorization;
  const token = cookieToken(req.headers.cookie) ?? (req.method === 'GET' ? queryToken(req.url) : null);
  return token === null ? undefined : `Bearer ${token}`;
}

/** On a page request carrying ?token=: sets the cookie and redirects without it (true when it did). */
export function moveTokenToCookie(req: FastifyRequest, reply: FastifyReply): boolean {
  const token = queryToken(req.url);
  if (token === null) return false;
  const url = new URL(req.url, 'http://x');
  url.searchParams.delete('token');
  void reply
    .header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
    .redirect(`${url.pathname}${url.search}`, 303);
  return true;
}
