import type { Kysely, Selectable } from 'kysely';
import { isSecurityEventType, type SecurityEvent, type SecurityEventFilter } from '../../protocol/events/security-event.js';
import type { SecurityEventRepository } from '../storage.js';
import type { Database, SecurityEventTable } from './schema.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function toEvent(row: Selectable<SecurityEventTable>): SecurityEvent {
  if (!isSecurityEventType(row.type)) throw new Error(`unknown security event type ${row.type}`);
  return {
    ...row,
    type: row.type,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

/** How long an event may wait to be written, and how many rows go in one INSERT. */
const FLUSH_DELAY_MS = 20;
const BATCH_SIZE = 200;

/**
 * The security event log on Kysely (SQLite and PostgreSQL). `db` is a thunk, as KyselyStorage builds
 * it in a field initialiser.
 *
 * Events are queued and written in multi-row INSERTs a few milliseconds later, so the token endpoint
 * does not pay a database write per token for its log line. The cost is that a process killed with
 * SIGKILL loses the events of its last few milliseconds; a graceful stop flushes them.
 */
export function securityEventRepository(db: () => Kysely<Database>): SecurityEventRepository {
  let queue: SecurityEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = async (events: SecurityEvent[]) => {
    for (let i = 0; i < events.length; i += BATCH_SIZE) {
      const rows = events.slice(i, i + BATCH_SIZE).map((event) => ({
        ...event,
        details: event.details === null ? null : JSON.stringify(event.details),
      }));
      await db().insertInto('security_events').values(rows).execute();
    }
  };
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const events = queue;
    queue = [];
    // Writes stay in order; a failed write goes to onWriteError, never to a request.
    writing = writing.then(() => write(events)).catch((error: unknown) => repository.onWriteError?.(error, events));
    return writing;
  };
  const flushInBackground = () => void flush();

  const repository: SecurityEventRepository = {
    record: async (event: SecurityEvent) => {
      queue.push(event);
      if (queue.length >= BATCH_SIZE) flushInBackground();
      else if (!timer) {
        timer = setTimeout(flushInBackground, FLUSH_DELAY_MS);
        timer.unref();
      }
    },
    flush,
    list: async (filter: SecurityEventFilter = {}) => {
      await flush();
      let query = db().selectFrom('security_events').selectAll();
      if (filter.types && filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
      if (filter.user !== undefined) {
        const user = filter.user;
        query = query.where((eb) => eb.or([eb('user_id', '=', user), eb('user_name', '=', user.toLowerCase())]));
      }
      if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
      if (filter.ip !== undefined) query = query.where('ip', '=', filter.ip);
      if (filter.from !== undefined) query = query.where('date', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('date', '<', filter.to);
      const limit = Math.min(Math.max(1, filter.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
      const rows = await query.orderBy('date', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
    deleteBefore: async (cutoff: number, limit: number) => {
      await flush();
      // A bounded batch, by primary key, so a large purge never holds a long lock (both dialects).
      const ids = await db().selectFrom('security_events').select('id').where('date', '<', cutoff).limit(limit).execute();
      if (ids.length === 0) return 0;
      const result = await db().deleteFrom('security_events').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
  return repository;
}
