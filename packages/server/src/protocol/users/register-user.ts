import { hashPassword } from '../../crypto/passwords.js';
import { newDatabaseUserId } from '../../tenant/import-tenant.js';
import { DATABASE_CONNECTION, requestEvent, userEvent, type RequestInfo } from '../actions/events.js';
import { setMetadata } from '../actions/post-login.js';
import type { ProtocolContext } from '../context.js';
import type { User } from '../model.js';
import { checkPassword, describePasswordProblem } from './password-policy.js';

/** What registering a user needs: storage, time, the issuer (the tenant's name) and the actions. */
export type RegistrationContext = Pick<ProtocolContext, 'storage' | 'clock' | 'actions'> & { settings: { issuer: string } };

export interface RegistrationInput {
  email: string;
  password: string;
  name?: string | undefined;
  user_metadata?: Record<string, unknown>;
}

/** A registration refused: by a pre-user-registration action, or because the email is taken. */
export class RegistrationDeniedError extends Error {
  constructor(
    /** For the logs: the action's reason or validation code. */
    readonly reason: string,
    /** What the person registering may be told. */
    readonly userMessage: string,
  ) {
    super(reason);
    this.name = 'RegistrationDeniedError';
  }
}

export interface Registration {
  user: User;
  /** The post-user-registration actions, which run after the user exists and never undo it (Auth0 runs them asynchronously). */
  afterRegistration: Promise<void>;
}

/**
 * Adds a user to the database connection, running the tenant's pre-user-registration actions
 * first (they may deny it, or set metadata) and post-user-registration actions after (Auth0
 * Actions' signup triggers). A failing pre-registration action refuses the registration.
 */
export async function registerUser(ctx: RegistrationContext, input: RegistrationInput, info?: RequestInfo): Promise<Registration> {
  const email = input.email.trim().toLowerCase();
  // ASVS 6.2: whatever the way in (CLI, a future sign-up page), the password policy holds.
  const problem = checkPassword(input.password, { email });
  if (problem) throw new RegistrationDeniedError('password_policy', `The password ${describePasswordProblem(problem)}.`);
  if (await ctx.storage.users.findByEmail(email)) throw new RegistrationDeniedError('user_exists', 'The user already exists.');
  const now = ctx.clock.now();
  const user: User = {
    user_id: newDatabaseUserId(),
    email,
    email_verified: false,
    password_hash: null,
    name: input.name ?? null,
    given_name: null,
    family_name: null,
    nickname: null,
    picture: null,
    updated_at: now,
    created_at: now,
    user_metadata: { ...input.user_metadata },
    app_metadata: {},
  };
  const tenant = { id: new URL(ctx.settings.issuer).host };

  for (const action of ctx.actions?.list('pre-user-registration') ?? []) {
    const { user_id: _id, identities: _identities, logins_count: _count, last_login: _last, ...profile } = userEvent(user);
    const event = { tenant, user: profile, connection: DATABASE_CONNECTION, request: requestEvent(info, {}) };
    const result = await ctx.actions!.run(action, 'onExecutePreUserRegistration', event);
    if (!result.ok) throw new RegistrationDeniedError(`the action ${action.name} failed`, 'We could not create your account.');
    for (const command of result.commands) {
      if (command.type === 'deny') throw new RegistrationDeniedError(command.reason || `denied by ${action.name}`, command.userMessage || 'You may not sign up.');
      if (command.type === 'validation.error') throw new RegistrationDeniedError(command.code, command.message);
      if (command.type === 'user.setUserMetadata' || command.type === 'user.setAppMetadata') setMetadata(user, command);
    }
  }

  user.password_hash = await hashPassword(input.password);
  await ctx.storage.users.upsert(user);

  const post = ctx.actions?.list('post-user-registration') ?? [];
  const afterRegistration = (async () => {
    for (const action of post) {
      // Failures are logged by the runner with the action's name; the user stays registered.
      await ctx.actions!.run(action, 'onExecutePostUserRegistration', {
        tenant,
        user: userEvent(user),
        connection: DATABASE_CONNECTION,
        request: requestEvent(info, {}),
      });
    }
  })();
  return { user, afterRegistration };
}
