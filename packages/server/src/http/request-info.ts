import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../protocol/actions/events.js';

/** What actions see of the HTTP request (`event.request`); the query only when it is the one they should see. */
export function requestInfo(request: FastifyRequest, query?: unknown): RequestInfo {
  const info: RequestInfo = {
    ip: request.ip,
    hostname: request.hostname,
    method: request.method,
    user_agent: request.headers['user-agent'],
  };
  if (query !== undefined && query !== null && typeof query === 'object') {
    info.query = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return info;
}
