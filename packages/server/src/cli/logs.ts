import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { isSecurityEventType, SECURITY_EVENT_TYPES, type SecurityEvent, type SecurityEventFilter } from '../protocol/events/security-event.js';
import { KyselyStorage } from '../storage/kysely/kysely-storage.js';

export const LOGS_USAGE = `logs [--type s,fp,…] [--user <user_id or email>] [--client <client_id>] [--ip <address>]
     [--since <time>] [--until <time>] [--limit <n>] [--json] [--database <url>]
     <time>: an ISO date (2026-11-21, 2026-11-21T12:00:00Z) or an age (30m, 12h, 7d)`;

/** A moment given as an ISO date or as an age before `now` (seconds). */
export function parseMoment(value: string, now: number): number {
  const age = /^(\d+)([smhd])$/.exec(value);
  if (age) return now - Number(age[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`not a time: ${value} (use an ISO date or an age like 12h)`);
  return Math.floor(time / 1000);
}

function line(event: SecurityEvent): string {
  const who = event.user_name ?? event.user_id ?? '-';
  return [
    new Date(event.date * 1000).toISOString(),
    event.type.padEnd(7),
    (event.client_id ?? '-').padEnd(16),
    who.padEnd(28),
    (event.ip ?? '-').padEnd(15),
    event.description ?? '',
  ].join('  ');
}

/**
 * `latchkey logs`: the security event log, newest first, filtered like Auth0's log search: by
 * event type, user, client, IP and time. `--json` prints one JSON object per line (Auth0's field
 * names, `date` as an ISO string) for other tools.
 */
export async function logsCommand(args: string[], now = Math.floor(Date.now() / 1000)): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      type: { type: 'string', multiple: true },
      user: { type: 'string' },
      client: { type: 'string' },
      ip: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      database: { type: 'string' },
    },
  });
  const types = (values.type ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  const unknown = types.filter((type) => !isSecurityEventType(type));
  if (unknown.length > 0) {
    throw new Error(`unknown event type ${unknown.join(', ')}; known: ${Object.keys(SECURITY_EVENT_TYPES).join(', ')}`);
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be between 1 and 1000');
  const filter: SecurityEventFilter = { types: types.filter(isSecurityEventType), limit };
  if (values.user !== undefined) filter.user = values.user;
  if (values.client !== undefined) filter.clientId = values.client;
  if (values.ip !== undefined) filter.ip = values.ip;
  if (values.since !== undefined) filter.from = parseMoment(values.since, now);
  if (values.until !== undefined) filter.to = parseMoment(values.until, now);

  const config = loadConfig(process.env, values.database !== undefined ? { database: values.database } : {});
  // Reading only: a database of another version is listed as it is, never migrated from here.
  const storage = await KyselyStorage.open(config.database, { migrate: false, poolMax: 1 });
  try {
    const events = await storage.securityEvents.list(filter);
    for (const event of events) {
      console.log(values.json ? JSON.stringify({ ...event, log_id: event.id, date: new Date(event.date * 1000).toISOString() }) : line(event));
    }
    if (!values.json && events.length === 0) console.error('no events match');
  } finally {
    await storage.close();
  }
  return 0;
}
