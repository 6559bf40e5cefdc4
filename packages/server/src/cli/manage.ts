import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { randomToken } from '../crypto/random.js';
import { KyselyStorage } from '../storage/kysely/kysely-storage.js';
import { parseTenant, readTenantFile, toClient } from '../tenant/import-tenant.js';
import { createActionRunner } from '../actions/tenant-actions.js';
import { systemClock } from '../protocol/context.js';
import { registerUser, RegistrationDeniedError } from '../protocol/users/register-user.js';

async function withStorage<T>(database: string | undefined, run: (storage: KyselyStorage) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, database !== undefined ? { database } : {});
  const storage = await KyselyStorage.open(config.database);
  try {
    return await run(storage);
  } finally {
    await storage.close();
  }
}

/** `latchkey clients create`: registers an application with a generated 256-bit secret, shown once. */
export async function createClientCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      callback: { type: 'string', multiple: true },
      'logout-url': { type: 'string', multiple: true },
      type: { type: 'string' },
      'client-id': { type: 'string' },
      'third-party': { type: 'boolean' },
      database: { type: 'string' },
    },
  });
  if (!values.name) throw new Error('clients create: --name is required');
  const appType = values.type ?? 'regular_web';
  const isPublic = appType === 'spa' || appType === 'native';
  const secret = isPublic ? undefined : randomToken(32);
  const tenant = parseTenant(
    {
      clients: [
        {
          client_id: values['client-id'] ?? randomToken(24),
          ...(secret !== undefined && { client_secret: secret }),
          name: values.name,
          app_type: appType,
          callbacks: values.callback ?? [],
          allowed_logout_urls: values['logout-url'] ?? [],
          token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_basic',
          is_first_party: !values['third-party'],
        },
      ],
    },
    'clients create',
  );
  const client = toClient(tenant.clients[0]!);
  await withStorage(values.database, (storage) => storage.clients.upsert(client));
  console.log(`client_id:     ${client.client_id}`);
  if (secret) console.log(`client_secret: ${secret}\n(store the secret now: only its hash is kept)`);
  return 0;
}

/** `latchkey users create`: adds a database-connection user. */
export async function createUserCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      database: { type: 'string' },
      'tenant-file': { type: 'string' },
    },
  });
  if (!values.email || !values.password) throw new Error('users create: --email and --password are required');
  const tenant = parseTenant({ users: [{ email: values.email, password: values.password, name: values.name }] }, 'users create');
  const input = tenant.users[0]!;
  const config = loadConfig(process.env, {
    ...(values.database !== undefined && { database: values.database }),
    ...(values['tenant-file'] !== undefined && { tenantFile: values['tenant-file'] }),
  });
  // The tenant's pre- and post-user-registration actions run for users added here too.
  const actions = config.tenantFile
    ? await createActionRunner([{ actions: (await readTenantFile(config.tenantFile)).actions, tenantFile: config.tenantFile }])
    : undefined;
  const userId = await withStorage(values.database, async (storage) => {
    try {
      const registration = await registerUser(
        { storage, clock: systemClock, settings: { issuer: config.issuer }, ...(actions && { actions }) },
        { email: input.email, password: input.password!, name: input.name },
      );
      await registration.afterRegistration;
      return registration.user.user_id;
    } catch (error) {
      if (error instanceof RegistrationDeniedError) {
        throw new Error(error.reason === 'user_exists' ? `users create: ${input.email} exists already` : `users create: refused: ${error.reason} (${error.userMessage})`);
      }
      throw error;
    } finally {
      await actions?.close();
    }
  });
  console.log(`user_id: ${userId}`);
  return 0;
}
