/** The example API's settings, read once from the environment. */
export interface ApiConfig {
  /** Port to listen on. `PORT`, default 3010. */
  port: number;
  /** The Latchkey issuer, with its trailing slash. `LATCHKEY_ISSUER`, default `http://localhost:4000/`. */
  issuer: string;
  /** This API's identifier, the `audience` clients ask tokens for. `API_AUDIENCE`, default `https://api.example.test/`. */
  audience: string;
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = Number(env['PORT'] ?? 3010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`PORT must be a port number, got ${JSON.stringify(env['PORT'])}`);
  }
  return Object.freeze({
    port,
    issuer: env['LATCHKEY_ISSUER'] ?? 'http://localhost:4000/',
    audience: env['API_AUDIENCE'] ?? 'https://api.example.test/',
  });
}
